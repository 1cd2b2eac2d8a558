import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from transfer import services
from transfer.models import Achievement, Deal, Push

pytestmark = pytest.mark.django_db

API = "/api/transfer"


def test_confidential_detail_only_for_entitled_users(api, world):
    achievement = world.achievement()
    services.achievement_screen(actor=world.broker, achievement=achievement, reason="好")
    api.force_authenticate(world.outsider)
    data = api.get(f"{API}/achievements/{achievement.pk}/").json()
    assert data["title"] == achievement.title and "confidential_detail" not in data
    api.force_authenticate(world.inventor)
    assert "Li6PS5Cl" in api.get(f"{API}/achievements/{achievement.pk}/").json()["confidential_detail"]
    api.force_authenticate(None)
    public = api.get(f"{API}/supermarket/").json()
    assert public["count"] == 1 and "confidential_detail" not in public["results"][0]


def test_stock_is_hidden_from_outsiders_and_changes_are_forbidden(api, world):
    achievement = world.achievement()
    api.force_authenticate(world.outsider)
    assert api.get(f"{API}/achievements/{achievement.pk}/").status_code == 404
    assert api.get(f"{API}/achievements/").json()["count"] == 0
    services.achievement_screen(actor=world.broker, achievement=achievement, reason="好")
    response = api.patch(f"{API}/achievements/{achievement.pk}/", {"title": "改名"}, format="json")
    assert response.status_code == 403
    assert api.post(f"{API}/achievements/{achievement.pk}/push/", {"enterprise": world.other_enterprise.pk}).status_code == 403
    achievement.refresh_from_db()
    assert achievement.title != "改名" and not Push.objects.exists()


def test_funnel_and_deal_through_the_api(api, world):
    api.force_authenticate(world.tto)
    response = api.post(f"{API}/achievements/", {
        "title": "碳化硅驱动保护电路", "owner": world.university.pk, "school": world.school.pk,
        "industry_node": world.node.pk, "trl": 6, "abstract": "短路保护", "keywords": ["SiC"]}, format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    api.force_authenticate(world.broker)
    assert api.post(f"{API}/achievements/{pk}/screen/", {"reason": "有样机"}).json()["status"] == "screened"
    push_id = api.post(f"{API}/achievements/{pk}/push/", {"enterprise": world.enterprise.pk}).json()["id"]
    api.force_authenticate(world.rd)
    assert api.get(f"{API}/pushes/{push_id}/").json()["status"] == "pushed"  # reading changes nothing
    assert Push.objects.get(pk=push_id).viewed_at is None
    assert api.post(f"{API}/pushes/{push_id}/view/").json()["status"] == "viewed"
    assert api.post(f"{API}/pushes/{push_id}/interest/", {"note": "想谈"}).json()["status"] == "interested"
    api.force_authenticate(world.broker)
    assert api.post(f"{API}/pushes/{push_id}/negotiate/").json()["status"] == "negotiating"
    deal = {"achievement": pk, "push": push_id, "kind": "assignment", "price": "350000", "signed_on": "2025-05-01",
            "shares": [{"user": world.inventor.pk, "percent": "70"}, {"organisation": world.school.pk, "percent": "20"}]}
    bad = api.post(f"{API}/deals/", deal, format="json")
    assert bad.status_code == 400 and "100" in str(bad.json())
    assert not Deal.objects.exists()
    deal["shares"].append({"name": "长安理工大学", "percent": "10"})
    response = api.post(f"{API}/deals/", deal, format="json")
    assert response.status_code == 201, response.json()
    assert Achievement.objects.get(pk=pk).status == "transferred"
    workbench = api.get(f"{API}/workbench/").json()
    assert workbench["funnel"]["deal"] == 1 and workbench["deals_by_kind"]["assignment"] == 1
    api.force_authenticate(world.outsider)
    assert api.get(f"{API}/deals/").json()["count"] == 0


def test_patent_api_refuses_bad_numbers(api, world):
    api.force_authenticate(world.tto)
    response = api.post(f"{API}/patents/", {"application_number": "201910123456.7", "title": "x",
                                            "patent_type": "invention", "owner": world.university.pk,
                                            "filing_date": "2019-03-01"}, format="json")
    assert response.status_code == 400 and "application_number" in response.json()


def test_import_endpoint(api, world):
    api.force_authenticate(world.tto)
    csv = f"成果名称,权利人,产业链节点,技术成熟度,成果简介\n固态电解质,{world.university.name_zh},ne-cell,5,简介\n"
    response = api.post(f"{API}/achievements/import/", {"file": SimpleUploadedFile("a.csv", csv.encode("gbk"))},
                        format="multipart")
    assert response.status_code == 201 and response.json()["created_rows"] == 1
    response = api.post(f"{API}/achievements/import/", {"file": SimpleUploadedFile("a.csv", "甲,乙\n1,2\n".encode())},
                        format="multipart")
    assert response.status_code == 400 and response.json()["file_error"]
    api.force_authenticate(world.rd)
    response = api.post(f"{API}/achievements/import/", {"file": SimpleUploadedFile("a.csv", csv.encode())},
                        format="multipart")
    assert response.status_code == 403


def test_incubator_api(api, world):
    api.force_authenticate(world.rd)
    response = api.post(f"{API}/incubators/", {"name": "秦岭孵化器", "host": world.enterprise.pk}, format="json")
    assert response.status_code == 201
    incubator = response.json()["id"]
    response = api.post(f"{API}/companies/", {"incubator": incubator, "name": "储安能源", "industry_node": world.node.pk,
                                              "admitted_on": str(datetime.date(2024, 1, 1))}, format="json")
    assert response.status_code == 201, response.json()
    api.force_authenticate(world.outsider)
    assert api.patch(f"{API}/incubators/{incubator}/", {"name": "改"}, format="json").status_code == 403
    assert api.post(f"{API}/incubators/", {"name": "冒名", "host": world.enterprise.pk}, format="json").status_code == 403
