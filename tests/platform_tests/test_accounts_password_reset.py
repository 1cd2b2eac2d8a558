"""Password reset by e-mail: Django's views, our mail (SITE_URL links), at most N mails per address per hour."""
import re

import pytest
from django.core import mail
from django.test import override_settings

from platform_core.models import RateLimitHit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SITE = "https://platform.example.cn"


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


@override_settings(SITE_URL=SITE)
def test_reset_mail_links_to_the_site_and_sets_a_new_password(client):
    user = UserFactory(username="li", email="li@example.com")
    response = client.post("/accounts/password/reset/", {"email": "LI@example.com"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["li@example.com"]
    assert "重置" in message.subject  # the platform's language: Chinese
    url = link_in(message)
    assert url.startswith(f"{SITE}/accounts/password/reset/")
    assert url in message.alternatives[0][0]  # the HTML part has the same link
    path = url.removeprefix(SITE)
    form_page = client.get(path, follow=True)
    assert form_page.context["validlink"]
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": "Qinling-2026!", "new_password2": "Qinling-2026!"})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Qinling-2026!")
    # The link works once.
    assert not client.get(path, follow=True).context["validlink"]


def test_unknown_address_gets_the_same_answer_and_no_mail(client):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox == []


@override_settings(ACCOUNT_MAILS_PER_ADDRESS_PER_HOUR=3)
def test_at_most_n_mails_per_address_per_hour(client):
    UserFactory(username="li", email="li@example.com")
    for _ in range(5):
        assert client.post("/accounts/password/reset/", {"email": "li@example.com"}).status_code == 302
    assert len(mail.outbox) == 3
    # The addresses are counted hashed, not stored.
    assert not RateLimitHit.objects.filter(key__contains="li@").exists()


@override_settings(ACCOUNT_RESET_REQUESTS_PER_IP_PER_HOUR=2)
def test_one_network_cannot_use_the_form_without_limit(client):
    UserFactory(username="li", email="li@example.com")
    client.post("/accounts/password/reset/", {"email": "a@example.com"})
    client.post("/accounts/password/reset/", {"email": "b@example.com"})
    response = client.post("/accounts/password/reset/", {"email": "li@example.com"})
    assert response.status_code == 200
    assert "重置请求过多" in response.content.decode()
    assert mail.outbox == []


def test_login_page_links_to_reset_and_registration(client):
    page = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/password/reset/"' in page
    assert 'href="/accounts/register/"' in page
    assert 'data-testid="sso-' not in page  # no SSO configured: no buttons


def test_reset_pages_render_in_english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/accounts/password/reset/").content.decode()
    assert "Reset password" in page and "Send the link" in page


@override_settings(SITE_URL=SITE)
def test_the_mail_is_in_the_recipients_language_not_the_requesters(client):
    UserFactory(username="tom", email="tom@example.com", language="en")
    client.post("/accounts/password/reset/", {"email": "tom@example.com"})  # asked from a Chinese page
    message = mail.outbox[-1]
    assert message.subject == "Reset your password on the 1121 platform"
    assert "Someone asked to reset the password of the account tom" in message.body
