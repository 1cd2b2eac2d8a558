"""Writes for joint R&D centers and innovation consortia.

Dual sign-off itself is the core's `platform_core.signoff`; centers only say who signs
for each side (`consortia.selectors.center_parties`).
"""
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from platform_core.audit import audit_log
from platform_core.models import Membership, Organisation
from platform_core.permissions import require
from platform_core.signoff import signoff_open

from .models import CenterDecision, CenterMember, Consortium, ConsortiumMember, CouncilMember, JointCenter, Side

CENTER_FIELDS = {"name_zh", "name_en", "agreement_signed_on", "agreement_start", "agreement_end",
                 "funding_commitment", "research_directions", "description", "status"}
ACADEMIC_KINDS = {Organisation.Kind.UNIVERSITY, Organisation.Kind.RESEARCH_INSTITUTE}


def _validate_center(*, enterprise, university, funding_commitment, agreement_start, agreement_end, name_zh):
    errors = {}
    if not (name_zh or "").strip():
        errors["name_zh"] = _("Please give the center a Chinese name.")
    if enterprise.kind != Organisation.Kind.ENTERPRISE:
        errors["enterprise"] = _("The enterprise side must be an enterprise.")
    if university.kind not in ACADEMIC_KINDS:
        errors["university"] = _("The university side must be a university or research institute.")
    if funding_commitment is not None and Decimal(funding_commitment) < 0:
        errors["funding_commitment"] = _("The funding commitment cannot be negative.")
    if agreement_start and agreement_end and agreement_end < agreement_start:
        errors["agreement_end"] = _("The agreement cannot end before it starts.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def center_create(*, actor, enterprise: Organisation, university: Organisation, name_zh: str,
                  industry_nodes=(), fields=(), **data) -> JointCenter:
    if not (actor.has_perm("consortia.add_center", enterprise) or actor.has_perm("consortia.add_center", university)):
        require(actor, "consortia.add_center", enterprise,
                _("Only an org admin of the enterprise or the university can register a center."))
    unknown = set(data) - CENTER_FIELDS
    if unknown:
        raise ValueError(f"Unknown center fields: {unknown}")
    _validate_center(enterprise=enterprise, university=university, name_zh=name_zh,
                     funding_commitment=data.get("funding_commitment", 0),
                     agreement_start=data.get("agreement_start"), agreement_end=data.get("agreement_end"))
    center = JointCenter.objects.create(enterprise=enterprise, university=university, name_zh=name_zh.strip(), **data)
    center.industry_nodes.set(industry_nodes)
    center.fields.set(fields)
    audit_log(actor=actor, action="center.create", target=center)
    return center


@transaction.atomic
def center_update(*, actor, center: JointCenter, industry_nodes=None, fields=None, **data) -> JointCenter:
    center = JointCenter.objects.select_for_update().get(pk=center.pk)
    require(actor, "consortia.change_center", center)
    unknown = set(data) - CENTER_FIELDS
    if unknown:
        raise ValueError(f"Unknown center fields: {unknown}")
    merged = {f: data.get(f, getattr(center, f)) for f in ("name_zh", "funding_commitment",
                                                              "agreement_start", "agreement_end")}
    _validate_center(enterprise=center.enterprise, university=center.university, **merged)
    changed = {k: str(v) for k, v in data.items() if getattr(center, k) != v}
    for key, value in data.items():
        setattr(center, key, value)
    center.save()
    if industry_nodes is not None:
        center.industry_nodes.set(industry_nodes)
    if fields is not None:
        center.fields.set(fields)
    audit_log(actor=actor, action="center.update", target=center, **changed)
    return center


def _belongs_to(user, organisation: Organisation) -> bool:
    memberships = Membership.objects.active().filter(user=user)
    return memberships.filter(organisation=organisation).exists() or memberships.filter(
        organisation__parent=organisation).exists()


@transaction.atomic
def center_appoint(*, actor, center: JointCenter, user, side: str, position: str, title: str = "") -> CenterMember:
    """Appoint a director, chief scientist or member on one side; a new leader replaces the previous one."""
    center = JointCenter.objects.select_for_update().get(pk=center.pk)
    require(actor, "consortia.change_center", center)
    if side not in Side.values:
        raise ValidationError({"side": _("Unknown side.")})
    if position not in CenterMember.Position.values:
        raise ValidationError({"position": _("Unknown position.")})
    organisation = center.organisation_of(side)
    if not _belongs_to(user, organisation):
        raise ValidationError({"user": _("%(user)s is not a member of %(org)s, so cannot serve on its side.")
                               % {"user": user, "org": organisation}})
    other_side = Side.UNIVERSITY if side == Side.ENTERPRISE else Side.ENTERPRISE
    if center.members.filter(user=user, side=other_side).exists():
        raise ValidationError({"user": _("%(user)s already serves on the other side of this center.")
                               % {"user": user}})
    if position != CenterMember.Position.MEMBER:
        replaced = center.members.filter(side=side, position=position).exclude(user=user)
        for old in replaced:
            audit_log(actor=actor, action="center.replace", target=center, user=str(old.user), position=position)
        replaced.delete()
    member, created = CenterMember.objects.update_or_create(
        center=center, user=user, position=position, defaults={"side": side, "title": title},
    )
    audit_log(actor=actor, action="center.appoint", target=center, user=str(user), side=side, position=position)
    return member


