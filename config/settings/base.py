"""Settings for the embedded default: SQLite, Celery tasks run eagerly, no Redis.

Every value that differs between deployments is read from the environment here, in
one place; `production` tightens the rules and `test` speeds things up.
"""
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

from platform_core.api.schema import AppEnumNames

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


SECRET_KEY = os.environ.get("SECRET_KEY", "insecure-embedded-default-key-change-me")
DEBUG = env_bool("DEBUG", True)
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# Our apps come first so that their templates and translations take precedence
# (e.g. "Filter" is 筛选 here, not the admin's 过滤器).
INSTALLED_APPS = [
    "platform_core",
    "consortia",
    "projects",
    "talent",
    "transfer",
    "funds",
    "matching",
    "reporting",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "axes",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "rules.apps.AutodiscoverRulesConfig",
    "django_cas_ng",
    "mozilla_django_oidc",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "platform_core.middleware.PlainServerErrorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "platform_core.accounts.middleware.AwaitingApprovalMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last: turns a sign-in refused by the lockout into its page (platform_core/accounts/lockout.py).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "platform_core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
# The embedded default serves requests from several threads: WAL lets readers run beside a writer,
# and a write transaction takes its lock when it begins (IMMEDIATE) and waits up to 20 s for it, so
# two writers queue instead of one failing with "database is locked".
SQLITE_OPTIONS = {
    "timeout": 20,
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "platform.User"

AUTHENTICATION_BACKENDS = [
    # First: refuses every sign-in (password form, API token login, CAS, OIDC) while locked out.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Single sign-on (off unless configured below): CAS for universities, OIDC for enterprises/government.
    "platform_core.accounts.sso.CASBackend",
    "platform_core.accounts.sso.OIDCBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "platform:home"
LOGOUT_REDIRECT_URL = "login"

# Chinese first; English available through the language switch.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
CURRENCY = "CNY"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploaded spreadsheets larger than this are refused before parsing.
MAX_IMPORT_FILE_SIZE = int(os.environ.get("MAX_IMPORT_FILE_SIZE", str(20 * 1024 * 1024)))
# Uploaded documents (attachments, proposals, deliverables, reports, templates): platform_core/uploads.py.
MAX_DOCUMENT_SIZE = int(os.environ.get("MAX_DOCUMENT_SIZE", str(20 * 1024 * 1024)))
# Checked before a row is parsed (platform_core/importing.py): data rows, columns and cells the sheet
# declares (an xlsx's <dimension>), the size an xlsx unzips to (zip bomb), and one cell's length.
MAX_IMPORT_ROWS = int(os.environ.get("MAX_IMPORT_ROWS", "100000"))
MAX_IMPORT_COLUMNS = int(os.environ.get("MAX_IMPORT_COLUMNS", "60"))
MAX_IMPORT_CELLS = int(os.environ.get("MAX_IMPORT_CELLS", "3000000"))
MAX_IMPORT_UNZIPPED_SIZE = int(os.environ.get("MAX_IMPORT_UNZIPPED_SIZE", str(200 * 1024 * 1024)))
MAX_IMPORT_CELL_LENGTH = int(os.environ.get("MAX_IMPORT_CELL_LENGTH", "10000"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024

# A signed-in session lasts a working day, not Django's two weeks (SESSION_HOURS overrides).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_HOURS", "12")) * 3600
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "1121 平台 <noreply@platform.local>")
# The site's public address: links in e-mails are SITE_URL + path (production requires it). The embedded
# default is where scripts/run.sh serves (its HOST and PORT).
SITE_URL = (os.environ.get("SITE_URL")
            or f"http://{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}").rstrip("/")

# Accounts (platform_core/accounts): password reset, invitations, self-registration.
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT", str(24 * 3600)))  # also e-mail verification
ACCOUNT_INVITATION_DAYS = int(os.environ.get("ACCOUNT_INVITATION_DAYS", "7"))
# At most this many account e-mails (reset, verification, invitation) to one address per hour.
ACCOUNT_MAILS_PER_ADDRESS_PER_HOUR = int(os.environ.get("ACCOUNT_MAILS_PER_ADDRESS_PER_HOUR", "3"))
ACCOUNT_RESET_REQUESTS_PER_IP_PER_HOUR = int(os.environ.get("ACCOUNT_RESET_REQUESTS_PER_IP_PER_HOUR", "20"))
ACCOUNT_REGISTRATIONS_PER_IP_PER_HOUR = int(os.environ.get("ACCOUNT_REGISTRATIONS_PER_IP_PER_HOUR", "5"))

# Single sign-on, each off while its variables are unset (README "Single sign-on").
# CAS (统一身份认证, universities): CAS_SERVER_URL, e.g. https://cas.example.edu.cn/cas/
CAS_SERVER_URL = os.environ.get("CAS_SERVER_URL", "") or None
CAS_VERSION = os.environ.get("CAS_VERSION", "3")
CAS_REDIRECT_URL = "/"
CAS_LOGIN_MSG = None
CAS_LOGGED_MSG = None
CAS_RETRY_LOGIN = False
# OIDC (enterprises, government): the provider's endpoints and this platform's client.
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_ISSUER = os.environ.get("OIDC_OP_ISSUER", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/"  # OIDC failures: back to the login page
# Which organisation each provider's users belong to (its unified social credit code) and the role
# their pending membership asks for; the organisation's admin approves first sign-ins.
SSO_ORGANISATIONS = {
    "cas": {"organisation": os.environ.get("CAS_ORGANISATION", ""), "role": os.environ.get("CAS_ROLE", "")},
    "oidc": {"organisation": os.environ.get("OIDC_ORGANISATION", ""), "role": os.environ.get("OIDC_ROLE", "")},
}
# The label of each button on the login page.
CAS_BUTTON_LABEL = os.environ.get("CAS_BUTTON_LABEL", "")
OIDC_BUTTON_LABEL = os.environ.get("OIDC_BUTTON_LABEL", "")

# Content security policy (django-csp): scripts and styles only from this site or carrying the request's
# nonce (`nonce="{{ request.csp_nonce }}"`), no inline event handlers or style attributes, nothing framed
# elsewhere. CSP_REPORT_ONLY=1 reports violations instead of blocking them (to try a change).
_CSP = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [SELF],
        # A form may lead (through redirects) to the single sign-on servers, nowhere else.
        "form-action": [SELF, *{f"{u.scheme}://{u.netloc}" for u in map(urlsplit, (
            CAS_SERVER_URL or "", OIDC_OP_AUTHORIZATION_ENDPOINT)) if u.netloc}],
    },
}
if env_bool("CSP_REPORT_ONLY", False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP
else:
    CONTENT_SECURITY_POLICY = _CSP

# Sign-in lockout (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one user name from one
# address, that pair is refused for AXES_COOLOFF_MINUTES (the right password too); a platform admin
# unlocks it earlier by deleting its row under /admin/axes/accessattempt/ (or `manage.py axes_reset_username`).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = "platform_core.accounts.lockout.lockout_parameters"  # user name + address
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "platform_core.accounts.lockout.lockout_response"
# Behind a reverse proxy: how many proxies add themselves to X-Forwarded-For (0: use REMOTE_ADDR).
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("AXES_PROXY_COUNT", "0")) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if AXES_IPWARE_PROXY_COUNT
                                     else ("REMOTE_ADDR",))

# API tokens (django-rest-knox): stored hashed, shown once, expire, revocable by their owner
# (/accounts/tokens/, POST /api/accounts/tokens/).
API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", "30"))  # default lifetime of a new token
API_TOKEN_MAX_DAYS = int(os.environ.get("API_TOKEN_MAX_DAYS", "365"))
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=API_TOKEN_DAYS),
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_LIMIT_PER_USER": int(os.environ.get("API_TOKENS_PER_USER", "20")),
    "AUTO_REFRESH": False,
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "knox.auth.TokenAuthentication",
    ],
    # Requests per client: anonymous ones per address, signed-in ones per user; over the rate, a 429.
    "DEFAULT_THROTTLE_CLASSES": [
        "platform_core.api.throttling.AnonThrottle",
        "platform_core.api.throttling.UserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_THROTTLE_ANON", "60/min"),
        "user": os.environ.get("API_THROTTLE_USER", "600/min"),
    },
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "platform_core.api.filters.StableOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "platform_core.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "1121 Collaboration Platform API",
    "DESCRIPTION": "企业主导的产学研深度融合平台 REST API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],  # the schema maps every endpoint
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One readable name per choice set (PushStatusEnum, not Status57aEnum).
    "ENUM_NAME_OVERRIDES": AppEnumNames(),
}

