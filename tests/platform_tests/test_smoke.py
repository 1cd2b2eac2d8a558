import pytest

pytestmark = pytest.mark.django_db


def test_home_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_signed_in_user_sees_home_and_directory(client, enterprise_admin, enterprise):
    client.force_login(enterprise_admin)
    assert client.get("/").status_code == 200
    page = client.get("/organisations/")
    assert enterprise.name_zh in page.content.decode()


def test_only_the_most_specific_menu_entry_is_active(researcher):
    from platform_core.navigation import nav_for

    active = [i["url"] for i in nav_for(researcher, "/organisations/3/") if i["active"]]
    assert active == ["/organisations/"]
    assert [i["url"] for i in nav_for(researcher, "/") if i["active"]] == ["/"]


def test_menu_groups_collect_their_links(researcher):
    from platform_core.navigation import NAV_GROUPS, NavItem, nav_for, NAV_ITEMS

    NAV_ITEMS.append(NavItem("A", "platform:notifications", group="center", order=11))
    NAV_ITEMS.append(NavItem("B", "platform:signoffs", group="center", order=12))
    try:
        entries = nav_for(researcher, "/signoffs/")
        group = next(e for e in entries if e.get("children") and e["label"] == NAV_GROUPS["center"].label)
        assert [c["label"] for c in group["children"]][-2:] == ["A", "B"]
        assert group["active"] and [c["label"] for c in group["children"] if c["active"]] == ["B"]
    finally:
        del NAV_ITEMS[-2:]
