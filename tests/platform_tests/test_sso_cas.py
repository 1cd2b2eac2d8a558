"""CAS sign-in (统一身份认证) against a real CAS server: django-mama-cas in its own process (tests/sso_providers),
driven through the full redirect flow (login → ticket → service validation) by a real HTTP client."""
import pytest
import requests
from axes.models import AccessAttempt
from django.test import override_settings

from platform_core.accounts import services
from platform_core.models import ExternalIdentity, Membership, MembershipRequest, Role, User
from tests.factories import OrganisationFactory, UserFactory, member, valid_credit_code
from tests.sso_providers.process import provider, submit_login_form

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def campus(db):
    organisation = OrganisationFactory(kind="university", name_zh="长安理工大学", credit_code=valid_credit_code(9002))
    admin = member(organisation, Role.ORG_ADMIN, username="uni_admin")
    return organisation, admin


@pytest.fixture(scope="module")
def cas_server(live_server, tmp_path_factory):
    """The CAS server with one user `20231234` (a student number), allowing the live server as a service."""
    env = {"SSO_TEST_USER": "20231234", "SSO_TEST_PASSWORD": "campus-pw", "SSO_TEST_EMAIL": "zhao.xue@cut.example",
           "SSO_TEST_NAME": "雪 赵", "SSO_ALLOWED_SERVICE": r"^http://(localhost|127\.0\.0\.1)(:\d+)?/"}
    with provider("cas", tmp_path_factory.mktemp("cas"), ready_path="/cas/login", **env) as base:
        yield f"{base}/cas/"


@pytest.fixture
def cas(cas_server, campus):
    organisation, _ = campus
    with override_settings(CAS_SERVER_URL=cas_server, CAS_VERSION="3", CAS_BUTTON_LABEL="长安理工大学统一身份认证",
                           SSO_ORGANISATIONS={"cas": {"organisation": organisation.credit_code,
                                                      "role": Role.STUDENT}}):
        yield cas_server


def sign_in(live_server, password="campus-pw") -> requests.Response:
    session = requests.Session()
    login_page = session.get(f"{live_server.url}/accounts/login/")
    assert "长安理工大学统一身份认证" in login_page.text
    at_cas = session.get(f"{live_server.url}/accounts/cas/login/")
    assert at_cas.url.startswith("http://127.0.0.1:") and "/cas/login?service=" in at_cas.url
    back = submit_login_form(session, at_cas, "20231234", password)
    back.session = session
    return back


def test_first_cas_sign_in_waits_for_the_university_admin(live_server, cas, campus):
    organisation, admin = campus
    UserFactory(username="20231234", email="someone@example.com")  # a local account with the same name
    landed = sign_in(live_server)
    assert landed.status_code == 200, landed.text[:500]
    assert landed.url == f"{live_server.url}/accounts/waiting/"
    identity = ExternalIdentity.objects.select_related("user").get(provider="cas")
    assert (identity.issuer, identity.subject) == (cas, "20231234")
    user = identity.user
    assert user.username != "20231234"  # the local account is not taken over
    assert user.email == "zhao.xue@cut.example"
    request = MembershipRequest.objects.get(user=user)
    assert (request.organisation, request.role, request.source) == (organisation, Role.STUDENT,
                                                                     MembershipRequest.Source.CAS)
    assert not Membership.objects.filter(user=user).exists()
    assert landed.session.get(f"{live_server.url}/projects/challenges/").url == f"{live_server.url}/accounts/waiting/"

    services.membership_request_approve(actor=admin, request=request)
    assert landed.session.get(f"{live_server.url}/").url == f"{live_server.url}/"
    assert Membership.objects.active().filter(user=user, organisation=organisation, role=Role.STUDENT).exists()

    again = sign_in(live_server)
    assert again.url == f"{live_server.url}/"
    assert User.objects.filter(external_identities__provider="cas").count() == 1


def test_wrong_password_at_the_cas_server_signs_nobody_in(live_server, cas):
    back = sign_in(live_server, password="wrong")
    assert back.url.startswith("http://127.0.0.1:")
    assert not ExternalIdentity.objects.exists()


def test_cas_routes_are_off_when_not_configured(client):
    assert client.get("/accounts/cas/login/").status_code == 404
    assert 'data-testid="sso-cas"' not in client.get("/accounts/login/").content.decode()


def test_stale_tickets_from_one_address_do_not_lock_its_sso_users_out(live_server, cas, campus, settings):
    """A CAS callback has no user name: failures are not counted per address alone (a campus NAT would lock
    every student out after a few back-button callbacks); the CAS server locks its own accounts."""
    stale = requests.Session()
    for n in range(settings.AXES_FAILURE_LIMIT + 2):
        answer = stale.get(f"{live_server.url}/accounts/cas/login/?ticket=ST-{n}-stale")
        assert answer.status_code != 429
    assert not AccessAttempt.objects.exists()
    landed = sign_in(live_server)
    assert landed.status_code == 200 and landed.url == f"{live_server.url}/accounts/waiting/"