# Celery: the embedded default runs tasks in-process; REDIS_URL switches to a broker.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
# Redis redelivers a task not acknowledged within the visibility timeout (acks_late: a task is acked
# when it ends). Above every task's time limit, a long task still running is never delivered twice;
# a task whose worker died is redelivered after it. tests/platform_tests/test_celery_settings.py.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 4 * 3600 + 15 * 60}
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_TIMEZONE = TIME_ZONE
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_BEAT_SCHEDULE = {
    "daily-notification-digest": {
        "task": "platform.send_daily_digests",
        "schedule": crontab(hour=8, minute=0),
    },
    "projects-remind-milestones": {
        "task": "projects.remind_milestones",
        "schedule": crontab(hour=7, minute=30),
    },
    "transfer-patent-fee-reminders": {
        "task": "transfer.send_fee_reminders",
        "schedule": crontab(hour=7, minute=40),
        "kwargs": {"days_ahead": 30},
    },
    "transfer-patent-lapse": {
        "task": "transfer.lapse_unpaid_patents",
        "schedule": crontab(hour=7, minute=45),
    },
    "matching-nightly-full-pass": {
        "task": "matching.refresh_all",
        "schedule": crontab(hour=2, minute=30),
    },
    "reporting-refresh-figures": {
        "task": "reporting.refresh_figures",
        "schedule": crontab(minute="*/10"),
    },
    "reporting-nightly-recompute": {
        "task": "reporting.nightly_recompute",
        "schedule": crontab(hour=3, minute=15),
    },
    "reporting-monthly-reports": {
        "task": "reporting.scheduled_reports",
        "schedule": crontab(day_of_month=1, hour=4, minute=0),
        "kwargs": {"period": "month"},
    },
    "reporting-quarterly-reports": {
        "task": "reporting.scheduled_reports",
        "schedule": crontab(month_of_year="1,4,7,10", day_of_month=1, hour=4, minute=30),
        "kwargs": {"period": "quarter"},
    },
}

