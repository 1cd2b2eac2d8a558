import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/api/schema/", "/api/docs/", "/api/redoc/"])
def test_the_api_schema_and_docs_need_a_login(client, url):
    assert client.get(url).status_code in (302, 401, 403)


def test_a_session_lasts_a_working_day():
    from django.conf import settings

    assert settings.SESSION_COOKIE_AGE == 12 * 3600


def test_openapi_schema_and_docs_are_served_locally(client, researcher):
    client.force_login(researcher)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in ["/api/organisations/", "/api/memberships/", "/api/industry-chains/", "/api/signoffs/{id}/sign/"]:
        assert path in paths
    docs = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in docs
    assert "cdn" not in docs.lower() and "unpkg" not in docs.lower()


def test_token_authentication(api, researcher):
    from platform_core.accounts.services import api_token_create

    _row, token = api_token_create(actor=researcher)
    assert api.get("/api/me/").status_code in (401, 403)
    response = api.get("/api/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200 and response.json()["username"] == "researcher"


def test_production_settings_fail_fast_without_database_and_redis():
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY"}}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.production", SECRET_KEY="x" * 60)
    result = subprocess.run([sys.executable, "manage.py", "check"], env=env, capture_output=True, text=True)
    assert result.returncode != 0 and "DATABASE_URL" in result.stderr


def test_production_settings_pass_deploy_check():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {**env, "DJANGO_SETTINGS_MODULE": "config.settings.production",
           "SECRET_KEY": "k3y-" + "z" * 60, "DATABASE_URL": "postgres://u:p@127.0.0.1:5432/db",
           "REDIS_URL": "redis://127.0.0.1:6379/0", "ALLOWED_HOSTS": "platform.example.cn",
           "EMAIL_HOST": "smtp.example.cn", "SITE_URL": "https://platform.example.cn"}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("missing, extra, named", [
    ("ALLOWED_HOSTS", {}, "ALLOWED_HOSTS"),
    ("EMAIL_HOST", {}, "EMAIL_HOST"),
    ("", {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}, "EMAIL_BACKEND"),
])
def test_production_refuses_to_start_without_hosts_and_a_real_mail_backend(missing, extra, named):
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "EMAIL_BACKEND"}}
    env = {**env, "DJANGO_SETTINGS_MODULE": "config.settings.production", "SECRET_KEY": "k3y-" + "z" * 60,
           "DATABASE_URL": "postgres://u:p@127.0.0.1:5432/db", "REDIS_URL": "redis://127.0.0.1:6379/0",
           "ALLOWED_HOSTS": "platform.example.cn", "EMAIL_HOST": "smtp.example.cn",
           "SITE_URL": "https://platform.example.cn", **extra}
    env.pop(missing, None)
    result = subprocess.run([sys.executable, "manage.py", "check"], env=env, capture_output=True, text=True)
    assert result.returncode != 0 and named in result.stderr
