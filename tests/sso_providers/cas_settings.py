"""A CAS server (django-mama-cas) for the CAS sign-in test."""
import os

from .common import *  # noqa: F401,F403
from .common import BASE_APPS

INSTALLED_APPS = [*BASE_APPS, "mama_cas"]
ROOT_URLCONF = "tests.sso_providers.cas_urls"
# The one service allowed to ask for tickets: the platform under test.
MAMA_CAS_SERVICES = [{
    "SERVICE": os.environ.get("SSO_ALLOWED_SERVICE", r"^http://127\.0\.0\.1(:\d+)?/"),
    "CALLBACKS": ["mama_cas.callbacks.user_name_attributes", "mama_cas.callbacks.user_model_attributes"],
}]