# Apps contribute demo data in this order (each module exposes `load(context)`).
DEMO_LOADERS = [
    "platform_core.demo",
    "consortia.demo",
    "projects.demo",
    "talent.demo",
    "transfer.demo",
    "funds.demo",
    "matching.demo",
]

# `manage.py seed_scale` builds data at scale through these, in this order (each module
# exposes `load(ctx)` and `figures(ctx)`, see platform_core/scale.py).
SCALE_LOADERS = [
    "platform_core.scale",
    "consortia.scale",
    "projects.scale",
    "talent.scale",
    "transfer.scale",
    "funds.scale",
]

# Matching: persisted indexes (rebuilt from the database when missing) and dense embeddings.
MATCHING_INDEX_DIR = Path(os.environ.get("MATCHING_INDEX_DIR", BASE_DIR / "var" / "matching"))
# Off: lexical (BM25) matching only, no embedding model anywhere.
MATCHING_DENSE = env_bool("MATCHING_DENSE", True)
# The refresh after a save, with eager Celery (no broker): "thread" = a background thread after the
# response; "inline" = in the committing thread, as eager Celery does.  With a broker: a worker either way.
MATCHING_ON_SAVE = os.environ.get("MATCHING_ON_SAVE", "thread")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"jieba": {"level": "WARNING"}},
}

PLATFORM_NAME = _("1121 Industry–University–Research Collaboration Platform")
