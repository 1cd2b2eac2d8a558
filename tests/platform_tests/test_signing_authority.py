"""Authority to sign is checked when signing, against current roles and center positions (issue 12 §1)."""
import pytest
from django.core.exceptions import PermissionDenied

from consortia.models import CenterMember, Side
from consortia.selectors import center_parties, organisation_party
from platform_core import signoff
from platform_core.audit import audit_sentences, audit_trail
from platform_core.models import Membership, Role, SignoffRequest
from tests.consortia_tests.factories import staffed_center
from tests.factories import member

pytestmark = pytest.mark.django_db
signoff.register_decision("test.authority", label="Test decision")


def open_on(target, parties, actor):
    return signoff.signoff_open(actor=actor, target=target, kind="test.authority", title="中心年度计划",
                                parties=parties)


def test_a_director_removed_from_the_center_can_no_longer_sign_and_the_successor_can(enterprise, university):
    center, people = staffed_center(enterprise, university)
    request = open_on(center, center_parties(center), people["ent_director"])
    CenterMember.objects.filter(center=center, user=people["ent_director"]).delete()
    with pytest.raises(PermissionDenied):
        signoff.signoff_sign(actor=people["ent_director"], request_id=request.pk)
    successor = member(enterprise, Role.RD_MANAGER, username="successor")
    CenterMember.objects.create(center=center, user=successor, side=Side.ENTERPRISE,
                                position=CenterMember.Position.DIRECTOR)
    assert signoff.signoffs_awaiting(successor).filter(pk=request.pk).exists()  # it reached their queue
    assert not signoff.signoffs_awaiting(people["ent_director"]).exists()
    signoff.signoff_sign(actor=successor, request_id=request.pk)
    signoff.signoff_sign(actor=people["uni_chief"], request_id=request.pk)
    request.refresh_from_db()
    assert request.status == SignoffRequest.Status.APPROVED
    sentences = [text for _event, text in audit_sentences(audit_trail(request), html=False)]
    changes = [text for text in sentences if "签署人" in text]
    assert any(f"不再由 {people['ent_director']}" in text for text in changes), sentences
    assert any(f"现由 {successor}" in text for text in changes), sentences


def test_an_org_admin_whose_membership_was_deleted_cannot_sign(enterprise, university, enterprise_admin,
                                                               university_admin):
    request = open_on(enterprise, [organisation_party(enterprise, "企业方"), organisation_party(university, "高校方")],
                      enterprise_admin)
    Membership.objects.filter(user=enterprise_admin, organisation=enterprise).delete()
    with pytest.raises(PermissionDenied):
        signoff.signoff_sign(actor=enterprise_admin, request_id=request.pk)
    assert request.signatures.count() == 0
    request.refresh_from_db()
    assert request.status == SignoffRequest.Status.PENDING


def test_a_deactivated_account_cannot_sign(enterprise, university, enterprise_admin, university_admin):
    request = open_on(enterprise, [organisation_party(enterprise, "企业方"), organisation_party(university, "高校方")],
                      enterprise_admin)
    university_admin.is_active = False
    university_admin.save()
    with pytest.raises(PermissionDenied):
        signoff.signoff_sign(actor=university_admin, request_id=request.pk)


def test_a_side_that_has_signed_keeps_its_signature_when_roles_change_afterwards(enterprise, university):
    center, people = staffed_center(enterprise, university)
    request = open_on(center, center_parties(center), people["ent_director"])
    signoff.signoff_sign(actor=people["ent_director"], request_id=request.pk)
    CenterMember.objects.filter(center=center, user=people["ent_director"]).delete()
    signoff.signoff_sign(actor=people["uni_director"], request_id=request.pk)
    request.refresh_from_db()
    assert request.status == SignoffRequest.Status.APPROVED
