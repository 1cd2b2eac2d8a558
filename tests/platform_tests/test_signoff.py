import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from platform_core import signoff
from platform_core.audit import audit_log
from platform_core.models import AuditEvent, Role, Signature, SignoffRequest
from platform_core.signoff import PartySpec
from tests.conftest import run_at_the_same_moment
from tests.factories import member

EFFECT = "test.decision.effect"
SENT_BACK = "test.decision.sent_back"


def _approved(request):
    audit_log(actor=None, action=EFFECT, target=request)


def _rejected(request):
    audit_log(actor=None, action=SENT_BACK, target=request)


signoff.register_decision("test.decision", label="Test decision", on_approved=_approved, on_rejected=_rejected)


@pytest.fixture
def sides(enterprise, university):
    return {
        "ent_director": member(enterprise, Role.RD_MANAGER, username="ent_director"),
        "ent_chief": member(enterprise, Role.RD_MANAGER, username="ent_chief"),
        "uni_director": member(university, Role.RESEARCHER, username="uni_director"),
        "outsider": member(university, Role.RESEARCHER, username="outsider"),
    }


def open_request(enterprise, university, sides, **kwargs):
    return signoff.signoff_open(
        actor=sides["ent_director"], target=enterprise, kind="test.decision", title="课题立项",
        parties=[
            PartySpec(enterprise, "企业方", [sides["ent_director"], sides["ent_chief"]]),
            PartySpec(university, "高校方", [sides["uni_director"]]),
        ],
        **kwargs,
    )


def effects(action=EFFECT):
    return AuditEvent.objects.filter(action=action).count()


@pytest.mark.django_db
def test_takes_effect_only_when_each_side_signed(enterprise, university, sides):
    request = open_request(enterprise, university, sides)
    signoff.signoff_sign(actor=sides["ent_director"], request_id=request.pk)
    request.refresh_from_db()
    assert request.status == "pending" and effects() == 0
    signoff.signoff_sign(actor=sides["uni_director"], request_id=request.pk)
    request.refresh_from_db()
    assert request.status == "approved" and request.resolved_at and effects() == 1


@pytest.mark.django_db
def test_one_side_cannot_sign_for_the_other(enterprise, university, sides):
    request = open_request(enterprise, university, sides)
    university_party = request.parties.get(organisation=university)
    with pytest.raises(PermissionDenied):
        signoff.signoff_sign(actor=sides["ent_director"], request_id=request.pk, party_id=university_party.pk)
    signoff.signoff_sign(actor=sides["ent_director"], request_id=request.pk)
    # The other signatory of the same side cannot add a second signature, nor can the same person sign twice.
    with pytest.raises(ValidationError):
        signoff.signoff_sign(actor=sides["ent_chief"], request_id=request.pk)
    with pytest.raises(ValidationError):
        signoff.signoff_sign(actor=sides["ent_director"], request_id=request.pk)
    with pytest.raises(PermissionDenied):
        signoff.signoff_sign(actor=sides["outsider"], request_id=request.pk)
    assert Signature.objects.filter(request=request).count() == 1
    assert SignoffRequest.objects.get(pk=request.pk).status == "pending"


@pytest.mark.django_db
def test_person_on_both_sides_still_cannot_give_both_signatures(enterprise, university, sides):
    both = member(enterprise, Role.RD_MANAGER, username="both")
    request = signoff.signoff_open(
        actor=both, target=enterprise, kind="test.decision", title="x",
        parties=[PartySpec(enterprise, "企业方", [both]), PartySpec(university, "高校方", [both, sides["uni_director"]])],
    )
    signoff.signoff_sign(actor=both, request_id=request.pk)
    with pytest.raises(ValidationError):
        signoff.signoff_sign(actor=both, request_id=request.pk)
    assert SignoffRequest.objects.get(pk=request.pk).status == "pending" and effects() == 0


@pytest.mark.django_db
def test_reject_needs_reason_and_sends_item_back(enterprise, university, sides):
    request = open_request(enterprise, university, sides)
    with pytest.raises(ValidationError):
        signoff.signoff_reject(actor=sides["uni_director"], request_id=request.pk, reason="  ")
    assert SignoffRequest.objects.get(pk=request.pk).status == "pending"
    signoff.signoff_reject(actor=sides["uni_director"], request_id=request.pk, reason="预算过高")
    request.refresh_from_db()
    assert request.status == "rejected" and effects(SENT_BACK) == 1 and effects() == 0
    with pytest.raises(ValidationError):
        signoff.signoff_sign(actor=sides["ent_director"], request_id=request.pk)
    # After a rejection the item can be put up for signature again.
    again = open_request(enterprise, university, sides)
    assert again.pk != request.pk


