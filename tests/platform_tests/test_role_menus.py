"""Menus, buttons and home pages follow the role: an entry or a button is shown exactly when the
policy the page enforces says yes (issue 13 item 5)."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from platform_core.models import Organisation, Role
from platform_core.navigation import NAV_ITEMS, NavItem, nav_for
from platform_core.permissions import end_request_cache, memberships_of, start_request_cache
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, member

pytestmark = pytest.mark.django_db


def menu_urls(user) -> set[str]:
    urls = set()
    for entry in nav_for(user, "/"):
        for link in entry.get("children", [entry]):
            urls.add(link["url"])
    return urls


@pytest.fixture
def orgs(db):
    return {kind: OrganisationFactory(kind=kind) for kind in (
        Organisation.Kind.ENTERPRISE, Organisation.Kind.UNIVERSITY, Organisation.Kind.GOVERNMENT,
        Organisation.Kind.FINANCIAL)}


def test_fund_manager_sees_capital_not_challenges(client, orgs):
    zhou = member(orgs["financial"], Role.FUND_MANAGER, Role.ORG_ADMIN)
    urls = menu_urls(zhou)
    assert reverse("funds:deal-flow") in urls and reverse("funds:fund-list") in urls
    for hidden in ("projects:challenge-list", "projects:workbench", "matching:my-matches", "talent:home",
                   "funds:commitment-list", "transfer:workbench", "transfer:enterprise-pushes"):
        assert reverse(hidden) not in urls, hidden
    # The page agrees: no 发布难题 button, and the create page is refused.
    client.force_login(zhou)
    page = client.get(reverse("projects:challenge-list")).content.decode()
    assert 'data-testid="post-challenge"' not in page
    assert client.get(reverse("projects:challenge-create")).status_code == 403


def test_rd_manager_posts_challenges_and_sees_the_button(client, orgs):
    zhang = member(orgs["enterprise"], Role.RD_MANAGER)
    urls = menu_urls(zhang)
    assert {reverse("projects:challenge-list"), reverse("projects:workbench"), reverse("transfer:enterprise-pushes"),
            reverse("funds:commitment-list"), reverse("matching:my-matches")} <= urls
    assert reverse("funds:deal-flow") not in urls and reverse("transfer:workbench") not in urls
    client.force_login(zhang)
    assert 'data-testid="post-challenge"' in client.get(reverse("projects:challenge-list")).content.decode()
    assert client.get(reverse("projects:challenge-create")).status_code == 200


def test_student_sees_only_what_a_student_uses(orgs):
    zhao = member(orgs["university"], Role.STUDENT)
    urls = menu_urls(zhao)
    assert urls == {reverse("platform:home"), reverse("projects:challenge-list"), reverse("projects:workbench"),
                    reverse("talent:home")}


def test_program_officer_has_no_matches_entry_unless_posting(orgs):
    reader = member(OrganisationFactory(kind=Organisation.Kind.INTERMEDIARY), Role.PROGRAM_OFFICER)
    assert reverse("matching:my-matches") not in menu_urls(reader)
    assert reverse("funds:commitment-list") not in menu_urls(reader)
    officer = member(orgs["government"], Role.PROGRAM_OFFICER)  # government-led calls get matches
    assert {reverse("matching:my-matches"), reverse("funds:commitment-list")} <= menu_urls(officer)


def test_platform_admin_gets_the_administration_group_and_panels(client, orgs):
    admin = UserFactory(is_staff=True, is_superuser=True)
    urls = menu_urls(admin)
    assert {reverse("platform:organisation-import"), reverse("admin:platform_user_changelist")} <= urls
    lonely = UserFactory()
    client.force_login(admin)
    page = client.get("/").content.decode()
    for panel in ("platform-admin-organisations", "platform-admin-imports", "platform-admin-users"):
        assert f'data-panel="{panel}"' in page
    assert 'data-testid="my-organisations"' not in page  # no empty card for the admin
    assert str(lonely) in page  # a user in no organisation is listed for attention
    assert reverse("admin:platform_user_changelist") not in menu_urls(member(orgs["enterprise"], Role.ORG_ADMIN))


def test_every_visible_entry_answers_200(client, orgs):
    users = [member(orgs["financial"], Role.FUND_MANAGER), member(orgs["university"], Role.STUDENT),
             member(orgs["enterprise"], Role.RD_MANAGER), member(orgs["university"], Role.TTO_STAFF, Role.ORG_ADMIN),
             member(orgs["government"], Role.PROGRAM_OFFICER), UserFactory(is_staff=True, is_superuser=True)]
    for user in users:
        client.force_login(user)
        for url in menu_urls(user):
            assert client.get(url).status_code == 200, (user, url)


def test_empty_home_panel_says_what_to_do_next(client, orgs):
    zhang = member(orgs["enterprise"], Role.RD_MANAGER)
    client.force_login(zhang)
    page = client.get("/").content.decode()
    assert reverse("projects:challenge-create") in page
    assert "Awaiting my signature" not in page and "待我签字" not in page  # an empty queue is not a card


def test_menu_reads_memberships_once_per_request(orgs):
    """Every entry asks the policy; with the request cache the memberships are read once, however many
    entries ask about them."""
    user = member(orgs["enterprise"], Role.RD_MANAGER, Role.ORG_ADMIN)
    MembershipFactory(user=user, organisation=orgs["university"], role=Role.RESEARCHER)
    start_request_cache()
    try:
        nav_for(user, "/")  # content types and other process caches warm up
        end_request_cache()
        start_request_cache()
        with CaptureQueriesContext(connection) as base:
            nav_for(user, "/")
        extra = [NavItem(f"x{i}", "platform:home", visible=lambda u: bool(memberships_of(u))) for i in range(30)]
        NAV_ITEMS.extend(extra)
        end_request_cache()
        start_request_cache()
        with CaptureQueriesContext(connection) as more:
            nav_for(user, "/")
    finally:
        for item in [i for i in NAV_ITEMS if str(i.label).startswith("x")]:
            NAV_ITEMS.remove(item)
        end_request_cache()
    membership_reads = [q for q in base.captured_queries if "platform_membership" in q["sql"]]
    assert len(membership_reads) == 1, [q["sql"] for q in base.captured_queries]
    assert len(more) == len(base)
    assert len(base) <= 3, [q["sql"] for q in base.captured_queries]


def test_cache_is_emptied_when_a_membership_changes(orgs):
    user = UserFactory()
    start_request_cache()
    try:
        assert memberships_of(user) == ()
        MembershipFactory(user=user, organisation=orgs["enterprise"], role=Role.RD_MANAGER)
        assert [m.role for m in memberships_of(user)] == [Role.RD_MANAGER]
    finally:
        end_request_cache()


def test_whole_page_query_count_does_not_grow_with_roles(client, orgs):
    """The menu costs the same whether the user holds one membership or many."""
    one = member(orgs["enterprise"], Role.RD_MANAGER)
    many = member(orgs["enterprise"], Role.RD_MANAGER, Role.ORG_ADMIN, Role.MENTOR)
    for org in (orgs["university"], orgs["government"]):
        MembershipFactory(user=many, organisation=org, role=Role.RESEARCHER)
    counts = []
    for user in (one, many):
        client.force_login(user)
        client.get(reverse("platform:organisation-list"))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("platform:organisation-list")).status_code == 200
        counts.append(len([q for q in queries.captured_queries if "platform_membership" in q["sql"]]))
    assert counts[0] == counts[1]