@transaction.atomic
def center_member_remove(*, actor, member: CenterMember) -> None:
    require(actor, "consortia.change_center", member.center)
    audit_log(actor=actor, action="center.remove_member", target=member.center, user=str(member.user),
              position=member.position)
    member.delete()


CONSORTIUM_FIELDS = {"name_en", "kind", "founded_on", "goals", "status"}
LEAD_KINDS = {
    Consortium.Kind.ENTERPRISE_LED: {Organisation.Kind.ENTERPRISE},
    Consortium.Kind.UNIVERSITY_LED: ACADEMIC_KINDS,
    Consortium.Kind.GOVERNMENT_LED: {Organisation.Kind.GOVERNMENT},
}


def _validate_lead(kind: str, lead: Organisation) -> None:
    if kind not in LEAD_KINDS:
        raise ValidationError({"kind": _("Unknown consortium type.")})
    if lead.kind not in LEAD_KINDS[kind]:
        raise ValidationError({"lead": _("A %(type)s consortium cannot be led by a %(kind)s.")
                               % {"type": Consortium.Kind(kind).label, "kind": lead.get_kind_display()}})


@transaction.atomic
def consortium_create(*, actor, lead: Organisation, name_zh: str, kind: str = Consortium.Kind.ENTERPRISE_LED,
                      industry_nodes=(), **data) -> Consortium:
    require(actor, "consortia.add_consortium", lead,
            _("Only an org admin of the lead organisation can register a consortium."))
    if not (name_zh or "").strip():
        raise ValidationError({"name_zh": _("Please give the consortium a Chinese name.")})
    _validate_lead(kind, lead)
    consortium = Consortium.objects.create(lead=lead, name_zh=name_zh.strip(), kind=kind, **data)
    consortium.industry_nodes.set(industry_nodes)
    ConsortiumMember.objects.create(consortium=consortium, organisation=lead, role=ConsortiumMember.Role.LEAD,
                                    joined_on=data.get("founded_on") or date.today())
    audit_log(actor=actor, action="consortium.create", target=consortium)
    return consortium


@transaction.atomic
def consortium_update(*, actor, consortium: Consortium, industry_nodes=None, **data) -> Consortium:
    consortium = Consortium.objects.select_for_update().get(pk=consortium.pk)
    require(actor, "consortia.change_consortium", consortium)
    unknown = set(data) - CONSORTIUM_FIELDS - {"name_zh"}
    if unknown:
        raise ValueError(f"Unknown consortium fields: {unknown}")
    _validate_lead(data.get("kind", consortium.kind), consortium.lead)
    for key, value in data.items():
        setattr(consortium, key, value)
    consortium.save()
    if industry_nodes is not None:
        consortium.industry_nodes.set(industry_nodes)
    audit_log(actor=actor, action="consortium.update", target=consortium)
    return consortium


@transaction.atomic
def consortium_member_add(*, actor, consortium: Consortium, organisation: Organisation,
                          role: str = ConsortiumMember.Role.MEMBER, responsibilities: str = "",
                          joined_on: date | None = None) -> ConsortiumMember:
    require(actor, "consortia.change_consortium", consortium)
    if role == ConsortiumMember.Role.LEAD:
        raise ValidationError({"role": _("A consortium has one lead organisation, set when it is created.")})
    if role not in ConsortiumMember.Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if consortium.members.filter(organisation=organisation).exists():
        raise ValidationError({"organisation": _("%(org)s is already a member.") % {"org": organisation}})
    member = ConsortiumMember.objects.create(consortium=consortium, organisation=organisation, role=role,
                                             responsibilities=responsibilities, joined_on=joined_on or date.today())
    audit_log(actor=actor, action="consortium.add_member", target=consortium, organisation=str(organisation),
              role=role)
    return member


@transaction.atomic
def consortium_member_remove(*, actor, member: ConsortiumMember) -> None:
    require(actor, "consortia.change_consortium", member.consortium)
    if member.role == ConsortiumMember.Role.LEAD:
        raise ValidationError(_("The lead organisation cannot leave its consortium."))
    audit_log(actor=actor, action="consortium.remove_member", target=member.consortium,
              organisation=str(member.organisation))
    member.delete()


