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
