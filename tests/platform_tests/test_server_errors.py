"""A failing request never shows Django's technical page (settings, source, locals) to non-staff."""
import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.platform_tests.failing_urls")]


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True


def client_for(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.mark.parametrize("url", ["/boom/", "/api/boom/"])
def test_a_signed_in_user_gets_the_plain_error(debug_on, researcher, url):
    response = client_for(researcher).get(url)
    assert response.status_code == 500
    body = response.json()["detail"] if url.startswith("/api/") else response.content.decode()
    assert "secret local state" not in body and "Traceback" not in body and "SECRET_KEY" not in body
    assert "系统出现错误" in body


def test_staff_keep_the_technical_page_in_debug(debug_on, staff):
    response = client_for(staff).get("/boom/")
    assert response.status_code == 500
    assert "secret local state" in response.content.decode()


def test_anonymous_gets_the_plain_error(debug_on):
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    assert "secret local state" not in response.content.decode()
