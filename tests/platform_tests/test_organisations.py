import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from platform_core import services
from platform_core.models import AuditEvent, Organisation
from tests.factories import OrganisationFactory, valid_credit_code

pytestmark = pytest.mark.django_db

VALID = "91110000600037341L"


def test_staff_creates_organisation_with_valid_credit_code(staff):
    org = services.organisation_create(actor=staff, kind="enterprise", name_zh="测试科技有限公司", credit_code=VALID)
    assert org.credit_code == VALID
    assert AuditEvent.objects.filter(action="organisation.create", target_id=str(org.pk)).exists()
    assert org.history.count() == 1


def test_credit_code_is_normalised_before_checking(staff):
    org = services.organisation_create(
        actor=staff, kind="enterprise", name_zh="测试", credit_code=" 9111 0000 6000 3734 1l "
    )
    assert org.credit_code == VALID


@pytest.mark.parametrize("code", ["91110000600037341X", "ABC", "9111000060003734", "91110000600037341l1"])
def test_invalid_credit_code_is_refused_and_nothing_written(staff, code):
    with pytest.raises(ValidationError) as exc:
        services.organisation_create(actor=staff, kind="enterprise", name_zh="坏代码公司", credit_code=code)
    assert "credit" in str(exc.value).lower() or "信用代码" in str(exc.value)
    assert not Organisation.objects.filter(name_zh="坏代码公司").exists()


def test_duplicate_credit_code_is_refused(staff):
    OrganisationFactory(credit_code=VALID, name_zh="已有公司")
    with pytest.raises(ValidationError) as exc:
        services.organisation_create(actor=staff, kind="enterprise", name_zh="新公司", credit_code=VALID)
    assert "已有公司" in str(exc.value)
    assert Organisation.objects.filter(credit_code=VALID).count() == 1


def test_non_staff_cannot_create(enterprise_admin):
    with pytest.raises(PermissionDenied):
        services.organisation_create(actor=enterprise_admin, kind="enterprise", name_zh="x")


def test_org_admin_updates_own_but_not_other_organisation(enterprise_admin, enterprise, university):
    services.organisation_update(actor=enterprise_admin, organisation=enterprise, website="https://qinling.example")
    enterprise.refresh_from_db()
    assert enterprise.website == "https://qinling.example"
    with pytest.raises(PermissionDenied):
        services.organisation_update(actor=enterprise_admin, organisation=university, name_zh="改名")
    university.refresh_from_db()
    assert university.name_zh == "长安理工大学"


def test_api_create_invalid_code_gives_400_in_chinese_and_english(api, staff):
    api.force_authenticate(staff)
    payload = {"kind": "enterprise", "name_zh": "坏代码公司", "credit_code": "91110000600037341X"}
    zh = api.post("/api/organisations/", payload, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    en = api.post("/api/organisations/", payload, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert zh.status_code == en.status_code == 400
    assert "校验" in str(zh.json()["credit_code"]) or "信用代码" in str(zh.json()["credit_code"])
    assert "check digit" in str(en.json()["credit_code"])
    assert not Organisation.objects.filter(name_zh="坏代码公司").exists()


def test_api_duplicate_credit_code_gives_400(api, staff):
    OrganisationFactory(credit_code=VALID)
    api.force_authenticate(staff)
    response = api.post("/api/organisations/", {"kind": "enterprise", "name_zh": "重复", "credit_code": VALID},
                        format="json")
    assert response.status_code == 400
    assert "credit_code" in response.json()
    assert Organisation.objects.filter(credit_code=VALID).count() == 1


def test_api_org_admin_cannot_patch_other_organisation(api, enterprise_admin, university):
    api.force_authenticate(enterprise_admin)
    response = api.patch(f"/api/organisations/{university.pk}/", {"name_zh": "被改"}, format="json")
    assert response.status_code == 403
    university.refresh_from_db()
    assert university.name_zh == "长安理工大学"


def test_api_directory_filters_and_paginates(api, researcher):
    for n in range(25):
        OrganisationFactory(kind="enterprise", credit_code=valid_credit_code(5000 + n))
    OrganisationFactory(kind="institute", name_zh="中科研究院", credit_code=valid_credit_code(6000))
    api.force_authenticate(researcher)
    page = api.get("/api/organisations/").json()
    assert page["count"] == 27 and len(page["results"]) == 20 and page["next"]
    institutes = api.get("/api/organisations/?kind=institute").json()
    assert [o["name_zh"] for o in institutes["results"]] == ["中科研究院"]
    assert api.get("/api/organisations/?search=中科").json()["count"] == 1


def test_page_edit_forbidden_for_non_admin(client, researcher, university):
    client.force_login(researcher)
    assert client.get(f"/organisations/{university.pk}/edit/").status_code == 403
    response = client.post(f"/organisations/{university.pk}/edit/", {"name_zh": "被改"})
    assert response.status_code == 403
    university.refresh_from_db()
    assert university.name_zh == "长安理工大学"


def test_page_edit_shows_duplicate_code_error(client, enterprise_admin, enterprise):
    OrganisationFactory(credit_code=VALID, name_zh="已有公司")
    client.force_login(enterprise_admin)
    response = client.post(f"/organisations/{enterprise.pk}/edit/", {"name_zh": enterprise.name_zh, "credit_code": VALID})
    assert response.status_code == 200
    assert "alert-danger" in response.content.decode()
    enterprise.refresh_from_db()
    assert enterprise.credit_code != VALID


def test_directory_page_filters_by_kind_region_and_chain(client, researcher):
    from tests.factories import IndustryNodeFactory, RegionFactory

    xian = RegionFactory(code="610100", name_zh="西安市")
    node = IndustryNodeFactory()
    in_chain = OrganisationFactory(name_zh="链上企业", region=xian)
    in_chain.industry_nodes.add(node)
    OrganisationFactory(name_zh="别的企业")
    client.force_login(researcher)
    by_chain = client.get(f"/organisations/?chain={node.chain_id}").content.decode()
    assert "链上企业" in by_chain and "别的企业" not in by_chain
    by_region = client.get(f"/organisations/?region={xian.pk}").content.decode()
    assert "链上企业" in by_region and "别的企业" not in by_region
    by_kind = client.get("/organisations/?kind=university").content.decode()
    assert "长安理工大学" in by_kind and "链上企业" not in by_kind
