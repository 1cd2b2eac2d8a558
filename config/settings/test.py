"""Tests: fast hashing, in-memory email. SQLite unless DATABASE_URL points elsewhere (CI)."""
import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F401,F403
from .base import BASE_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / ".test-media"
# Tests that need a real worker set CELERY_TASK_ALWAYS_EAGER=0 and REDIS_URL (see .ci/run).
CELERY_TASK_ALWAYS_EAGER = os.environ.get("CELERY_TASK_ALWAYS_EAGER", "1") == "1"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Matching: no model loading and no index files in the work tree unless a test asks for them.
MATCHING_DENSE = os.environ.get("MATCHING_DENSE", "0") == "1"
MATCHING_INDEX_DIR = Path(tempfile.mkdtemp(prefix="matching-index-"))
# On-save refreshes run in the committing thread: deterministic, and on the test's database
# connection (tests/matching_tests covers the background thread of the embedded default).
MATCHING_ON_SAVE = "inline"

# Request rates: a test walks hundreds of API URLs as one user within a second (test_hardening.py sets
# low rates where throttling itself is tested).
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "100000/min", "user": "100000/min"}}  # noqa: F405
