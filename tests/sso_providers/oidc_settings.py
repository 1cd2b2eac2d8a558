"""An OpenID Connect provider (django-oidc-provider) for the OIDC sign-in test."""
from .common import *  # noqa: F401,F403
from .common import BASE_APPS

INSTALLED_APPS = [*BASE_APPS, "oidc_provider"]
ROOT_URLCONF = "tests.sso_providers.oidc_urls"
LOGIN_URL = "/accounts/login/"
OIDC_USERINFO = "tests.sso_providers.oidc_urls.userinfo"
