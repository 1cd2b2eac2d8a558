"""Searchable selects of transfer: each source offers only what its user may pick, and the
forms built on them accept exactly that."""
import pytest

from platform_core.autocomplete import search
from platform_core.models import Organisation, Role
from tests.factories import OrganisationFactory, UserFactory, member
from transfer import services
from transfer.models import IncubatedCompany, Incubator, Patent

from .factories import valid_application_number

pytestmark = pytest.mark.django_db


def texts(source, user, query=""):
    return [row["text"] for row in search(source, user=user, query=query)]


def test_achievement_sources_offer_what_the_user_sees_or_manages(world):
    stock = world.achievement(title="库存成果", external_ref="CG-001")
    public = world.achievement(title="公开成果")
    services.achievement_screen(actor=world.broker, achievement=public, reason="易转化")
    assert set(texts("transfer-managed-achievements", world.broker)) == {"库存成果 (CG-001)", "公开成果"}
    assert texts("transfer-managed-achievements", world.rd) == []
    assert texts("transfer-achievements", world.outsider) == ["公开成果"]
    assert texts("transfer-achievements", world.inventor, "CG-001") == ["库存成果 (CG-001)"]
    assert stock.pk not in {row["id"] for row in search("transfer-achievements", user=world.outsider, query="")}


def test_incubator_sources(world):
    ours = Incubator.objects.create(name="秦岭孵化器", host=world.enterprise, partner_university=world.university)
    Incubator.objects.create(name="华芯孵化器", host=world.other_enterprise)
    assert texts("transfer-managed-incubators", world.rd) == ["秦岭孵化器"]
    assert texts("transfer-managed-incubators", world.tto) == ["秦岭孵化器"]  # the partner university's TTO
    assert texts("transfer-managed-incubators", world.inventor) == []
    assert [r["id"] for r in search("transfer-managed-incubators", user=world.rd, query="孵化")] == [ours.pk]
    assert texts("transfer-incubator-hosts", world.rd) == [world.enterprise.name_zh]  # rd is its org admin
    assert texts("transfer-incubator-hosts", world.engineer) == []
    assert world.school.name_zh not in texts("transfer-universities", world.rd)
    assert texts("transfer-universities", world.rd, "长安") == [world.university.name_zh]


def test_incubator_form_takes_a_host_the_user_administers(client, world):
    client.force_login(world.rd)
    page = client.get("/transfer/incubators/new/").content.decode()
    assert 'data-autocomplete="/api/autocomplete/transfer-incubator-hosts/"' in page
    assert world.other_enterprise.name_zh not in page
    refused = client.post("/transfer/incubators/new/", {"name": "冒名孵化器", "host": world.other_enterprise.pk})
    assert refused.status_code == 200 and not Incubator.objects.exists()
    response = client.post("/transfer/incubators/new/", {"name": "秦岭孵化器", "host": world.enterprise.pk,
                                                         "partner_university": world.university.pk})
    incubator = Incubator.objects.get()
    assert response.status_code == 302 and incubator.partner_university == world.university


def test_company_form_takes_founders_and_visible_achievements(client, world):
    incubator = Incubator.objects.create(name="秦岭孵化器", host=world.enterprise)
    hidden = world.achievement(title="未公开成果")
    public = world.achievement(title="公开成果")
    services.achievement_screen(actor=world.broker, achievement=public, reason="易转化")
    founder = UserFactory(username="founder", display_name="创始人甲")
    client.force_login(world.rd)
    data = {"name": "秦智视觉", "industry_node": world.node.pk, "stage": "seed", "admitted_on": "2025-01-01",
            "founders": [founder.pk]}
    refused = client.post(f"/transfer/incubators/{incubator.pk}/admit/", {**data, "achievements": [hidden.pk]})
    assert refused.status_code == 200 and not IncubatedCompany.objects.exists()
    response = client.post(f"/transfer/incubators/{incubator.pk}/admit/", {**data, "achievements": [public.pk]})
    company = IncubatedCompany.objects.get()
    assert response.status_code == 302
    assert list(company.founders.all()) == [founder] and list(company.achievements.all()) == [public]
    page = client.get(f"/transfer/incubators/{incubator.pk}/admit/").content.decode()
    assert "创始人甲" not in page and "公开成果" not in page  # searched, not listed


def test_patent_form_links_only_managed_achievements(client, world):
    mine = world.achievement(title="本校成果")
    elsewhere = OrganisationFactory(kind=Organisation.Kind.UNIVERSITY, name_zh="华东工业大学")
    other = world.achievement(title="他校成果", owner=elsewhere, school=None,
                              actor=member(elsewhere, Role.TTO_STAFF, username="other_tto"))
    client.force_login(world.broker)
    data = {"application_number": valid_application_number(serial=654321), "title": "电解质专利",
            "patent_type": "invention", "legal_status": "pending", "owner": world.school.pk,
            "filing_date": "2024-03-01"}
    refused = client.post("/transfer/patents/new/", {**data, "achievements": [other.pk]})
    assert refused.status_code == 200 and not Patent.objects.exists()
    response = client.post("/transfer/patents/new/", {**data, "achievements": [mine.pk]})
    assert response.status_code == 302 and list(Patent.objects.get().achievements.all()) == [mine]


def test_deal_form_admits_a_spin_off_only_to_an_incubator_the_user_manages(client, world):
    ours = Incubator.objects.create(name="校企孵化器", host=world.enterprise, partner_university=world.university)
    foreign = Incubator.objects.create(name="华芯孵化器", host=world.other_enterprise)
    push = world.negotiating_push()
    client.force_login(world.tto)
    data = {"kind": "spin_off", "price": "0", "equity_percent": "20", "signed_on": "2025-05-01",
            "company_name": "西安循能科技有限公司", "shares-TOTAL_FORMS": "1", "shares-INITIAL_FORMS": "0",
            "shares-MIN_NUM_FORMS": "0", "shares-MAX_NUM_FORMS": "10", "shares-0-beneficiary": "inventor",
            "shares-0-percent": "100"}
    url = f"/transfer/achievements/{push.achievement_id}/deal/"
    refused = client.post(url, {**data, "company_incubator": foreign.pk})
    assert refused.status_code == 200 and not IncubatedCompany.objects.exists()
    assert client.post(url, {**data, "company_incubator": ours.pk}).status_code == 302
    assert IncubatedCompany.objects.get().incubator == ours
