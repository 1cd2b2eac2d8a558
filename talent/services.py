"""Writes of 一共享: talent profiles, shared-hire agreements, mentor appointments, dual-mentor training."""
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from platform_core.audit import audit_log
from platform_core.models import Organisation, Role
from platform_core.money import format_money
from platform_core.permissions import is_platform_admin, require
from platform_core.signoff import PartySpec, register_decision, signoff_open

from . import selectors
from .models import HUNDRED, DualMentorAssignment, EnterpriseMentor, HireShare, SharedHire, TalentEvidence, TalentProfile
from .permissions import (
    ENTERPRISE_SIGNER_ROLES, GOVERNMENT_SIGNER_ROLES, UNIVERSITY_HR_ROLES, UNIVERSITY_MENTOR_ROLES, belongs_to,
    is_university_hr,
)

AGREEMENT_DECISION = "talent.shared_hire_agreement"

# Talent profiles

PROFILE_FIELDS = {
    "user", "name_zh", "name_en", "title", "is_overseas", "country", "expertise", "languages", "availability",
    "biography",
}


def _clean_keywords(values) -> list[str]:
    """Keywords from a list or a comma/、-separated text, trimmed and without repeats."""
    if isinstance(values, str):
        values = values.replace("、", ",").replace("，", ",").split(",")
    seen = []
    for value in values or []:
        value = str(value).strip()
        if value and value not in seen:
            seen.append(value)
    return seen


@transaction.atomic
def talent_profile_create(*, actor, organisation: Organisation, name_zh: str, fields=(), industry_nodes=(),
                          **data) -> TalentProfile:
    require(actor, "talent.add_talentprofile", organisation,
            _("Only the university's HR or technology-transfer office can add people to its talent pool."))
    unknown = set(data) - PROFILE_FIELDS
    if unknown:
        raise ValueError(f"Unknown profile fields: {sorted(unknown)}")
    for key in ("expertise", "languages"):
        data[key] = _clean_keywords(data.get(key, []))
    _check_account(data.get("user"), organisation)
    profile = TalentProfile(organisation=organisation, name_zh=name_zh, created_by=actor, **data)
    profile.full_clean()
    profile.save()
    profile.fields.set(fields)
    profile.industry_nodes.set(industry_nodes)
    audit_log(actor=actor, action="talent.profile_create", target=profile)
    return profile


@transaction.atomic
def _check_account(account, organisation) -> None:
    if account is not None and not belongs_to(account, organisation):
        raise ValidationError({"user": _("The account must belong to the university that keeps the profile.")})


def talent_profile_update(*, actor, profile: TalentProfile, fields=None, industry_nodes=None,
                          **data) -> TalentProfile:
    require(actor, "talent.change_talentprofile", profile)
    unknown = set(data) - PROFILE_FIELDS
    if unknown:
        raise ValueError(f"Unknown profile fields: {sorted(unknown)}")
    for key in ("expertise", "languages"):
        if key in data:
            data[key] = _clean_keywords(data[key])
    if "user" in data and data["user"] != profile.user:
        # Whoever the profile names controls it: only the university's HR links it to an account.
        if not is_university_hr(actor, profile.organisation) and not is_platform_admin(actor):
            raise ValidationError({"user": _("Only the university's HR can link this profile to another account.")})
        _check_account(data["user"], profile.organisation)
    changed = sorted(k for k, v in data.items() if getattr(profile, k) != v)
    for name, value in data.items():
        setattr(profile, name, value)
    profile.full_clean()
    profile.save()
    if fields is not None:
        profile.fields.set(fields)
    if industry_nodes is not None:
        profile.industry_nodes.set(industry_nodes)
    audit_log(actor=actor, action="talent.profile_update", target=profile, fields=changed)
    return profile


@transaction.atomic
def talent_evidence_add(*, actor, profile: TalentProfile, kind: str, title: str, year: int | None = None,
                        summary: str = "", url: str = "", identifier: str = "") -> TalentEvidence:
    require(actor, "talent.change_talentprofile", profile)
    evidence = TalentEvidence(profile=profile, kind=kind, title=title, year=year, summary=summary, url=url,
                              identifier=identifier)
    if year is not None and not 1900 <= year <= timezone.localdate().year + 1:
        raise ValidationError({"year": _("The year must be between 1900 and next year.")})
    evidence.full_clean()
    evidence.save()
    audit_log(actor=actor, action="talent.evidence_add", target=profile, kind=kind, title=title)
    return evidence


@transaction.atomic
def talent_evidence_remove(*, actor, evidence: TalentEvidence) -> None:
    require(actor, "talent.change_talentprofile", evidence.profile)
    audit_log(actor=actor, action="talent.evidence_remove", target=evidence.profile, title=evidence.title)
    evidence.delete()


