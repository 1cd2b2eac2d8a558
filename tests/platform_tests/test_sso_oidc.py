"""OpenID Connect sign-in against a real provider: django-oidc-provider in its own process (tests/sso_providers),
driven through the full redirect flow by a real HTTP client. Nothing is mocked."""
import pytest
import requests
from django.test import override_settings

from platform_core.models import ExternalIdentity, Membership, MembershipRequest, Role, User
from tests.factories import OrganisationFactory, UserFactory, member, valid_credit_code
from tests.sso_providers.process import provider, submit_login_form

pytestmark = pytest.mark.django_db(transaction=True)

CLIENT_ID, CLIENT_SECRET = "platform-test", "platform-test-secret"


@pytest.fixture
def company(db):
    organisation = OrganisationFactory(kind="enterprise", name_zh="秦岭新能源科技股份有限公司",
                                       credit_code=valid_credit_code(9001))
    admin = member(organisation, Role.ORG_ADMIN, username="ent_admin")
    return organisation, admin


@pytest.fixture(scope="module")
def oidc_provider(live_server, tmp_path_factory):
    """The provider, with one user `li` (李 明); one process for the module's tests."""
    env = {"SSO_TEST_USER": "li", "SSO_TEST_PASSWORD": "provider-pw", "SSO_TEST_EMAIL": "li.ming@qinling.example",
           "SSO_TEST_NAME": "明 李", "SSO_CLIENT_ID": CLIENT_ID, "SSO_CLIENT_SECRET": CLIENT_SECRET,
           "SSO_REDIRECT_URI": f"{live_server.url}/accounts/oidc/callback/"}
    with provider("oidc", tmp_path_factory.mktemp("oidc"), ready_path="/openid/.well-known/openid-configuration",
                  **env) as base:
        yield f"{base}/openid"


@pytest.fixture
def oidc(oidc_provider, company):
    """The platform configured to sign in with the provider, its users joining `company`."""
    organisation, _ = company
    op = oidc_provider
    with override_settings(
        OIDC_RP_CLIENT_ID=CLIENT_ID, OIDC_RP_CLIENT_SECRET=CLIENT_SECRET, OIDC_OP_ISSUER=op,
        OIDC_OP_AUTHORIZATION_ENDPOINT=f"{op}/authorize", OIDC_OP_TOKEN_ENDPOINT=f"{op}/token",
        OIDC_OP_USER_ENDPOINT=f"{op}/userinfo", OIDC_OP_JWKS_ENDPOINT=f"{op}/jwks",
        OIDC_BUTTON_LABEL="秦岭新能源统一登录",
        SSO_ORGANISATIONS={"oidc": {"organisation": organisation.credit_code, "role": Role.RD_MANAGER}},
    ):
        yield op


def sign_in(live_server, username="li", password="provider-pw") -> requests.Response:
    session = requests.Session()
    login_page = session.get(f"{live_server.url}/accounts/login/")
    assert "秦岭新能源统一登录" in login_page.text  # the button shows when OIDC is configured
    at_provider = session.get(f"{live_server.url}/accounts/oidc/authenticate/")
    assert at_provider.url.startswith("http://127.0.0.1:") and 'name="password"' in at_provider.text
    back = submit_login_form(session, at_provider, username, password)
    back.session = session
    return back


def test_first_sign_in_creates_a_user_with_a_pending_membership_then_the_admin_approves(live_server, oidc, company):
    organisation, admin = company
    local = UserFactory(username="li", email="li@example.com")  # a local account with the same user name
    landed = sign_in(live_server)
    assert landed.status_code == 200, landed.text[:500]
    assert landed.url == f"{live_server.url}/accounts/waiting/"
    assert "等待审核" in landed.text

    identity = ExternalIdentity.objects.select_related("user").get(provider="oidc")
    assert identity.issuer == oidc
    user = identity.user
    assert user != local and user.username != "li"  # never matched to a local account by name
    assert user.email == "li.ming@qinling.example" and user.display_name == "明 李"
    assert not user.has_usable_password()
    request = MembershipRequest.objects.get(user=user)
    assert (request.organisation, request.role, request.source, request.status) == (
        organisation, Role.RD_MANAGER, MembershipRequest.Source.OIDC, MembershipRequest.Status.PENDING)
    assert not Membership.objects.filter(user=user).exists()
    # Held on the waiting page until approved.
    assert landed.session.get(f"{live_server.url}/").url == f"{live_server.url}/accounts/waiting/"

    from platform_core.accounts import services

    services.membership_request_approve(actor=admin, request=request)
    assert landed.session.get(f"{live_server.url}/").url == f"{live_server.url}/"

    # Signing in again (a new browser) finds the same user: no second account, no second request.
    again = sign_in(live_server)
    assert again.url == f"{live_server.url}/"
    assert User.objects.filter(external_identities__provider="oidc").count() == 1
    assert MembershipRequest.objects.filter(user=user).count() == 1


def test_wrong_password_at_the_provider_signs_nobody_in(live_server, oidc):
    back = sign_in(live_server, password="wrong")
    assert back.url.startswith("http://127.0.0.1:")  # still at the provider's form
    assert not ExternalIdentity.objects.exists()


def test_a_provider_without_an_organisation_mapping_is_refused(live_server, oidc):
    with override_settings(SSO_ORGANISATIONS={"oidc": {"organisation": ""}}):
        back = sign_in(live_server)
    assert back.url.startswith(f"{live_server.url}/accounts/login/")
    assert "尚未关联平台上的单位" in back.text
    assert not User.objects.filter(external_identities__isnull=False).exists()


def test_oidc_routes_are_off_when_not_configured(client):
    assert client.get("/accounts/oidc/authenticate/").status_code == 404
    assert 'data-testid="sso-oidc"' not in client.get("/accounts/login/").content.decode()
