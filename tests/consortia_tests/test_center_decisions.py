"""Decisions of a center's joint management (issue 14 §6): annual plan, annual budget and research directions go
through the sign-off of both sides, and of an intermediary when one co-signs; approved directions become the
center's; bad proposals are refused with nothing written; only the center's people read them."""
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from consortia import services
from consortia.models import CenterDecision
from platform_core.models import Organisation, Role, SignoffRequest
from platform_core.signoff import signoff_sign
from tests.factories import OrganisationFactory, member

from .factories import staffed_center

pytestmark = pytest.mark.django_db


@pytest.fixture
def center(enterprise, university):
    return staffed_center(enterprise, university)


def propose(center, who="ent_director", **data):
    center, people = center
    return services.center_decision_propose(actor=people[who], center=center, **data)


def test_new_research_directions_take_effect_when_all_three_parties_have_signed(center):
    joint, people = center
    agency = OrganisationFactory(kind=Organisation.Kind.GOVERNMENT, name_zh="省技术转移中心")
    agency_admin = member(agency, Role.ORG_ADMIN, username="agency_admin")
    decision = propose(center, kind="directions", content="固态电池界面\n\n  储能热管理  \n", co_signer=agency)
    assert decision.content == "固态电池界面\n储能热管理" and decision.status == "pending"
    request = SignoffRequest.objects.get(kind="consortia.center_decision")
    assert request.parties.count() == 3
    signoff_sign(actor=people["ent_director"], request_id=request.pk)
    signoff_sign(actor=people["uni_director"], request_id=request.pk)
    joint.refresh_from_db()
    assert joint.research_directions != decision.content  # the co-signer has not signed yet
    signoff_sign(actor=agency_admin, request_id=request.pk)
    joint.refresh_from_db()
    decision.refresh_from_db()
    assert decision.status == "approved" and joint.research_directions == "固态电池界面\n储能热管理"


@pytest.mark.parametrize("data, field", [
    ({"kind": "budget", "year": 2026, "amount": "0", "content": "设备费"}, "amount"),
    ({"kind": "budget", "year": 2026, "amount": "abc", "content": "设备费"}, "amount"),
    ({"kind": "budget", "year": 2035, "amount": "100", "content": "设备费"}, "year"),  # after the agreement
    ({"kind": "annual_plan", "content": "计划"}, "year"),
    ({"kind": "annual_plan", "year": 2026, "content": "  "}, "content"),
    ({"kind": "directions", "content": "\n".join(f"方向{n}" for n in range(21))}, "content"),
    ({"kind": "vision", "content": "x"}, "kind"),
])
def test_bad_proposals_are_refused_and_nothing_is_written(center, data, field):
    with pytest.raises(ValidationError) as refused:
        propose(center, **data)
    assert field in refused.value.message_dict
    assert not CenterDecision.objects.exists() and not SignoffRequest.objects.exists()


def test_one_pending_decision_per_kind_a_side_cannot_co_sign_and_a_plain_member_cannot_propose(center, enterprise):
    joint, people = center
    budget = propose(center, kind="budget", year=2026, amount="1500000", content="设备 100 万，人员 50 万")
    assert budget.amount == Decimal("1500000.00")
    with pytest.raises(ValidationError, match="等待签署"):
        propose(center, kind="budget", year=2027, amount="100", content="x")
    with pytest.raises(ValidationError) as refused:
        propose(center, kind="annual_plan", year=2026, content="计划", co_signer=enterprise)
    assert "co_signer" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        propose(center, who="uni_chief", kind="annual_plan", year=2026, content="计划")
    assert CenterDecision.objects.count() == 1


def test_the_center_page_shows_decisions_to_its_people_and_takes_proposals(center, client, api):
    joint, people = center
    client.force_login(people["ent_director"])
    response = client.post(f"/consortia/centers/{joint.pk}/decisions/", {
        "kind": "annual_plan", "year": "2026", "content": "完成 3 项中试", "amount": "", "co_signer": ""})
    assert response.status_code == 302 and CenterDecision.objects.filter(kind="annual_plan").exists()
    page = client.get(f"/consortia/centers/{joint.pk}/").content.decode()
    assert 'data-testid="center-decisions"' in page and "完成 3 项中试" in page
    outsider = member(OrganisationFactory(kind=Organisation.Kind.ENTERPRISE), Role.RD_MANAGER, username="outsider")
    client.force_login(outsider)
    assert "完成 3 项中试" not in client.get(f"/consortia/centers/{joint.pk}/").content.decode()
    api.force_authenticate(outsider)
    assert api.get("/api/consortia/decisions/").json()["count"] == 0
    refused = api.post("/api/consortia/decisions/", {"center": joint.pk, "kind": "annual_plan", "year": 2027,
                                                     "content": "x"}, format="json")
    assert refused.status_code == 403 and CenterDecision.objects.count() == 1
    api.force_authenticate(people["uni_chief"])
    assert [d["kind"] for d in api.get("/api/consortia/decisions/").json()["results"]] == ["annual_plan"]


def test_the_signoff_page_shows_what_is_signed(center, client):
    joint, people = center
    propose(center, kind="budget", year=2026, amount="800000", content="设备 50 万，人员 30 万")
    request = SignoffRequest.objects.get(kind="consortia.center_decision")
    client.force_login(people["uni_director"])
    page = client.get(f"/signoffs/{request.pk}/").content.decode()
    assert 'data-testid="signoff-center-decision"' in page and "¥800,000.00" in page and "设备 50 万" in page