@pytest.mark.django_db
def test_open_rules(enterprise, university, sides):
    open_request(enterprise, university, sides)
    with pytest.raises(ValidationError):
        open_request(enterprise, university, sides)
    with pytest.raises(ValidationError):
        signoff.signoff_open(actor=sides["ent_director"], target=university, kind="test.decision", title="x",
                             parties=[PartySpec(enterprise, "企业方", [sides["ent_director"]])])
    with pytest.raises(ValidationError):
        signoff.signoff_open(actor=sides["ent_director"], target=university, kind="test.decision", title="x",
                             parties=[PartySpec(enterprise, "企业方", [sides["ent_director"]]),
                                      PartySpec(university, "高校方", [])])
    assert SignoffRequest.objects.count() == 1


@pytest.mark.django_db
def test_signature_and_audit_are_read_only_in_admin(admin_client, enterprise, university, sides):
    request = open_request(enterprise, university, sides)
    signoff.signoff_sign(actor=sides["ent_director"], request_id=request.pk)
    signature = Signature.objects.get()
    response = admin_client.post(f"/admin/platform/signature/{signature.pk}/change/", {"reason": "changed"})
    assert response.status_code == 403
    assert Signature.objects.get().reason == ""


@pytest.mark.django_db
def test_pages_sign_and_reject(client, enterprise, university, sides):
    request = open_request(enterprise, university, sides)
    client.force_login(sides["uni_director"])
    assert "课题立项" in client.get("/signoffs/").content.decode()
    assert client.post(f"/signoffs/{request.pk}/", {"verdict": "reject", "reason": ""}).status_code == 200
    assert SignoffRequest.objects.get(pk=request.pk).status == "pending"
    client.post(f"/signoffs/{request.pk}/", {"verdict": "approve", "confirm": "on"})
    client.force_login(sides["ent_chief"])
    client.post(f"/signoffs/{request.pk}/", {"verdict": "approve", "confirm": "on"})
    assert SignoffRequest.objects.get(pk=request.pk).status == "approved"
    client.force_login(sides["outsider"])
    assert client.get(f"/signoffs/{request.pk}/").status_code == 404


@pytest.mark.django_db
def test_api_sign_reject_and_visibility(api, enterprise, university, sides):
    request = open_request(enterprise, university, sides)
    api.force_authenticate(sides["outsider"])
    assert api.post(f"/api/signoffs/{request.pk}/sign/").status_code == 404
    api.force_authenticate(sides["uni_director"])
    assert [r["id"] for r in api.get("/api/signoffs/?awaiting=1").json()["results"]] == [request.pk]
    ent_party = request.parties.get(organisation=enterprise).pk
    assert api.post(f"/api/signoffs/{request.pk}/sign/", {"party": ent_party, "confirm": True},
                    format="json").status_code == 403
    assert api.post(f"/api/signoffs/{request.pk}/reject/", {}, format="json").status_code == 400
    signed = api.post(f"/api/signoffs/{request.pk}/sign/", {"confirm": True}, format="json")
    assert signed.status_code == 200 and len(signed.json()["signatures"]) == 1
    assert api.post(f"/api/signoffs/{request.pk}/sign/", {"confirm": True}, format="json").status_code == 400
    assert api.get("/api/signoffs/?awaiting=1").json()["results"] == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_both_sides_signing_at_the_same_moment_take_effect_once(enterprise, university, sides):
    if connection.vendor != "postgresql":
        pytest.skip("row locking is exercised on PostgreSQL (CI)")
    for _ in range(5):
        request = open_request(enterprise, university, sides)
        request_id = request.pk
        errors = run_at_the_same_moment(
            lambda: signoff.signoff_sign(actor=sides["ent_director"], request_id=request_id),  # noqa: B023
            lambda: signoff.signoff_sign(actor=sides["uni_director"], request_id=request_id),  # noqa: B023
        )
        assert errors == [None, None]
        assert SignoffRequest.objects.get(pk=request.pk).status == "approved"
        assert AuditEvent.objects.filter(action=EFFECT, target_id=str(request.pk)).count() == 1
        SignoffRequest.objects.filter(pk=request.pk).delete()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_signers_of_one_side_racing_give_one_signature(enterprise, university, sides):
    if connection.vendor != "postgresql":
        pytest.skip("row locking is exercised on PostgreSQL (CI)")
    request = open_request(enterprise, university, sides)
    errors = run_at_the_same_moment(
        lambda: signoff.signoff_sign(actor=sides["ent_director"], request_id=request.pk),
        lambda: signoff.signoff_sign(actor=sides["ent_chief"], request_id=request.pk),
    )
    assert sorted(type(e).__name__ for e in errors if e) == ["ValidationError"]
    assert Signature.objects.filter(request=request).count() == 1
