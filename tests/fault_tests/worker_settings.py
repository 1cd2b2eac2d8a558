"""Settings of the worker the fault tests start (and kill): the test settings, a mailbox on disk that
another process can count, and a visibility timeout of seconds instead of hours, so that a message whose
worker died is delivered again within the test (production waits its visibility timeout for that)."""
import os

from config.settings.test import *  # noqa: F401,F403

EMAIL_BACKEND = "tests.fault_tests.mailbox.MailboxBackend"
FAULT_MAILBOX = os.environ["FAULT_MAILBOX"]
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": int(os.environ.get("FAULT_VISIBILITY_TIMEOUT", "6"))}
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None  # a Redis restart is waited out, however long
