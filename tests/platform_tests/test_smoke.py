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