# Shared hires (校招共用)


@dataclass(frozen=True)
class ShareSpec:
    organisation: Organisation
    salary_percent: Decimal
    time_percent: Decimal = Decimal("0")


SHARE_ROLE_BY_KIND = {
    Organisation.Kind.UNIVERSITY: HireShare.Role.UNIVERSITY,
    Organisation.Kind.ENTERPRISE: HireShare.Role.ENTERPRISE,
    Organisation.Kind.GOVERNMENT: HireShare.Role.GOVERNMENT,
}


def _percent(value: Decimal) -> str:
    """45.50 → "45.5", 90.00 → "90" (never "9E+1")."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _validate_agreement(*, talent: TalentProfile, university: Organisation, annual_cost: Decimal, start_date: date,
                        end_date: date, shares: Sequence[ShareSpec], exclude_pk=None) -> None:
    """Every rule of an agreement; raises one ValidationError listing what is wrong."""
    errors: dict[str, list] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    if university.kind != Organisation.Kind.UNIVERSITY:
        add("university", _("%(org)s is not a university; a shared hire is recruited by a university.")
            % {"org": university})
    if annual_cost is None or annual_cost <= 0:
        add("annual_cost", _("The annual package must be more than zero."))
    if start_date and end_date and end_date <= start_date:
        add("end_date", _("The contract must end after it starts."))
    if not shares:
        add("__all__", _("Add the parties' shares: at least one paying enterprise."))
    seen = set()
    for share in shares:
        org = share.organisation
        if org.pk in seen:
            add("__all__", _("%(org)s appears twice; give each party one share.") % {"org": org})
        seen.add(org.pk)
        role = SHARE_ROLE_BY_KIND.get(org.kind)
        if role is None or (role == HireShare.Role.UNIVERSITY and org.pk != university.pk):
            add("__all__", _("%(org)s cannot hold a share: only the recruiting university, enterprises and "
                             "government agencies can.") % {"org": org})
        if not (0 <= share.salary_percent <= HUNDRED) or not (0 <= share.time_percent <= HUNDRED):
            add("__all__", _("Percentages of %(org)s must be between 0 and 100.") % {"org": org})
        if role != HireShare.Role.ENTERPRISE and share.time_percent:
            add("__all__", _("%(org)s is not an enterprise: only enterprises are allocated working time.")
                % {"org": org})
    if shares and not any(s.organisation.kind == Organisation.Kind.ENTERPRISE and s.salary_percent > 0
                          for s in shares):
        add("__all__", _("At least one enterprise must pay a share (企业供)."))
    salary_total = sum((s.salary_percent for s in shares), Decimal(0))
    if shares and salary_total != HUNDRED:
        add("__all__", _("The shares of the package add up to %(total)s%%; they must add up to exactly 100%%.")
            % {"total": _percent(salary_total)})
    time_total = sum((s.time_percent for s in shares), Decimal(0))
    if time_total > HUNDRED:
        add("__all__", _("The enterprises' working time adds up to %(total)s%%; it cannot be more than 100%%.")
            % {"total": _percent(time_total)})
    elif start_date and end_date and end_date > start_date:
        committed = selectors.overlapping_enterprise_time(talent, start_date, end_date, exclude_pk=exclude_pk)
        if committed + time_total > HUNDRED:
            add("__all__", _("%(talent)s already gives %(committed)s%% of the time to enterprises under another "
                             "agreement in this period; with this one it would be %(total)s%%, over 100%%.")
                % {"talent": talent, "committed": _percent(committed), "total": _percent(committed + time_total)})
    if errors:
        raise ValidationError(errors)


def _write_shares(hire: SharedHire, shares: Sequence[ShareSpec]) -> None:
    hire.shares.all().delete()
    HireShare.objects.bulk_create([
        HireShare(hire=hire, organisation=s.organisation, role=SHARE_ROLE_BY_KIND[s.organisation.kind],
                  salary_percent=s.salary_percent, time_percent=s.time_percent)
        for s in shares
    ])


def _share_summary(shares: Sequence[ShareSpec]) -> list[dict]:
    return [{"organisation": s.organisation.pk, "salary_percent": str(s.salary_percent),
             "time_percent": str(s.time_percent)} for s in shares]


@transaction.atomic
def shared_hire_create(*, actor, talent: TalentProfile, university: Organisation, position: str,
                       annual_cost: Decimal, start_date: date, end_date: date, shares: Sequence[ShareSpec],
                       notes: str = "", renewal_of: SharedHire | None = None) -> SharedHire:
    """A draft agreement; it takes effect only after every party has signed (shared_hire_submit)."""
    require(actor, "talent.add_sharedhire", university,
            _("Only the university's HR or technology-transfer office can recruit shared talent."))
    _validate_agreement(talent=talent, university=university, annual_cost=annual_cost, start_date=start_date,
                        end_date=end_date, shares=shares)
    hire = SharedHire(talent=talent, university=university, position=position, annual_cost=annual_cost,
                      start_date=start_date, end_date=end_date, notes=notes, renewal_of=renewal_of,
                      created_by=actor)
    hire.full_clean()
    hire.save()
    _write_shares(hire, shares)
    audit_log(actor=actor, action="talent.shared_hire_create", target=hire, shares=_share_summary(shares))
    return hire


def _lock(hire: SharedHire) -> SharedHire:
    return SharedHire.objects.select_for_update(of=("self",)).select_related("talent", "university").get(pk=hire.pk)


@transaction.atomic
def shared_hire_update(*, actor, hire: SharedHire, position: str, annual_cost: Decimal, start_date: date,
                       end_date: date, shares: Sequence[ShareSpec], notes: str = "") -> SharedHire:
    require(actor, "talent.change_sharedhire", hire)
    hire = _lock(hire)
    if hire.status != SharedHire.Status.DRAFT:
        raise ValidationError(_("Only a draft agreement can be changed; this one is %(status)s.")
                              % {"status": hire.get_status_display()})
    _validate_agreement(talent=hire.talent, university=hire.university, annual_cost=annual_cost,
                        start_date=start_date, end_date=end_date, shares=shares, exclude_pk=hire.pk)
    hire.position, hire.annual_cost, hire.notes = position, annual_cost, notes
    hire.start_date, hire.end_date = start_date, end_date
    hire.full_clean()
    hire.save()
    _write_shares(hire, shares)
    audit_log(actor=actor, action="talent.shared_hire_update", target=hire, shares=_share_summary(shares))
    return hire


def share_specs_of(hire: SharedHire) -> list[ShareSpec]:
    return [ShareSpec(s.organisation, s.salary_percent, s.time_percent)
            for s in hire.shares.select_related("organisation")]


def _signing_parties(hire: SharedHire) -> list[PartySpec]:
    """学校招、企业供、政府助: the university, each paying enterprise and the subsidising agency sign."""
    parties = [selectors.organisation_roles_party(hire.university, str(HireShare.Role.UNIVERSITY.label),
                                                  UNIVERSITY_HR_ROLES)]
    for share in hire.shares.select_related("organisation"):
        if share.organisation_id == hire.university_id or (share.salary_percent == 0 and share.time_percent == 0):
            continue
        roles = GOVERNMENT_SIGNER_ROLES if share.role == HireShare.Role.GOVERNMENT else ENTERPRISE_SIGNER_ROLES
        parties.append(selectors.organisation_roles_party(share.organisation, str(share.get_role_display()), roles))
    return parties


@transaction.atomic
def shared_hire_submit(*, actor, hire: SharedHire) -> SharedHire:
    """Send the agreement to every party for signature."""
    require(actor, "talent.change_sharedhire", hire)
    hire = _lock(hire)
    if hire.status != SharedHire.Status.DRAFT:
        raise ValidationError(_("Only a draft agreement can be sent for signature; this one is %(status)s.")
                              % {"status": hire.get_status_display()})
    _validate_agreement(talent=hire.talent, university=hire.university, annual_cost=hire.annual_cost,
                        start_date=hire.start_date, end_date=hire.end_date, shares=share_specs_of(hire),
                        exclude_pk=hire.pk)
    signoff_open(
        actor=actor, target=hire, kind=AGREEMENT_DECISION,
        title=_("Shared hire agreement: %(talent)s, %(position)s") % {"talent": hire.talent, "position": hire.position},
        parties=_signing_parties(hire),
        summary=_("%(start)s to %(end)s, annual package %(cost)s.")
        % {"start": hire.start_date, "end": hire.end_date, "cost": format_money(hire.annual_cost)},
        payload={"shares": _share_summary(share_specs_of(hire))},
        url=f"/talent/shared-hires/{hire.pk}/",
    )
    hire.status = SharedHire.Status.SIGNING
    hire.save(update_fields=["status"])
    audit_log(actor=actor, action="talent.shared_hire_submit", target=hire)
    return hire


def _agreement_signed(request) -> None:
    hire = SharedHire.objects.select_for_update().get(pk=request.target_id)
    if hire.status == SharedHire.Status.SIGNING:
        hire.status = SharedHire.Status.IN_EFFECT
        hire.effective_at = timezone.now()
        hire.save(update_fields=["status", "effective_at"])
        audit_log(actor=None, action="talent.shared_hire_in_effect", target=hire, signoff=request.pk)


def _agreement_rejected(request) -> None:
    hire = SharedHire.objects.select_for_update().get(pk=request.target_id)
    if hire.status == SharedHire.Status.SIGNING:
        hire.status = SharedHire.Status.DRAFT
        hire.save(update_fields=["status"])
        audit_log(actor=None, action="talent.shared_hire_sent_back", target=hire, signoff=request.pk)


def register_decisions() -> None:
    register_decision(AGREEMENT_DECISION, label=gettext_lazy("Shared hire agreement"),
                      on_approved=_agreement_signed, on_rejected=_agreement_rejected)


@transaction.atomic
def shared_hire_terminate(*, actor, hire: SharedHire, on_date: date, reason: str) -> SharedHire:
    require(actor, "talent.change_sharedhire", hire)
    hire = _lock(hire)
    if hire.status != SharedHire.Status.IN_EFFECT:
        raise ValidationError(_("Only an agreement in effect can be terminated."))
    if not reason.strip():
        raise ValidationError({"reason": _("Please give a reason for terminating.")})
    if not hire.start_date <= on_date < hire.end_date:
        raise ValidationError({"on_date": _("The termination date must fall within the contract term.")})
    hire.status, hire.terminated_on = SharedHire.Status.TERMINATED, on_date
    hire.save(update_fields=["status", "terminated_on"])
    audit_log(actor=actor, action="talent.shared_hire_terminate", target=hire, on=str(on_date), reason=reason)
    return hire


@transaction.atomic
def shared_hire_renew(*, actor, hire: SharedHire, end_date: date, annual_cost: Decimal | None = None) -> SharedHire:
    """A draft renewal starting the day after the current term ends, with the same shares, to be signed again."""
    require(actor, "talent.change_sharedhire", hire)
    hire = _lock(hire)
    if hire.status != SharedHire.Status.IN_EFFECT:
        raise ValidationError(_("Only an agreement in effect can be renewed."))
    if hire.renewals.exclude(status=SharedHire.Status.TERMINATED).exists():
        raise ValidationError(_("This agreement already has a renewal."))
    return shared_hire_create(
        actor=actor, talent=hire.talent, university=hire.university, position=hire.position,
        annual_cost=annual_cost if annual_cost is not None else hire.annual_cost,
        start_date=hire.end_date + timedelta(days=1), end_date=end_date, shares=share_specs_of(hire),
        notes=hire.notes, renewal_of=hire,
    )


# Enterprise mentors (企业导师)


@transaction.atomic
def mentor_appoint(*, actor, user, organisation: Organisation, university: Organisation, term_start: date,
                   term_end: date, title: str = "", expertise: str = "", fields=()) -> EnterpriseMentor:
    require(actor, "talent.add_enterprisementor", university,
            _("Only the university's HR or technology-transfer office can appoint enterprise mentors."))
    errors: dict[str, list] = {}
    if organisation.kind != Organisation.Kind.ENTERPRISE:
        errors["organisation"] = [_("An enterprise mentor must come from an enterprise; %(org)s is a %(kind)s.")
                                  % {"org": organisation, "kind": organisation.get_kind_display()}]
    elif not belongs_to(user, organisation):
        errors["user"] = [_("%(user)s is not a member of %(org)s, so cannot be its enterprise mentor.")
                          % {"user": user, "org": organisation}]
    if term_end <= term_start:
        errors["term_end"] = [_("The term must end after it starts.")]
    elif EnterpriseMentor.objects.filter(user=user, university=university, term_start__lte=term_end,
                                         term_end__gte=term_start).exists():
        errors.setdefault("user", []).append(
            _("%(user)s is already appointed by this university for part of this term.") % {"user": user})
    if errors:
        raise ValidationError(errors)
    mentor = EnterpriseMentor(user=user, organisation=organisation, university=university, title=title,
                              expertise=expertise, term_start=term_start, term_end=term_end, appointed_by=actor)
    mentor.full_clean()
    mentor.save()
    mentor.fields.set(fields)
    audit_log(actor=actor, action="talent.mentor_appoint", target=mentor)
    return mentor


# Dual-mentor training (双导师)


@transaction.atomic
def assignment_create(*, actor, student, degree: str, university: Organisation, university_mentor,
                      enterprise_mentor: EnterpriseMentor, placement_kind: str, start_date: date,
                      expected_graduation: date, placement_label: str = "", center=None, project=None,
                      thesis_topic: str = "") -> DualMentorAssignment:
    """双导师: a student of the university with a university mentor and an enterprise mentor it appointed, placed
    in one of its joint centers, a project it performs, or a named unit of the enterprise."""
    require(actor, "talent.add_dualmentorassignment", university,
            _("Only the university's HR or technology-transfer office can assign mentors."))
    errors: dict[str, list] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    if not belongs_to(student, university, Role.STUDENT):
        add("student", _("%(user)s is not a student of %(org)s.") % {"user": student, "org": university})
    open_assignment = DualMentorAssignment.objects.filter(
        student=student, status=DualMentorAssignment.Status.IN_TRAINING).select_related("university_mentor").first()
    if open_assignment:
        add("student", _("%(user)s already has a university mentor (%(mentor)s); a student has one university "
                         "mentor and one enterprise mentor.")
            % {"user": student, "mentor": open_assignment.university_mentor})
    if not belongs_to(university_mentor, university, *UNIVERSITY_MENTOR_ROLES):
        add("university_mentor", _("%(user)s is not a researcher or mentor of %(org)s; the university mentor must "
                                   "come from the university side.") % {"user": university_mentor, "org": university})
    if enterprise_mentor.organisation.kind != Organisation.Kind.ENTERPRISE:
        add("enterprise_mentor", _("The enterprise mentor must come from an enterprise."))
    if enterprise_mentor.university_id != university.pk:
        add("enterprise_mentor", _("%(mentor)s is not appointed by %(org)s.")
            % {"mentor": enterprise_mentor, "org": university})
    if enterprise_mentor.user_id == university_mentor.pk:
        add("enterprise_mentor", _("The two mentors must be different people."))
    if expected_graduation <= start_date:
        add("expected_graduation", _("The expected graduation must be after the start."))
    elif not enterprise_mentor.term_start <= start_date <= enterprise_mentor.term_end:
        add("enterprise_mentor", _("%(mentor)s's term (%(start)s to %(end)s) does not cover the start date.")
            % {"mentor": enterprise_mentor, "start": enterprise_mentor.term_start, "end": enterprise_mentor.term_end})
    placement_label = (placement_label or "").strip()
    Kind = DualMentorAssignment.PlacementKind
    if placement_kind == Kind.CENTER:
        if center is None or center.university_id != university.pk:
            add("center", _("Choose a joint R&D center of %(org)s.") % {"org": university})
        else:
            placement_label, project = center.name_zh, None
    elif placement_kind == Kind.PROJECT:
        if project is None or university.pk not in (project.performer_id, project.performer.parent_id):
            add("project", _("Choose a project that %(org)s performs.") % {"org": university})
        else:
            placement_label, center = project.title, None
    elif placement_kind == Kind.ENTERPRISE:
        center = project = None
        if not placement_label:
            add("placement_label", _("Name the lab or department of the enterprise the student is placed in."))
    else:
        add("placement_kind", _("Choose where the student is placed."))
    if errors:
        raise ValidationError(errors)
    assignment = DualMentorAssignment(
        student=student, degree=degree, university=university, university_mentor=university_mentor,
        enterprise_mentor=enterprise_mentor, enterprise=enterprise_mentor.organisation,
        placement_kind=placement_kind, placement_label=placement_label[:200], center=center, project=project,
        thesis_topic=thesis_topic, start_date=start_date, expected_graduation=expected_graduation, created_by=actor,
    )
    assignment.full_clean()
    assignment.save()
    audit_log(actor=actor, action="talent.assignment_create", target=assignment)
    return assignment


@transaction.atomic
def assignment_close(*, actor, assignment: DualMentorAssignment, status: str, on_date: date) -> DualMentorAssignment:
    """Record graduation or withdrawal."""
    require(actor, "talent.change_dualmentorassignment", assignment)
    assignment = DualMentorAssignment.objects.select_for_update().get(pk=assignment.pk)
    if status not in {DualMentorAssignment.Status.GRADUATED, DualMentorAssignment.Status.WITHDRAWN}:
        raise ValidationError({"status": _("Choose graduated or withdrawn.")})
    if assignment.status != DualMentorAssignment.Status.IN_TRAINING:
        raise ValidationError(_("This student is no longer in training (%(status)s).")
                              % {"status": assignment.get_status_display()})
    if on_date < assignment.start_date:
        raise ValidationError({"on_date": _("The date cannot be before the training started.")})
    assignment.status, assignment.ended_on = status, on_date
    assignment.save(update_fields=["status", "ended_on"])
    audit_log(actor=actor, action=f"talent.assignment_{status}", target=assignment, on=str(on_date))
    return assignment