@transaction.atomic
def council_member_add(*, actor, consortium: Consortium, user, organisation: Organisation,
                       position: str = CouncilMember.Position.MEMBER) -> CouncilMember:
    require(actor, "consortia.change_consortium", consortium)
    if position not in CouncilMember.Position.values:
        raise ValidationError({"position": _("Unknown position.")})
    if not consortium.members.filter(organisation=organisation).exists():
        raise ValidationError({"organisation": _("%(org)s is not a member of this consortium.")
                               % {"org": organisation}})
    if not _belongs_to(user, organisation):
        raise ValidationError({"user": _("%(user)s is not a member of %(org)s.") % {"user": user, "org": organisation}})
    if consortium.council.filter(user=user).exists():
        raise ValidationError({"user": _("%(user)s already sits on the council.") % {"user": user}})
    if position == CouncilMember.Position.CHAIR and consortium.council.filter(position=position).exists():
        raise ValidationError({"position": _("The council already has a chair.")})
    seat = CouncilMember.objects.create(consortium=consortium, user=user, organisation=organisation, position=position)
    audit_log(actor=actor, action="consortium.add_council_member", target=consortium, user=str(user),
              position=position)
    return seat


# Decisions of the joint management: annual plan, annual budget, research directions (under dual sign-off)

MAX_DIRECTIONS = 20


@transaction.atomic
def center_decision_propose(*, actor, center: JointCenter, kind: str, content: str, year=None, amount=None,
                            co_signer: Organisation | None = None) -> CenterDecision:
    """Put a plan, a budget or the research directions to the center's sides (and a co-signing intermediary):
    it takes effect when all have signed. One decision of each kind waits at a time."""
    center = JointCenter.objects.select_for_update().get(pk=center.pk)
    require(actor, "consortia.change_center", center,
            _("Only the center's directors or its organisations' administrators propose its decisions."))
    if center.status != JointCenter.Status.ACTIVE:
        raise ValidationError(_("Only an active center takes decisions."))
    if kind not in CenterDecision.Kind.values:
        raise ValidationError({"kind": _("Choose what is decided.")})
    content = (content or "").strip()
    if not content:
        raise ValidationError({"content": _("Write the decision's content.")})
    if kind == CenterDecision.Kind.DIRECTIONS:
        lines = [line.strip() for line in content.splitlines() if line.strip()]
        if len(lines) > MAX_DIRECTIONS:
            raise ValidationError({"content": _("At most %(n)s research directions.") % {"n": MAX_DIRECTIONS}})
        content, year, amount = "\n".join(lines), None, None
    else:
        year = _decision_year(center, year)
        if kind == CenterDecision.Kind.BUDGET:
            try:
                amount = Decimal(str(amount)).quantize(Decimal("0.01"))
            except (ArithmeticError, ValueError, TypeError):
                raise ValidationError({"amount": _("Give the budget in CNY.")})
            if amount <= 0:
                raise ValidationError({"amount": _("The budget must be above zero.")})
        else:
            amount = None
    if co_signer is not None and co_signer.pk in (center.enterprise_id, center.university_id):
        raise ValidationError({"co_signer": _("The co-signer is a third organisation, not one of the center's sides.")})
    if center.decisions.filter(kind=kind, status=CenterDecision.Status.PENDING).exists():
        raise ValidationError({"kind": _("A decision of this kind is already awaiting signatures.")})
    decision = CenterDecision.objects.create(center=center, kind=kind, year=year, content=content, amount=amount,
                                             co_signer=co_signer, proposed_by=actor)
    from .selectors import center_parties, organisation_party

    parties = center_parties(center)
    if co_signer is not None:
        parties.append(organisation_party(co_signer, _("Co-signing intermediary")))
    what = f"{decision.get_kind_display()} {year}" if year else str(decision.get_kind_display())
    signoff_open(actor=actor, target=decision, kind="consortia.center_decision",
                 title=_("%(center)s: %(decision)s") % {"center": center.name_zh, "decision": what},
                 parties=parties, summary=content[:500])
    audit_log(actor=actor, action="center.decision_propose", target=center, kind=kind, year=year,
              amount=str(amount) if amount is not None else None)
    return decision


def _decision_year(center: JointCenter, year) -> int:
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationError({"year": _("Give the year the plan or budget is for.")})
    first = center.agreement_start.year if center.agreement_start else 1990
    last = center.agreement_end.year if center.agreement_end else 2100
    if not first <= year <= last:
        raise ValidationError({"year": _("The year must fall within the agreement (%(first)s–%(last)s).")
                               % {"first": first, "last": last}})
    return year


def center_decision_approved(request) -> None:
    decision = CenterDecision.objects.select_for_update().get(pk=request.target_id)
    decision.status, decision.decided_at = CenterDecision.Status.APPROVED, timezone.now()
    decision.save(update_fields=["status", "decided_at"])
    if decision.kind == CenterDecision.Kind.DIRECTIONS:
        JointCenter.objects.filter(pk=decision.center_id).update(research_directions=decision.content)
    audit_log(actor=None, action="center.decision_approved", target=decision.center, kind=decision.kind,
              year=decision.year)


def center_decision_sent_back(request) -> None:
    CenterDecision.objects.filter(pk=request.target_id, status=CenterDecision.Status.PENDING).update(
        status=CenterDecision.Status.REJECTED, decided_at=timezone.now())
