"""Sign-in lockout (django-axes), API throttling, expiring and revocable API tokens (django-rest-knox) and
the content security policy's header (issue 12 §11)."""
import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.utils import timezone
from knox.models import AuthToken

from platform_core.accounts.services import api_token_create
from platform_core.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(db):
    user = UserFactory(username="wang")
    user.set_password("right-password-1121")
    user.save()
    return user


def wrong_passwords(client, count, username="wang", ip="10.0.0.1"):
    for _n in range(count):
        response = client.post("/accounts/login/", {"username": username, "password": "wrong"}, REMOTE_ADDR=ip)
    return response


def test_after_too_many_wrong_passwords_even_the_right_one_is_refused(client, person, settings):
    wrong_passwords(client, settings.AXES_FAILURE_LIMIT)
    response = client.post("/accounts/login/", {"username": "wang", "password": "right-password-1121"},
                           REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 429
    page = response.content.decode()
    assert 'data-testid="locked-out"' in page and "30" in page
    assert "_auth_user_id" not in client.session
    # The lockout is for this user name from this address: another address still signs in.
    other = client.post("/accounts/login/", {"username": "wang", "password": "right-password-1121"},
                        REMOTE_ADDR="10.0.0.2")
    assert other.status_code == 302 and client.session["_auth_user_id"] == str(person.pk)


def test_the_lockout_message_is_translated(client, person, settings):
    wrong_passwords(client, settings.AXES_FAILURE_LIMIT)
    english = client.post("/accounts/login/", {"username": "wang", "password": "x"}, REMOTE_ADDR="10.0.0.1",
                          HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chinese = client.post("/accounts/login/", {"username": "wang", "password": "x"}, REMOTE_ADDR="10.0.0.1",
                          HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "Too many wrong passwords" in english
    assert "密码" in chinese.split('data-testid="locked-out"')[1][:200]


def test_fewer_failures_then_the_right_password_signs_in_and_resets_the_count(client, person, settings):
    wrong_passwords(client, settings.AXES_FAILURE_LIMIT - 1)
    response = client.post("/accounts/login/", {"username": "wang", "password": "right-password-1121"},
                           REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="wang", failures_since_start__gt=0).exists()


def test_a_platform_admin_unlocks_in_the_admin(client, person, staff, settings):
    wrong_passwords(client, settings.AXES_FAILURE_LIMIT)
    attempt = AccessAttempt.objects.get(username="wang")
    admin = client.__class__()
    admin.force_login(staff)
    assert admin.get("/admin/axes/accessattempt/").status_code == 200
    response = admin.post("/admin/axes/accessattempt/", {"action": "delete_selected", "_selected_action": [attempt.pk],
                                                        "post": "yes"})
    assert response.status_code == 302 and not AccessAttempt.objects.exists()
    signed_in = client.post("/accounts/login/", {"username": "wang", "password": "right-password-1121"},
                            REMOTE_ADDR="10.0.0.1")
    assert signed_in.status_code == 302


def test_the_api_token_login_counts_towards_the_lockout(api, person, settings):
    url = "/api/accounts/tokens/"
    for _n in range(settings.AXES_FAILURE_LIMIT - 1):
        assert api.post(url, {"username": "wang", "password": "wrong"}, format="json",
                        REMOTE_ADDR="10.0.0.9").status_code in (401, 403)
    assert api.post(url, {"username": "wang", "password": "wrong"}, format="json",
                    REMOTE_ADDR="10.0.0.9").status_code == 429  # the failure that reaches the limit
    locked = api.post(url, {"username": "wang", "password": "right-password-1121"}, format="json",
                      REMOTE_ADDR="10.0.0.9")
    assert locked.status_code == 429 and locked.json()["detail"]
    assert not AuthToken.objects.exists()


def test_api_tokens_are_created_once_listed_and_revoked_by_their_owner(api, person, researcher):
    created = api.post("/api/accounts/tokens/", {"username": "wang", "password": "right-password-1121", "days": 7},
                       format="json")
    assert created.status_code == 201 and created["Cache-Control"] == "no-store"
    token, key = created.json()["token"], created.json()["token_key"]
    row = AuthToken.objects.get(user=person)
    assert row.digest != token and token.startswith(key)  # stored hashed
    assert 6 <= (row.expiry - timezone.now()).days <= 7
    assert api.get("/api/me/", HTTP_AUTHORIZATION=f"Token {token}").json()["username"] == "wang"
    listed = api.get("/api/accounts/tokens/", HTTP_AUTHORIZATION=f"Token {token}").json()
    assert [t["token_key"] for t in listed] == [key] and "token" not in listed[0]
    # Someone else cannot revoke it: not found, and it still works.
    api.force_authenticate(researcher)
    assert api.delete(f"/api/accounts/tokens/{key}/").status_code == 404
    api.force_authenticate(None)
    assert api.get("/api/me/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
    assert api.delete(f"/api/accounts/tokens/{key}/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 204
    assert api.get("/api/me/", HTTP_AUTHORIZATION=f"Token {token}").status_code in (401, 403)
    assert set(AuditEvent.objects.filter(actor=person).values_list("action", flat=True)) == {
        "account.token_create", "account.token_revoke"}


def test_an_expired_token_is_refused(api, person):
    row, token = api_token_create(actor=person, days=1)
    AuthToken.objects.filter(pk=row.pk).update(expiry=timezone.now() - timezone.timedelta(minutes=1))
    assert api.get("/api/me/", HTTP_AUTHORIZATION=f"Token {token}").status_code in (401, 403)


def test_token_lifetime_is_bounded(api, person, settings):
    api.force_authenticate(person)
    response = api.post("/api/accounts/tokens/", {"days": settings.API_TOKEN_MAX_DAYS + 1}, format="json")
    assert response.status_code == 400 and not AuthToken.objects.exists()


def test_the_tokens_page_shows_a_new_token_once_and_revokes(client, person):
    client.force_login(person)
    page = client.post("/accounts/tokens/", {"days": "30"})
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    token = page.content.decode().split('data-testid="token">')[1].split("<")[0]
    row = AuthToken.objects.get(user=person)
    assert token.startswith(row.token_key)
    listing = client.get("/accounts/tokens/").content.decode()
    assert row.token_key in listing and token not in listing
    assert client.post(f"/accounts/tokens/{row.token_key}/revoke/").status_code == 302
    assert not AuthToken.objects.exists()
    assert client.post("/accounts/tokens/nosuchtoken/revoke/").status_code == 404


def test_the_command_replaces_drf_create_token(person, capsys):
    call_command("create_api_token", "wang", "--days", "3")
    token = capsys.readouterr().out.strip()
    assert AuthToken.objects.get(user=person).token_key == token[:15]


def test_the_api_answers_429_over_the_rate(api, researcher, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "2/min", "user": "3/min"}}
    from django.core.cache import cache

    cache.clear()
    assert [api.get("/api/accounts/tokens/").status_code for _n in range(3)][-1] == 429  # anonymous: 2 a minute
    api.force_authenticate(researcher)
    codes = [api.get("/api/me/").status_code for _n in range(4)]
    assert codes == [200, 200, 200, 429]
    response = api.get("/api/me/")
    assert response["Retry-After"] and "60" in response.json()["detail"] or "秒" in response.json()["detail"]


def test_pages_carry_a_content_security_policy_with_a_nonce(client):
    response = client.get("/accounts/register/")  # its inline script carries the nonce
    policy = response["Content-Security-Policy"]
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in response.content.decode()
    assert "unsafe-inline" not in policy and "object-src 'none'" in policy
    assert client.get("/accounts/register/")["Content-Security-Policy"] != policy  # a new nonce each time
