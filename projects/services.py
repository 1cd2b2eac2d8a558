"""Writes of the challenge → project chain (企业出题 → 共同凝练 → 揭榜挂帅 → 共同答题 → 共同评价).

Challenge states and the only legal transitions
-----------------------------------------------

    draft ──publish──▶ published ──topic approved (dual sign-off)──▶ refined ──open call──▶ open
    open ──award approved (dual sign-off)──▶ awarded ──project started──▶ in_progress
    in_progress ──result submitted for evaluation──▶ under_evaluation
    under_evaluation ──final evaluation approved (dual sign-off)──▶ solved
    under_evaluation ──final evaluation rejected──▶ in_progress
    draft | published | refined | open | awarded | in_progress | under_evaluation ──close (reason)──▶ closed

``solved`` and ``closed`` are final. A rejected topic sign-off leaves the challenge
``published`` (the topic goes back to draft); a rejected award leaves it ``open``
(the bid goes back to submitted). Any other move is refused with a message and
changes nothing. ``CHALLENGE_TRANSITIONS`` below is the table the code enforces.

Dual sign-off decisions (registered in ProjectsConfig.ready, run by platform_core.signoff):
``projects.topic_approval`` (poster + partner), ``projects.bid_award`` (poster + partner),
``projects.milestone_acceptance``, ``projects.budget_change``, ``projects.final_evaluation``
(sponsor + performing organisation). Inside a joint center each side signs through its
director or chief scientist (consortia.selectors.center_side_signatories).

Modes (seed 003) share this one path: enterprise-led (an enterprise posts; university
and institute teams bid), university-led (a university or institute sets the direction;
enterprises join by bidding), government-led (an agency posts the call with terms and a
subsidy; enterprises, universities and institutes bid).
"""
from datetime import date
from pathlib import PurePath
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.contrib.auth import get_user_model
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _, pgettext

from platform_core.audit import audit_log
from platform_core.models import Membership, Organisation, SignoffRequest
from platform_core.money import format_money
from platform_core.notifications import notify
from platform_core.permissions import require
from platform_core.signoff import signoff_open
from platform_core.uploads import validate_document

from . import conflicts, selectors
from .models import (
    Bid, BidMember, BidScore, Call, CallQuestion, Challenge, ChallengeAttachment, ConflictDeclaration, Document, Evaluation,
    Milestone, MilestoneAssessment, Mode, PanelMember, Project, Topic, TrlRecord, Undertaking,
)
from .permissions import BIDDER_KINDS_BY_MODE, BIDDER_ROLES, manages

S = Challenge.Status
CHALLENGE_TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.PUBLISHED, S.CLOSED},
    S.PUBLISHED: {S.REFINED, S.CLOSED},
    S.REFINED: {S.OPEN, S.CLOSED},
    S.OPEN: {S.AWARDED, S.CLOSED},
    S.AWARDED: {S.IN_PROGRESS, S.CLOSED},
    S.IN_PROGRESS: {S.UNDER_EVALUATION, S.CLOSED},
    S.UNDER_EVALUATION: {S.SOLVED, S.IN_PROGRESS, S.CLOSED},
    S.SOLVED: set(),
    S.CLOSED: set(),
}

POSTER_KINDS_BY_MODE = {
    Mode.ENTERPRISE_LED: {Organisation.Kind.ENTERPRISE},
    Mode.UNIVERSITY_LED: {Organisation.Kind.UNIVERSITY, Organisation.Kind.RESEARCH_INSTITUTE},
    Mode.GOVERNMENT_LED: {Organisation.Kind.GOVERNMENT},
}
CHALLENGE_FIELDS = {"title_zh", "title_en", "summary_zh", "summary_en", "confidential_detail", "industry_node",
                    "field", "current_trl", "target_trl", "budget_min", "budget_max", "subsidy", "terms",
                    "deadline", "center", "partner"}


def _url(name, pk) -> str:
    return reverse(f"projects:{name}", args=[pk])


def _move(challenge: Challenge, to: str, *, actor, **data) -> None:
    """The one place a challenge changes state."""
    if to not in CHALLENGE_TRANSITIONS[challenge.status]:
        raise ValidationError(
            _("A challenge cannot go from “%(from)s” to “%(to)s”.")
            % {"from": challenge.get_status_display(), "to": S(to).label}
        )
    previous = challenge.status
    challenge.status = to
    challenge.save(update_fields=["status", "updated_at"])
    audit_log(actor=actor, action=f"challenge.{to}", target=challenge, previous=previous, **data)


def _lock(challenge: Challenge) -> Challenge:
    return Challenge.objects.select_for_update().get(pk=challenge.pk)


def _money(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value if value not in (None, "") else 0))
    except InvalidOperation:
        raise ValidationError({field: _("Enter an amount in CNY.")})
    if amount < 0:
        raise ValidationError({field: _("An amount cannot be negative.")})
    return amount


def _check_trl(value, field: str) -> int:
    try:
        trl = int(value)
    except (TypeError, ValueError):
        raise ValidationError({field: _("TRL must be a whole number from 1 to 9.")})
    if not 1 <= trl <= 9:
        raise ValidationError({field: _("TRL must be between 1 and 9.")})
    return trl


def _validate_challenge(data: dict, *, poster: Organisation, mode: str) -> None:
    errors = {}
    if not (data.get("title_zh") or "").strip():
        errors["title_zh"] = _("Please give a Chinese title.")
    if not (data.get("summary_zh") or "").strip():
        errors["summary_zh"] = _("Please give a public summary in Chinese.")
    if mode not in POSTER_KINDS_BY_MODE:
        errors["mode"] = _("Unknown mode.")
    elif poster.kind not in POSTER_KINDS_BY_MODE[mode]:
        errors["mode"] = _("A %(kind)s cannot post a %(mode)s challenge.") % {
            "kind": poster.get_kind_display(), "mode": Mode(mode).label}
    try:
        current = _check_trl(data.get("current_trl"), "current_trl")
        target = _check_trl(data.get("target_trl"), "target_trl")
        if target < current:
            errors["target_trl"] = _("The target TRL cannot be below the current TRL.")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        low = _money(data.get("budget_min"), "budget_min")
        high = _money(data.get("budget_max"), "budget_max")
        subsidy = _money(data.get("subsidy"), "subsidy")
        if high < low:
            errors["budget_max"] = _("The upper budget cannot be below the lower budget.")
        if subsidy and mode != Mode.GOVERNMENT_LED:
            errors["subsidy"] = _("Only a government-led call carries a government subsidy.")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    deadline = data.get("deadline")
    if deadline is None:
        errors["deadline"] = _("Please set a deadline.")
    elif deadline < timezone.localdate():
        errors["deadline"] = _("The deadline cannot be in the past.")
    center, partner = data.get("center"), data.get("partner")
    if center is not None and poster.pk not in {center.enterprise_id, center.university_id}:
        errors["center"] = _("The posting organisation is not a side of this center.")
    if partner is not None and partner.pk == poster.pk:
        errors["partner"] = _("The partner must be another organisation.")
    if errors:
        raise ValidationError(errors)


def _default_partner(center, poster):
    if center is None:
        return None
    return center.university if center.enterprise_id == poster.pk else center.enterprise


@transaction.atomic
def challenge_create(*, actor, poster: Organisation, mode: str | None = None, **data) -> Challenge:
    """企业出题: a draft challenge posted for `poster` (mode defaults from the poster's kind)."""
    if not manages(actor, poster):
        raise PermissionDenied(_("You can only post challenges for an organisation you manage."))
    unknown = set(data) - CHALLENGE_FIELDS
    if unknown:
        raise ValueError(f"Unknown challenge fields: {unknown}")
    mode = mode or next((m for m, kinds in POSTER_KINDS_BY_MODE.items() if poster.kind in kinds),
                        Mode.ENTERPRISE_LED)
    data.setdefault("current_trl", 1)
    data.setdefault("target_trl", 4)
    _validate_challenge(data, poster=poster, mode=mode)
    data["partner"] = data.get("partner") or _default_partner(data.get("center"), poster)
    challenge = Challenge.objects.create(poster=poster, mode=mode, posted_by=actor, **data)
    audit_log(actor=actor, action="challenge.create", target=challenge)
    return challenge


@transaction.atomic
def challenge_update(*, actor, challenge: Challenge, **data) -> Challenge:
    challenge = _lock(challenge)
    require(actor, "projects.change_challenge", challenge)
    if challenge.status not in {S.DRAFT, S.PUBLISHED}:
        raise ValidationError(_("A challenge can only be edited before its topic is refined."))
    unknown = set(data) - CHALLENGE_FIELDS
    if unknown:
        raise ValueError(f"Unknown challenge fields: {unknown}")
    merged = {f: data.get(f, getattr(challenge, f)) for f in CHALLENGE_FIELDS}
    _validate_challenge(merged, poster=challenge.poster, mode=challenge.mode)
    for key, value in data.items():
        setattr(challenge, key, value)
    if challenge.partner is None:
        challenge.partner = _default_partner(challenge.center, challenge.poster)
    challenge.save()
    audit_log(actor=actor, action="challenge.update", target=challenge, fields=sorted(data))
    return challenge


@transaction.atomic
def challenge_publish(*, actor, challenge: Challenge) -> Challenge:
    challenge = _lock(challenge)
    require(actor, "projects.change_challenge", challenge)
    if challenge.deadline < timezone.localdate():
        raise ValidationError({"deadline": _("The deadline cannot be in the past.")})
    _move(challenge, S.PUBLISHED, actor=actor)
    if challenge.partner:
        notify(recipients=selectors.side_party(challenge, challenge.partner, "").signatories,
               event="projects.challenge_published", params={"challenge": challenge},
               url=_url("challenge-detail", challenge.pk))
    return challenge


@transaction.atomic
def challenge_close(*, actor, challenge: Challenge, reason: str) -> Challenge:
    challenge = _lock(challenge)
    require(actor, "projects.change_challenge", challenge)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Please give a reason for closing.")})
    if selectors.challenge_has_pending_signoff(challenge):
        raise ValidationError(_("A decision on this challenge is awaiting signatures; it must be decided first."))
    _move(challenge, S.CLOSED, actor=actor, reason=reason.strip())
    challenge.projects.exclude(status=Project.Status.SOLVED).update(status=Project.Status.CLOSED)
    return challenge


@transaction.atomic
def attachment_add(*, actor, challenge: Challenge, file, description: str = "",
                   is_confidential: bool = True) -> ChallengeAttachment:
    """Attach a file; confidential ones are served only to readers of the confidential detail."""
    challenge = _lock(challenge)
    require(actor, "projects.change_challenge", challenge)
    if challenge.status in {S.SOLVED, S.CLOSED}:
        raise ValidationError(_("A finished challenge takes no more attachments."))
    validate_document(file)
    attachment = ChallengeAttachment.objects.create(challenge=challenge, file=file, uploaded_by=actor,
                                                    description=(description or "").strip()[:200],
                                                    is_confidential=is_confidential)
    audit_log(actor=actor, action="challenge.attach", target=challenge, file=attachment.file.name,
              confidential=is_confidential)
    return attachment


# Documents: templates of the call, proposals, deliverables, evaluation reports

MAX_DOCUMENTS_PER_RECORD = 20


@transaction.atomic
def document_add(*, actor, kind: str, owner, file) -> Document:
    """Keep a checked file with its record: the call's proposal or undertaking template (the posting side, while
    the call is open), a bid's proposal (its team, while bidding is open), a milestone's deliverables (the lead
    PI, until it is accepted) or a project's evaluation report (a side's signatory or the lead PI, once the
    result is submitted)."""
    if kind not in Document.Kind.values:
        raise ValidationError({"kind": _("Choose a document type.")})
    if kind in Document.TEMPLATES:
        owner = _lock_call(owner)
        require(actor, "projects.change_challenge", owner.challenge, _("Only the posting side adds the call's templates."))
        if owner.status != Call.Status.OPEN:
            raise ValidationError(_("Templates are added while the call is open."))
        target = owner.challenge
    elif kind == Document.Kind.PROPOSAL:
        owner = Bid.objects.select_for_update(of=("self",)).select_related("call__challenge").get(pk=owner.pk)
        require(actor, "projects.change_bid", owner, _("Only the bidding team adds its proposal."))
        if owner.status != Bid.Status.SUBMITTED or owner.call.status != Call.Status.OPEN:
            raise ValidationError(_("A proposal is added while the bid stands and the call is open."))
        target = owner.call.challenge
    elif kind == Document.Kind.DELIVERABLE:
        owner = Milestone.objects.select_for_update(of=("self",)).select_related("project").get(pk=owner.pk)
        require(actor, "projects.run_project", owner.project, _("Only the lead PI adds deliverables."))
        if owner.status == Milestone.Status.ACCEPTED:
            raise ValidationError(_("An accepted milestone takes no more files."))
        target = owner.project
    else:
        owner = _lock_project(owner)
        if selectors.evaluation_side_of(actor, owner) is None and not actor.has_perm("projects.run_project", owner):
            raise PermissionDenied(_("Only a side's signatory or the lead PI adds evaluation reports."))
        if owner.status not in {Project.Status.UNDER_EVALUATION, Project.Status.SOLVED}:
            raise ValidationError(_("Evaluation reports are added once the result is submitted."))
        target = owner
    validate_document(file)
    field = Document.OWNER[kind]
    if Document.objects.filter(**{field: owner}).count() >= MAX_DOCUMENTS_PER_RECORD:
        raise ValidationError({"file": _("A record keeps at most %(n)s files.") % {"n": MAX_DOCUMENTS_PER_RECORD}})
    name = PurePath(str(file.name).replace("\\", "/")).name[:255] or "document"
    document = Document.objects.create(kind=kind, file=file, name=name, size=file.size, uploaded_by=actor,
                                       **{field: owner})
    audit_log(actor=actor, action="document.add", target=target, kind=kind, file=name)
    return document


# Confidentiality undertakings


@transaction.atomic
def undertaking_request(*, actor, challenge: Challenge, statement: str) -> Undertaking:
    challenge = _lock(challenge)
    require(actor, "projects.view_challenge", challenge)
    if challenge.status in {S.DRAFT, S.SOLVED, S.CLOSED}:
        raise ValidationError(_("This challenge does not take confidentiality undertakings now."))
    if not (statement or "").strip():
        raise ValidationError({"statement": _("Please write your undertaking.")})
    if actor.has_perm("projects.view_confidential", challenge):
        raise ValidationError(_("You can already read the confidential detail."))
    if challenge.undertakings.filter(user=actor).exists():
        raise ValidationError(_("You have already submitted an undertaking for this challenge."))
    organisation = Organisation.objects.filter(
        memberships__user=actor, memberships__is_active=True, parent__isnull=True).first()
    if organisation is None:
        raise ValidationError(_("You must belong to an organisation to sign an undertaking."))
    undertaking = Undertaking.objects.create(challenge=challenge, user=actor, organisation=organisation,
                                             statement=statement.strip())
    audit_log(actor=actor, action="undertaking.request", target=challenge, user=str(actor))
    notify(recipients=selectors.side_party(challenge, challenge.poster, "").signatories,
           event="projects.undertaking_requested", params={"challenge": challenge},
           url=_url("challenge-detail", challenge.pk))
    return undertaking


@transaction.atomic
def undertaking_decide(*, actor, undertaking: Undertaking, accept: bool) -> Undertaking:
    undertaking = Undertaking.objects.select_for_update(of=("self",)).select_related("challenge").get(pk=undertaking.pk)
    require(actor, "projects.change_challenge", undertaking.challenge,
            _("Only the posting side decides on confidentiality undertakings."))
    if undertaking.status != Undertaking.Status.REQUESTED:
        raise ValidationError(_("This undertaking has already been decided."))
    undertaking.status = Undertaking.Status.ACCEPTED if accept else Undertaking.Status.DECLINED
    undertaking.decided_by = actor
    undertaking.decided_at = timezone.now()
    undertaking.save()
    audit_log(actor=actor, action=f"undertaking.{undertaking.status}", target=undertaking.challenge,
              user=str(undertaking.user))
    notify(recipients=[undertaking.user], event="projects.undertaking_decided",
           params={"challenge": undertaking.challenge, "status": undertaking.status},
           url=_url("challenge-detail", undertaking.challenge_id))
    return undertaking


# Topic (校企共同凝练课题)


@transaction.atomic
def topic_save(*, actor, challenge: Challenge, title: str, objectives: str, deliverables: str) -> Topic:
    challenge = _lock(challenge)
    require(actor, "projects.refine_challenge", challenge, _("Only the two sides refine the topic."))
    if challenge.status != S.PUBLISHED:
        raise ValidationError(_("A topic is refined from a published challenge."))
    errors = {k: _("This field is required.") for k, v in
              {"title": title, "objectives": objectives, "deliverables": deliverables}.items() if not (v or "").strip()}
    if errors:
        raise ValidationError(errors)
    topic = Topic.objects.filter(challenge=challenge).first()
    if topic and topic.status == Topic.Status.PENDING:
        raise ValidationError(_("The topic is awaiting signatures and cannot be edited."))
    if topic is None:
        topic = Topic(challenge=challenge, created_by=actor)
    topic.title, topic.objectives, topic.deliverables = title.strip(), objectives.strip(), deliverables.strip()
    topic.save()
    audit_log(actor=actor, action="topic.save", target=challenge)
    return topic


@transaction.atomic
def topic_submit(*, actor, challenge: Challenge) -> SignoffRequest:
    """Send the refined topic to both sides for dual sign-off."""
    challenge = _lock(challenge)
    require(actor, "projects.refine_challenge", challenge, _("Only the two sides refine the topic."))
    if challenge.status != S.PUBLISHED:
        raise ValidationError(_("A topic is refined from a published challenge."))
    topic = Topic.objects.filter(challenge=challenge).first()
    if topic is None:
        raise ValidationError(_("Write the topic before sending it for signatures."))
    if topic.status != Topic.Status.DRAFT:
        raise ValidationError(_("The topic is already awaiting signatures."))
    if challenge.partner is None:
        raise ValidationError(_("Choose a co-refining partner for this challenge first."))
    request = signoff_open(
        actor=actor, target=challenge, kind="projects.topic_approval",
        title=_("Topic approval: %(title)s") % {"title": topic.title}, parties=selectors.refinement_parties(challenge),
        summary=topic.objectives, url=_url("challenge-detail", challenge.pk),
    )
    topic.status = Topic.Status.PENDING
    topic.save(update_fields=["status"])
    return request


def topic_approved(request: SignoffRequest) -> None:
    challenge = _lock(request.target)
    Topic.objects.filter(challenge=challenge).update(status=Topic.Status.APPROVED)
    _move(challenge, S.REFINED, actor=None, signoff=request.pk)


def topic_sent_back(request: SignoffRequest) -> None:
    Topic.objects.filter(challenge_id=request.target_id).update(status=Topic.Status.DRAFT)


# Call for bids (揭榜挂帅)


def _validate_criteria(criteria) -> list[dict]:
    if not isinstance(criteria, list) or not criteria:
        raise ValidationError({"criteria": _("State at least one scoring criterion.")})
    cleaned = []
    for item in criteria:
        name = str((item or {}).get("name", "")).strip() if isinstance(item, dict) else ""
        try:
            weight = int(item.get("weight")) if isinstance(item, dict) else 0
        except (TypeError, ValueError):
            weight = 0
        if not name or weight <= 0:
            raise ValidationError({"criteria": _("Every criterion needs a name and a positive weight.")})
        cleaned.append({"name": name, "weight": weight})
    if sum(c["weight"] for c in cleaned) != 100:
        raise ValidationError({"criteria": _("The criteria weights must add up to 100.")})
    if len({c["name"] for c in cleaned}) != len(cleaned):
        raise ValidationError({"criteria": _("Criterion names must be different.")})
    return cleaned


def _validate_stage_rules(rules) -> dict:
    """Staged review rules: formal check → expert review (weight, how many advance) → optional defence (weight,
    who scores: the panel of both sides, or also the outside experts). Weights add up to 100."""
    if not isinstance(rules, dict) or not isinstance(rules.get("expert_review"), dict):
        raise ValidationError({"stage_rules": _("State the expert review's weight and how many teams advance.")})
    expert, defence = rules["expert_review"], rules.get("defence")
    try:
        cleaned = {"expert_review": {"weight": int(expert.get("weight")), "advance": int(expert.get("advance"))}}
        if defence:
            cleaned["defence"] = {"weight": int(defence.get("weight")), "scorers": str(defence.get("scorers", "panel"))}
    except (TypeError, ValueError, AttributeError):
        raise ValidationError({"stage_rules": _("Weights and the number advancing are whole numbers.")})
    if cleaned["expert_review"]["advance"] < 1:
        raise ValidationError({"stage_rules": _("At least one team advances from the expert review.")})
    weights = [stage["weight"] for stage in cleaned.values()]
    if any(w <= 0 for w in weights) or sum(weights) != 100:
        raise ValidationError({"stage_rules": _("The weights of the scored stages must add up to 100.")})
    if defence and cleaned["defence"]["scorers"] not in DEFENCE_SCORERS:
        raise ValidationError({"stage_rules": _("The defence is scored by the panel, or by the panel and the outside "
                                                "experts.")})
    return cleaned


def _validate_match(challenge: Challenge, ratio, cap):
    """The 1+1 matched-funding rule of a government-led call: both a ratio and a cap, or neither."""
    if ratio in (None, "") and cap in (None, ""):
        return None, None
    if challenge.mode != Mode.GOVERNMENT_LED or not challenge.subsidy:
        raise ValidationError({"match_ratio": _("Only a government-led call with a subsidy has a matched-funding "
                                                "rule.")})
    try:
        ratio, cap = Decimal(str(ratio)), Decimal(str(cap))
    except (InvalidOperation, TypeError):
        raise ValidationError({"match_ratio": _("Give the matched-funding ratio and its cap as numbers.")})
    if not (0 < ratio <= 100) or cap <= 0:
        raise ValidationError({"match_ratio": _("The ratio and the cap of the matched-funding rule must be positive.")})
    return ratio.quantize(Decimal("0.01")), cap.quantize(Decimal("0.01"))


DEFENCE_SCORERS = {"panel", "panel_and_experts"}
MAX_WINNERS = 10


@transaction.atomic
def call_open(*, actor, challenge: Challenge, closes_on: date, criteria: list, panel: list,
              organisation_conflicts: bool = False, questions_close_on: date | None = None,
              stage_rules: dict | None = None, winners: int = 1, match_ratio=None, match_cap=None) -> Call:
    """Open the call on a refined topic; `panel` lists users, with members from both sides.

    With `organisation_conflicts`, panel members of a bidding team's organisation are recused too.
    """
    challenge = _lock(challenge)
    require(actor, "projects.change_challenge", challenge)
    if challenge.status != S.REFINED:
        raise ValidationError(_("A call opens once the topic has been refined and approved."))
    if closes_on is None or closes_on < timezone.localdate():
        raise ValidationError({"closes_on": _("The closing date cannot be in the past.")})
    if questions_close_on is not None and not timezone.localdate() <= questions_close_on <= closes_on:
        raise ValidationError({"questions_close_on": _("Questions close between today and the day bids close.")})
    criteria = _validate_criteria(criteria)
    if not isinstance(winners, int) or not 1 <= winners <= MAX_WINNERS:
        raise ValidationError({"winners": _("A call awards from 1 to %(n)s teams.") % {"n": MAX_WINNERS}})
    stage_rules = _validate_stage_rules(stage_rules) if stage_rules else {}
    match_ratio, match_cap = _validate_match(challenge, match_ratio, match_cap)
    sides = {}
    for user in panel:
        for party in selectors.refinement_parties(challenge):
            if selectors.can_sign_for(user, party) or _belongs(user, party.organisation):
                sides.setdefault(user.pk, party.organisation)
                break
        else:
            raise ValidationError({"panel": _("%(user)s belongs to neither side of this challenge.") % {"user": user}})
    if len(set(o.pk for o in sides.values())) < 2:
        raise ValidationError({"panel": _("The scoring panel needs members from both sides.")})
    call = Call.objects.create(challenge=challenge, closes_on=closes_on, criteria=criteria,
                               organisation_conflicts=bool(organisation_conflicts),
                               questions_close_on=questions_close_on, stage_rules=stage_rules, winners=winners,
                               match_ratio=match_ratio, match_cap=match_cap)
    for user in panel:
        PanelMember.objects.get_or_create(call=call, user=user, defaults={"organisation": sides[user.pk]})
    _move(challenge, S.OPEN, actor=actor, closes_on=str(closes_on))
    notify(recipients=panel, event="projects.call_opened", params={"challenge": challenge},
           url=_url("challenge-detail", challenge.pk))
    return call


def _belongs(user, organisation) -> bool:
    memberships = Membership.objects.active().filter(user=user)
    return (memberships.filter(organisation=organisation).exists()
            or memberships.filter(organisation__parent=organisation).exists())


def _lock_call(call: Call) -> Call:
    return Call.objects.select_for_update(of=("self",)).select_related("challenge").get(pk=call.pk)


@transaction.atomic
def call_close(*, actor, call: Call) -> Call:
    call = _lock_call(call)
    require(actor, "projects.change_challenge", call.challenge)
    if call.status != Call.Status.OPEN:
        raise ValidationError(_("This call is not open."))
    call.status = Call.Status.CLOSED
    call.save(update_fields=["status"])
    audit_log(actor=actor, action="call.close", target=call.challenge)
    return call


@transaction.atomic
def bid_submit(*, actor, call: Call, organisation: Organisation, team_name: str, approach: str, plan: str,
               budget, members=()) -> Bid:
    """揭榜: the actor bids as lead PI (帅) for `organisation`; `members` is [(user, role)]."""
    call = _lock_call(call)
    challenge = call.challenge
    if not actor.has_perm("projects.view_challenge", challenge):
        raise PermissionDenied(_("You cannot see this challenge."))
    if call.status != Call.Status.OPEN or challenge.status != S.OPEN or call.closes_on < timezone.localdate():
        raise ValidationError(_("This call is closed; bids are no longer accepted."))
    if organisation.kind not in BIDDER_KINDS_BY_MODE[challenge.mode]:
        raise ValidationError({"organisation": _("A %(kind)s cannot bid on a %(mode)s call.") % {
            "kind": organisation.get_kind_display(), "mode": Mode(challenge.mode).label}})
    if organisation.pk in {challenge.poster_id, challenge.poster.parent_id}:
        raise ValidationError({"organisation": _("The posting organisation cannot bid on its own call.")})
    if not (Membership.objects.active().filter(user=actor, organisation=organisation, role__in=BIDDER_ROLES).exists()
            or Membership.objects.active().filter(user=actor, organisation__parent=organisation,
                                                  role__in=BIDDER_ROLES).exists()):
        raise PermissionDenied(_("You can only lead a bid for an organisation where you are a researcher "
                                 "or R&D manager."))
    if call.bids.filter(lead=actor).exclude(status=Bid.Status.WITHDRAWN).exists():
        raise ValidationError(_("Your team has already bid on this call."))
    errors = {k: _("This field is required.") for k, v in
              {"team_name": team_name, "approach": approach, "plan": plan}.items() if not (v or "").strip()}
    if errors:
        raise ValidationError(errors)
    amount = _money(budget, "budget")
    if challenge.budget_max and amount > challenge.budget_max:
        raise ValidationError({"budget": _("The requested budget exceeds the challenge's budget ceiling "
                                           "(%(max)s).") % {"max": format_money(challenge.budget_max)}})
    Bid.objects.filter(call=call, lead=actor, status=Bid.Status.WITHDRAWN).delete()
    bid = Bid.objects.create(call=call, organisation=organisation, lead=actor, team_name=team_name.strip(),
                             approach=approach.strip(), plan=plan.strip(), budget=amount)
    for user, role in members:
        if user.pk == actor.pk:
            continue
        if role not in BidMember.Role.values:
            raise ValidationError({"members": _("Unknown team role.")})
        if role in selectors.TEAM_ROLES and not selectors.team_candidates([organisation.pk], role).filter(
                pk=user.pk).exists():
            raise ValidationError({"members": _("%(user)s cannot join the team as %(role)s: they hold no such role "
                                                "in %(organisation)s.") % {
                "user": user, "role": BidMember.Role(role).label, "organisation": organisation}})
        BidMember.objects.get_or_create(bid=bid, user=user, defaults={"role": role})
    audit_log(actor=actor, action="bid.submit", target=challenge, bid=bid.pk, team=bid.team_name)
    conflicted = _void_conflicted_scores(call, actor=actor)
    reviewers = selectors.side_party(challenge, challenge.poster, "").signatories + [
        p.user for p in call.panel.all() if p.pk not in conflicted]
    notify(recipients=reviewers, event="projects.new_bid", params={"challenge": challenge, "team": bid.team_name},
           url=_url("bid-detail", bid.pk))
    return bid


# Questions and clarifications (答疑澄清)

QUESTION_MAX_CHARS = 4000


@transaction.atomic
def question_ask(*, actor, call: Call, text: str) -> CallQuestion:
    """A bidder (or a team that may bid) asks the posting side privately, until questions close."""
    call = _lock_call(call)
    challenge = call.challenge
    if not actor.has_perm("projects.view_challenge", challenge):
        raise PermissionDenied(_("You cannot see this challenge."))
    if not (selectors.bidding_organisations(actor, challenge).exists()
            or call.bids.filter(Q(lead=actor) | Q(members__user=actor)).exists()):
        raise PermissionDenied(_("Only teams that may bid on this call ask questions."))
    last_day = call.questions_close_on or call.closes_on
    if challenge.status != S.OPEN or not selectors.may_ask_questions(actor, call):
        raise ValidationError(_("Questions on this call closed on %(day)s.") % {"day": last_day.isoformat()})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write your question.")})
    if len(text) > QUESTION_MAX_CHARS:
        raise ValidationError({"text": _("A question may be at most %(n)s characters.") % {"n": QUESTION_MAX_CHARS}})
    question = CallQuestion.objects.create(call=call, asked_by=actor, text=text)
    audit_log(actor=actor, action="question.ask", target=challenge, question=question.pk)
    notify(recipients=selectors.side_party(challenge, challenge.poster, "").signatories,
           event="projects.question_asked", params={"challenge": challenge},
           url=_url("challenge-detail", challenge.pk))
    return question


@transaction.atomic
def question_answer(*, actor, question: CallQuestion, answer: str, public: bool,
                    public_text: str = "") -> CallQuestion:
    """The posting side answers once: to the asker alone, or to all bidders with the question anonymised."""
    question = CallQuestion.objects.select_for_update(of=("self",)).select_related("call__challenge").get(
        pk=question.pk)
    call = question.call
    challenge = call.challenge
    require(actor, "projects.change_challenge", challenge, _("Only the posting side answers questions."))
    if question.answered_at is not None:
        raise ValidationError(_("This question has already been answered."))
    if call.status == Call.Status.AWARDED:
        raise ValidationError(_("This call has been awarded; its questions are closed."))
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": _("Write the answer.")})
    if len(answer) > QUESTION_MAX_CHARS or len(public_text or "") > QUESTION_MAX_CHARS:
        raise ValidationError({"answer": _("An answer may be at most %(n)s characters.") % {"n": QUESTION_MAX_CHARS}})
    question.answer, question.is_public = answer, bool(public)
    question.public_text = (public_text or "").strip() if public else ""
    question.answered_by, question.answered_at = actor, timezone.now()
    question.save()
    audit_log(actor=actor, action="question.answer", target=challenge, question=question.pk,
              public=question.is_public)
    if question.is_public:
        bidders = {u for bid in call.bids.exclude(status=Bid.Status.WITHDRAWN).select_related("lead")
                   .prefetch_related("members__user") for u in [bid.lead, *[m.user for m in bid.members.all()]]}
        askers = set(get_user_model().objects.filter(call_questions__call=call).distinct())
        notify(recipients=sorted(bidders | askers, key=lambda u: u.pk), event="projects.clarification_published",
               params={"challenge": challenge}, url=_url("challenge-detail", challenge.pk))
    else:
        notify(recipients=[question.asked_by], event="projects.question_answered", params={"challenge": challenge},
               url=_url("challenge-detail", challenge.pk))
    return question


@transaction.atomic
def bid_withdraw(*, actor, bid: Bid) -> Bid:
    bid = Bid.objects.select_for_update().get(pk=bid.pk)
    if bid.lead_id != actor.pk:
        raise PermissionDenied(_("Only the lead PI can withdraw the bid."))
    if bid.status != Bid.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted bid can be withdrawn."))
    bid.status = Bid.Status.WITHDRAWN
    bid.save(update_fields=["status"])
    audit_log(actor=actor, action="bid.withdraw", target=bid.call.challenge, bid=bid.pk)
    return bid


@transaction.atomic
def bid_score(*, actor, bid: Bid, scores: dict, comment: str = "") -> BidScore:
    """A panel member scores a bid 0–100 on every stated criterion; the weighted total is stored."""
    bid = Bid.objects.select_related("call").get(pk=bid.pk)
    call = bid.call
    if not call.panel.filter(user=actor).exists():
        raise PermissionDenied(_("Only members of the scoring panel score bids."))
    if conflicts.is_conflicted(actor, call):
        raise PermissionDenied(_("You have a stake in a bid of this call, so you are recused from scoring "
                                 "its bids."))
    require(actor, "projects.score_call", call, _("Only members of the scoring panel score bids."))
    if call.status == Call.Status.AWARDED or bid.status not in {Bid.Status.SUBMITTED, Bid.Status.PROPOSED}:
        raise ValidationError(_("This bid can no longer be scored."))
    stage = _scoring_stage(call, bid, call.panel.get(user=actor))
    cleaned = {}
    for criterion in call.criteria:
        raw = (scores or {}).get(criterion["name"])
        try:
            value = Decimal(str(raw))
        except (InvalidOperation, TypeError):
            raise ValidationError({"scores": _("Score “%(name)s” from 0 to 100.") % {"name": criterion["name"]}})
        if not 0 <= value <= 100:
            raise ValidationError({"scores": _("Score “%(name)s” from 0 to 100.") % {"name": criterion["name"]}})
        cleaned[criterion["name"]] = float(value)
    total = sum(Decimal(str(cleaned[c["name"]])) * c["weight"] for c in call.criteria) / 100
    panelist = call.panel.filter(user=actor).first()
    if panelist is None:  # staff pass `require` (superusers hold every permission) but sit on no panel
        raise PermissionDenied(_("Only members of the scoring panel score bids."))
    score, _created = BidScore.objects.update_or_create(
        bid=bid, panelist=panelist, stage=stage, defaults={"scores": cleaned, "total": total.quantize(Decimal("0.01")),
                                              "comment": comment.strip()})
    audit_log(actor=actor, action="bid.score", target=call.challenge, bid=bid.pk, total=str(score.total),
              stage=stage)
    return score


def _scoring_stage(call: Call, bid: Bid, panelist: PanelMember) -> str:
    """The stage a panel member's score on this bid counts for, or a refusal (who scores what, when)."""
    if panelist.is_outside_expert and not panelist.assigned_bids.filter(pk=bid.pk).exists():
        raise PermissionDenied(_("You review only the bids assigned to you."))
    if not call.stage_rules:
        return BidScore.Stage.EXPERT_REVIEW
    if call.stage == Call.Stage.EXPERT_REVIEW:
        if bid.formal_check != Bid.FormalCheck.PASSED:
            raise ValidationError(_("Only bids that passed the formal check are scored."))
        return BidScore.Stage.EXPERT_REVIEW
    if call.stage == Call.Stage.DEFENCE:
        if not bid.shortlisted:
            raise ValidationError(_("Only shortlisted teams are scored at the defence."))
        if panelist.is_outside_expert and call.stage_rules["defence"]["scorers"] != "panel_and_experts":
            raise PermissionDenied(_("The panel of both sides scores the defence; outside experts do not."))
        return BidScore.Stage.DEFENCE
    raise ValidationError(_("No scores are taken at the stage “%(stage)s”.") % {"stage": call.get_stage_display()})


@transaction.atomic
def award_propose(*, actor, bid: Bid | None = None, bids=()) -> SignoffRequest:
    """Propose the award to one bid or, where the call allows several winners (赛马制), to several; it takes
    effect by dual sign-off (poster + partner). The winners' budgets together stay within the challenge's."""
    chosen_ids = sorted({b.pk for b in ([bid] if bid is not None else []) + list(bids)})
    if not chosen_ids:
        raise ValidationError({"bids": _("Choose the team to award.")})
    first = Bid.objects.select_related("call__challenge").get(pk=chosen_ids[0])
    call = _lock_call(first.call)
    challenge = call.challenge
    require(actor, "projects.change_challenge", challenge, _("Only the posting side proposes the award."))
    chosen = list(Bid.objects.select_for_update(of=("self",)).filter(pk__in=chosen_ids, call=call)
                  .select_related("lead", "organisation").order_by("pk"))
    if len(chosen) != len(chosen_ids):
        raise ValidationError({"bids": _("Only bids of this call can be awarded.")})
    if challenge.status != S.OPEN:
        raise ValidationError(_("Only a call that is open for bids can be awarded."))
    if any(b.status != Bid.Status.SUBMITTED for b in chosen):
        raise ValidationError(_("Only a submitted bid can be proposed for award."))
    if call.stage_rules and (call.stage != Call.Stage.AWARD or not all(b.shortlisted for b in chosen)):
        raise ValidationError(_("In a staged review the award goes to a shortlisted team once the review reaches "
                                "the award stage."))
    if len(chosen) > call.winners:
        raise ValidationError({"bids": _("This call awards at most %(n)s teams.") % {"n": call.winners}})
    total = sum((b.budget for b in chosen), Decimal(0))
    if challenge.budget_max and total > challenge.budget_max:
        raise ValidationError({"bids": _("The winners' budgets add up to %(total)s, above the challenge's budget "
                                         "(%(max)s).") % {"total": format_money(total),
                                                          "max": format_money(challenge.budget_max)}})
    undeclared = conflicts.undeclared_stakes(call)
    if undeclared:
        panelist, stake_bid, stake = undeclared[0]
        raise ValidationError(_("%(user)s has a stake in the bid of %(team)s (%(stake)s) and has not declared it; "
                                "the award waits for the declaration.") % {
            "user": panelist.user, "team": stake_bid.team_name, "stake": ConflictDeclaration.Stake(stake).label})
    if call.status == Call.Status.OPEN:
        call.status = Call.Status.CLOSED  # proposing an award ends the bidding
        call.save(update_fields=["status"])
    teams = pgettext("list separator", ", ").join(b.team_name for b in chosen)
    request = signoff_open(
        actor=actor, target=call, kind="projects.bid_award",
        title=_("Award: %(title)s → %(team)s") % {"title": challenge.title_zh, "team": teams},
        parties=selectors.refinement_parties(challenge), payload={"bid": chosen[0].pk, "bids": chosen_ids},
        summary=_("; ").join(_("Lead PI %(lead)s, %(org)s, budget %(budget)s.") % {
            "lead": b.lead, "org": b.organisation, "budget": format_money(b.budget)} for b in chosen),
        url=_url("bid-detail", chosen[0].pk),
    )
    Bid.objects.filter(pk__in=chosen_ids).update(status=Bid.Status.PROPOSED)
    for b in chosen:
        audit_log(actor=actor, action="bid.propose_award", target=challenge, bid=b.pk)
    return request


# Staged review (形式审查 → 专家评审 → 入围 → 答辩 → 授榜)

CALL_STAGES: dict[str, set[str]] = {
    Call.Stage.BIDDING: {Call.Stage.FORMAL_CHECK},
    Call.Stage.FORMAL_CHECK: {Call.Stage.EXPERT_REVIEW},
    Call.Stage.EXPERT_REVIEW: {Call.Stage.DEFENCE, Call.Stage.AWARD},  # by the shortlist
    Call.Stage.DEFENCE: {Call.Stage.AWARD},
    Call.Stage.AWARD: set(),
}


def _stage_move(call: Call, to: str, *, actor, **data) -> None:
    """The one place a staged call changes review stage."""
    if not call.stage_rules:
        raise ValidationError(_("This call has a single scoring round, without review stages."))
    if to not in CALL_STAGES[call.stage]:
        raise ValidationError(_("The review cannot go from “%(from)s” to “%(to)s”.")
                              % {"from": call.get_stage_display(), "to": Call.Stage(to).label})
    previous, call.stage = call.stage, to
    if call.status == Call.Status.OPEN:
        call.status = Call.Status.CLOSED  # the formal check ends the bidding
    call.save(update_fields=["stage", "status"])
    audit_log(actor=actor, action="call.stage", target=call.challenge, stage=to, previous=previous, **data)


def _live_bids(call: Call):
    return call.bids.exclude(status=Bid.Status.WITHDRAWN)


def _tell_not_selected(challenge, bids) -> None:
    for bid in bids:
        notify(recipients=[bid.lead, *[m.user for m in bid.members.all()]], event="projects.bid_not_selected",
               params={"challenge": challenge, "bid": bid}, url=_url("bid-detail", bid.pk))


@transaction.atomic
def review_advance(*, actor, call: Call) -> Call:
    """Next stage: bidding → formal check → expert review; defence → award (the shortlist moves on from the
    expert review). Each move checks the previous stage is complete."""
    call = _lock_call(call)
    challenge = call.challenge
    require(actor, "projects.change_challenge", challenge, _("Only the posting side runs the review."))
    if call.stage == Call.Stage.BIDDING:
        if not _live_bids(call).exists():
            raise ValidationError(_("No team has bid; there is nothing to review."))
        _stage_move(call, Call.Stage.FORMAL_CHECK, actor=actor)
    elif call.stage == Call.Stage.FORMAL_CHECK:
        live = _live_bids(call)
        if live.filter(formal_check=Bid.FormalCheck.PENDING).exists():
            raise ValidationError(_("Check every bid before the expert review starts."))
        if not live.filter(formal_check=Bid.FormalCheck.PASSED).exists():
            raise ValidationError(_("No bid passed the formal check."))
        failed = list(live.filter(formal_check=Bid.FormalCheck.FAILED, status=Bid.Status.SUBMITTED)
                      .select_related("lead").prefetch_related("members__user"))
        Bid.objects.filter(pk__in=[b.pk for b in failed]).update(status=Bid.Status.NOT_SELECTED)
        _stage_move(call, Call.Stage.EXPERT_REVIEW, actor=actor, failed=len(failed))
        _tell_not_selected(challenge, failed)
    elif call.stage == Call.Stage.DEFENCE:
        shortlisted = _live_bids(call).filter(shortlisted=True)
        if shortlisted.filter(defence_at__isnull=True).exists():
            raise ValidationError(_("Give every shortlisted team a defence slot first."))
        if shortlisted.exclude(scores__stage=BidScore.Stage.DEFENCE).exists():
            raise ValidationError(_("Every shortlisted team needs defence scores first."))
        _stage_move(call, Call.Stage.AWARD, actor=actor)
    else:
        raise ValidationError(_("The review cannot go on from “%(stage)s” this way.")
                              % {"stage": call.get_stage_display()})
    return call


@transaction.atomic
def formal_check_record(*, actor, bid: Bid, passed: bool, note: str = "") -> Bid:
    """形式审查: the posting side passes or fails a bid (a failure needs its reason); the team is told."""
    bid = Bid.objects.select_for_update(of=("self",)).select_related("call__challenge").get(pk=bid.pk)
    call, challenge = bid.call, bid.call.challenge
    require(actor, "projects.change_challenge", challenge, _("Only the posting side runs the formal check."))
    if call.stage != Call.Stage.FORMAL_CHECK:
        raise ValidationError(_("The formal check is done at the formal-check stage."))
    if bid.status == Bid.Status.WITHDRAWN:
        raise ValidationError(_("This bid was withdrawn."))
    note = (note or "").strip()
    if not passed and not note:
        raise ValidationError({"note": _("Give the reason the bid fails the formal check.")})
    bid.formal_check = Bid.FormalCheck.PASSED if passed else Bid.FormalCheck.FAILED
    bid.formal_note = note
    bid.save(update_fields=["formal_check", "formal_note"])
    audit_log(actor=actor, action="bid.formal_check", target=challenge, bid=bid.pk, result=bid.formal_check,
              note=note)
    notify(recipients=[bid.lead, *[m.user for m in bid.members.all()]], event="projects.formal_check",
           params={"challenge": challenge, "result": bid.formal_check}, url=_url("bid-detail", bid.pk))
    return bid


@transaction.atomic
def shortlist(*, actor, call: Call, bids) -> Call:
    """入围: the posting side picks the teams that advance, no more than the call's rule allows."""
    call = _lock_call(call)
    challenge = call.challenge
    require(actor, "projects.change_challenge", challenge, _("Only the posting side runs the review."))
    if call.stage != Call.Stage.EXPERT_REVIEW:
        raise ValidationError(_("The shortlist is drawn at the end of the expert review."))
    chosen = list(_live_bids(call).filter(pk__in=[b.pk for b in bids], formal_check=Bid.FormalCheck.PASSED))
    if len(chosen) != len({b.pk for b in bids}):
        raise ValidationError({"bids": _("Only bids of this call that passed the formal check can be shortlisted.")})
    allowed = call.stage_rules["expert_review"]["advance"]
    if not chosen:
        raise ValidationError({"bids": _("Shortlist at least one team.")})
    if len(chosen) > allowed:
        raise ValidationError({"bids": _("The call's rule lets at most %(n)s teams advance; you chose %(chosen)s.")
                               % {"n": allowed, "chosen": len(chosen)}})
    Bid.objects.filter(pk__in=[b.pk for b in chosen]).update(shortlisted=True)
    dropped = list(_live_bids(call).filter(status=Bid.Status.SUBMITTED, formal_check=Bid.FormalCheck.PASSED)
                   .exclude(pk__in=[b.pk for b in chosen]).select_related("lead").prefetch_related("members__user"))
    Bid.objects.filter(pk__in=[b.pk for b in dropped]).update(status=Bid.Status.NOT_SELECTED)
    next_stage = Call.Stage.DEFENCE if "defence" in call.stage_rules else Call.Stage.AWARD
    _stage_move(call, next_stage, actor=actor, shortlisted=[b.pk for b in chosen])
    _tell_not_selected(challenge, dropped)
    for bid in chosen:
        notify(recipients=[bid.lead, *[m.user for m in bid.members.all()]], event="projects.shortlisted",
               params={"challenge": challenge}, url=_url("bid-detail", bid.pk))
    return call


@transaction.atomic
def defence_schedule(*, actor, bid: Bid, at, place: str) -> Bid:
    """答辩: one slot per shortlisted team; two teams never share a slot."""
    bid = Bid.objects.select_for_update(of=("self",)).select_related("call__challenge").get(pk=bid.pk)
    call = _lock_call(bid.call)
    challenge = call.challenge
    require(actor, "projects.change_challenge", challenge, _("Only the posting side schedules the defence."))
    if call.stage != Call.Stage.DEFENCE or not bid.shortlisted:
        raise ValidationError(_("Defence slots are given to shortlisted teams at the defence stage."))
    if at is None or at <= timezone.now():
        raise ValidationError({"at": _("The defence slot must be in the future.")})
    place = (place or "").strip()
    if not place:
        raise ValidationError({"place": _("Say where the defence takes place.")})
    if call.bids.filter(defence_at=at).exclude(pk=bid.pk).exists():
        raise ValidationError({"at": _("Another team already has this slot.")})
    bid.defence_at, bid.defence_place = at, place[:200]
    bid.save(update_fields=["defence_at", "defence_place"])
    audit_log(actor=actor, action="bid.defence_slot", target=challenge, bid=bid.pk, at=at.isoformat(), place=place)
    notify(recipients=[bid.lead, *[m.user for m in bid.members.all()]], event="projects.defence_scheduled",
           params={"challenge": challenge, "at": timezone.localtime(at).strftime("%Y-%m-%d %H:%M"), "place": place}, url=_url("bid-detail", bid.pk))
    return bid


@transaction.atomic
def expert_invite(*, actor, call: Call, user, bids) -> PanelMember:
    """An outside expert (from the talent pool, or anyone outside both sides) reviews only the bids assigned."""
    call = _lock_call(call)
    challenge = call.challenge
    require(actor, "projects.change_challenge", challenge, _("Only the posting side invites outside experts."))
    if call.status == Call.Status.AWARDED or call.stage == Call.Stage.AWARD:
        raise ValidationError(_("The review of this call is over."))
    if call.panel.filter(user=user).exists():
        raise ValidationError({"user": _("%(user)s already sits on this panel.") % {"user": user}})
    if any(_belongs(user, party.organisation) for party in selectors.refinement_parties(challenge)):
        raise ValidationError({"user": _("%(user)s belongs to a side of this challenge; an outside expert does "
                                         "not.") % {"user": user}})
    assigned = list(_live_bids(call).filter(pk__in=[b.pk for b in bids]))
    if not assigned or len(assigned) != len({b.pk for b in bids}):
        raise ValidationError({"bids": _("Assign the expert at least one bid of this call.")})
    if conflicts.detected_stakes(user, call):
        raise ValidationError({"bids": _("%(user)s has a stake in a bid of this call.") % {"user": user}})
    panelist = PanelMember.objects.create(call=call, user=user, organisation=None, is_outside_expert=True)
    panelist.assigned_bids.set(assigned)
    audit_log(actor=actor, action="call.expert_invite", target=challenge, expert=str(user),
              bids=[b.pk for b in assigned])
    notify(recipients=[user], event="projects.expert_invited", params={"challenge": challenge},
           url=_url("challenge-detail", challenge.pk))
    return panelist


def _void_conflicted_scores(call: Call, *, actor) -> set[int]:
    """Scores given in this call by panel members now conflicted in it no longer count: delete them.

    The audit keeps what was scored (bid.score) and that it was voided. Returns the conflicted panel
    member ids.
    """
    conflicted = conflicts.conflicted_panelists(call)
    voided = BidScore.objects.filter(bid__call=call, panelist__in=conflicted)
    for score in voided.select_related("panelist__user"):
        audit_log(actor=actor, action="bid.score_voided", target=call.challenge, bid=score.bid_id,
                  panelist=str(score.panelist.user), total=str(score.total))
    voided.delete()
    return {p.pk for p in conflicted}


@transaction.atomic
def conflict_declare(*, actor, bid: Bid, stake: str, note: str = "") -> ConflictDeclaration:
    """利益冲突声明: a panel member declares a stake in a bid and is recused from the call's review."""
    bid = Bid.objects.select_related("call__challenge").get(pk=bid.pk)
    call = _lock_call(bid.call)
    if not call.panel.filter(user=actor).exists():
        raise PermissionDenied(_("Only members of the scoring panel declare conflicts of interest."))
    if call.status == Call.Status.AWARDED:
        raise ValidationError(_("This call has been awarded; its review is over."))
    if stake not in ConflictDeclaration.Stake.values:
        raise ValidationError({"stake": _("Choose the kind of stake.")})
    detected = {(b.pk, kind) for b, kind in conflicts.detected_stakes(actor, call)}
    if stake != ConflictDeclaration.Stake.OTHER and (bid.pk, stake) not in detected:
        raise ValidationError({"stake": _("The records show no such stake; choose “other interest” and "
                                          "describe it.")})
    note = (note or "").strip()
    if stake == ConflictDeclaration.Stake.OTHER and not note:
        raise ValidationError({"note": _("Describe the interest.")})
    if call.conflicts.filter(user=actor, bid=bid).exists():
        raise ValidationError(_("You have already declared a conflict of interest on this bid."))
    declaration = ConflictDeclaration.objects.create(call=call, user=actor, bid=bid, stake=stake, note=note)
    audit_log(actor=actor, action="conflict.declare", target=call.challenge, bid=bid.pk, stake=stake, note=note)
    _void_conflicted_scores(call, actor=actor)
    challenge = call.challenge
    team = [bid.lead, *[m.user for m in bid.members.all()]]
    sides = [u for party in selectors.refinement_parties(challenge) for u in party.signatories]
    notify(recipients=[u for u in {*sides, *team} if u.pk != actor.pk],
           event="projects.conflict_declared", params={"challenge": challenge, "panelist": str(actor)},
           url=_url("challenge-detail", challenge.pk))
    return declaration


def _awarded_ids(request: SignoffRequest) -> list[int]:
    return request.payload.get("bids") or [request.payload["bid"]]


def bid_awarded(request: SignoffRequest) -> None:
    """Each winner gets its own project, budget and milestones (赛马制 when there are several)."""
    call = Call.objects.select_for_update().get(pk=request.target_id)
    challenge = _lock(call.challenge)
    winners = list(Bid.objects.select_for_update().filter(pk__in=_awarded_ids(request), call=call).order_by("pk"))
    Bid.objects.filter(pk__in=[b.pk for b in winners]).update(status=Bid.Status.AWARDED)
    call.status = Call.Status.AWARDED
    call.save(update_fields=["status"])
    losers = list(call.bids.filter(status=Bid.Status.SUBMITTED).select_related("lead"))
    call.bids.filter(status=Bid.Status.SUBMITTED).update(status=Bid.Status.NOT_SELECTED)
    title = challenge.topic.title if hasattr(challenge, "topic") else challenge.title_zh
    projects = [Project.objects.create(
        challenge=challenge, bid=bid, title=title if len(winners) == 1 else f"{title}（{bid.team_name}）",
        sponsor=challenge.poster, performer=bid.organisation, lead=bid.lead, budget=bid.budget,
        start_trl=challenge.current_trl, current_trl=challenge.current_trl, target_trl=challenge.target_trl,
    ) for bid in winners]
    _move(challenge, S.AWARDED, actor=None, bid=winners[0].pk, project=projects[0].pk,
          winners=[b.pk for b in winners])
    if challenge.mode == Mode.GOVERNMENT_LED and challenge.subsidy:
        _commit_subsidy(challenge, call, projects)
    for bid, project in zip(winners, projects):
        team = [bid.lead, *[m.user for m in bid.members.all()]]
        notify(recipients=team, event="projects.bid_awarded", params={"challenge": challenge, "project": project},
               url=_url("project-detail", project.pk))
    for loser in losers:
        notify(recipients=[loser.lead, *[m.user for m in loser.members.all()]], event="projects.bid_not_selected",
               params={"challenge": challenge, "bid": loser}, url=_url("bid-detail", loser.pk))


def _commit_subsidy(challenge: Challenge, call: Call, projects: list[Project]) -> None:
    """The agency's subsidy becomes its funding commitment to each winner, split by their budgets
    (capped by the 1+1 rule's cap where the call has one)."""
    from funds import services as funds_services

    total = sum((p.budget for p in projects), Decimal(0))
    left = challenge.subsidy
    for index, project in enumerate(projects):
        share = left if index == len(projects) - 1 else (
            challenge.subsidy * project.budget / total if total else challenge.subsidy / len(projects)
        ).quantize(Decimal("0.01"))
        left -= share
        if call.match_cap is not None:
            share = min(share, call.match_cap)
        if share > 0:
            funds_services.subsidy_commit_on_award(
                source=challenge.poster, project=project, amount=share,
                title=_("Subsidy: %(project)s") % {"project": project.title}, reference=challenge.terms[:100])


@transaction.atomic
def public_tranche_add(*, actor, project: Project, title: str, amount, milestone: Milestone | None = None,
                       due_on=None):
    """Schedule a tranche of the agency's subsidy; under the 1+1 rule the public tranches never exceed the
    ratio times what the enterprise committed to the project, nor the cap."""
    from funds import services as funds_services

    project = _lock_project(project)
    funding = selectors.matched_funding(project)
    if funding["commitment"] is None:
        raise ValidationError(_("This project has no government subsidy commitment."))
    value = _money(amount, "amount")
    if funding["rule"] and funding["scheduled"] + value > funding["public_share"]:
        raise ValidationError({"amount": _(
            "The 1+1 rule allows %(share)s of public money against the %(enterprise)s the enterprise committed "
            "(ratio %(ratio)s, cap %(cap)s); %(scheduled)s is already scheduled.") % {
            "share": format_money(funding["public_share"]), "enterprise": format_money(funding["enterprise"]),
            "ratio": funding["ratio"], "cap": format_money(funding["cap"]),
            "scheduled": format_money(funding["scheduled"])}})
    return funds_services.tranche_add(actor=actor, commitment=funding["commitment"], title=title, amount=value,
                                      milestone=milestone, due_on=due_on)


def award_signing_refusal(request: SignoffRequest, user) -> str | None:
    """A signatory with a stake in the call's bids (on a team, or declared) does not sign its award: another
    signatory of the side does (利益冲突回避 applies to the award as to the review)."""
    call = Call.objects.filter(pk=request.target_id).first()
    if call is None or not conflicts.is_conflicted(user, call):
        return None
    return _("You have a stake in a bid of this call, so you cannot sign its award; another signatory of your side "
             "signs it.")


def award_sent_back(request: SignoffRequest) -> None:
    Bid.objects.filter(pk__in=_awarded_ids(request), status=Bid.Status.PROPOSED).update(status=Bid.Status.SUBMITTED)


# Project (师生共同答题)


def _lock_project(project: Project) -> Project:
    return Project.objects.select_for_update(of=("self",)).select_related("challenge", "bid").get(pk=project.pk)


@transaction.atomic
def milestone_add(*, actor, project: Project, title: str, deliverables: str, due_on: date, tranche=0) -> Milestone:
    project = _lock_project(project)
    require(actor, "projects.plan_project", project, _("Only the lead PI or the sponsor plans milestones."))
    if project.status not in {Project.Status.PLANNING, Project.Status.IN_PROGRESS}:
        raise ValidationError(_("Milestones can only be added while the project is being planned or run."))
    errors = {k: _("This field is required.") for k, v in
              {"title": title, "deliverables": deliverables}.items() if not (v or "").strip()}
    if due_on is None:
        errors["due_on"] = _("Please set a due date.")
    elif due_on < timezone.localdate():
        errors["due_on"] = _("The due date cannot be in the past.")
    if errors:
        raise ValidationError(errors)
    amount = _money(tranche, "tranche")
    planned = project.milestones.aggregate(total=Sum("tranche"))["total"] or Decimal(0)
    if planned + amount > project.budget:
        raise ValidationError({"tranche": _("The tranches would add up to more than the project budget "
                                            "(%(budget)s).") % {"budget": format_money(project.budget)}})
    milestone = Milestone.objects.create(project=project, title=title.strip(), deliverables=deliverables.strip(),
                                         due_on=due_on, tranche=amount)
    audit_log(actor=actor, action="milestone.add", target=project, milestone=milestone.pk)
    return milestone


@transaction.atomic
def project_start(*, actor, project: Project) -> Project:
    project = _lock_project(project)
    require(actor, "projects.plan_project", project, _("Only the lead PI or the sponsor starts the project."))
    if project.status != Project.Status.PLANNING:
        raise ValidationError(_("The project has already started."))
    if not project.milestones.exists():
        raise ValidationError(_("Plan at least one milestone before starting."))
    project.status = Project.Status.IN_PROGRESS
    project.started_on = timezone.localdate()
    project.save(update_fields=["status", "started_on"])
    challenge = _lock(project.challenge)
    if challenge.status == S.AWARDED:  # the first of several winners to start moves the challenge
        _move(challenge, S.IN_PROGRESS, actor=actor, project=project.pk)
    return project


@transaction.atomic
def milestone_submit(*, actor, milestone: Milestone, report: str) -> SignoffRequest:
    """The lead PI reports a milestone delivered; acceptance is a dual sign-off."""
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    project = _lock_project(milestone.project)
    require(actor, "projects.run_project", project, _("Only the lead PI submits milestones."))
    if project.status != Project.Status.IN_PROGRESS:
        raise ValidationError(_("Milestones are submitted while the project is in progress."))
    if milestone.status != Milestone.Status.PLANNED:
        raise ValidationError(_("This milestone has already been submitted."))
    if not (report or "").strip():
        raise ValidationError({"report": _("Describe what was delivered.")})
    milestone.status = Milestone.Status.SUBMITTED
    milestone.report = report.strip()
    milestone.submitted_at = timezone.now()
    milestone.save(update_fields=["status", "report", "submitted_at"])
    audit_log(actor=actor, action="milestone.submit", target=project, milestone=milestone.pk)
    return signoff_open(
        actor=actor, target=milestone, kind="projects.milestone_acceptance",
        title=_("Milestone acceptance: %(m)s (%(p)s)") % {"m": milestone.title, "p": project.title},
        parties=selectors.delivery_parties(project), summary=milestone.report,
        payload={"tranche": str(milestone.tranche)}, url=_url("project-detail", project.pk),
    )


@transaction.atomic
def milestone_assess(*, actor, milestone: Milestone, score, verdict: str, comment: str = "") -> MilestoneAssessment:
    """阶段考核: a signatory of the sponsor or the performing side scores the submitted milestone and gives the
    side's verdict, once per side and submission; a verdict other than pass says what must change."""
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    project = _lock_project(milestone.project)
    if not actor.has_perm("projects.view_project", project):
        raise PermissionDenied(_("You cannot see this project."))
    side = selectors.evaluation_side_of(actor, project)
    if side is None:
        raise PermissionDenied(_("Only an authorised signatory of the sponsor or the performing side assesses "
                                 "milestones."))
    if milestone.status != Milestone.Status.SUBMITTED:
        raise ValidationError(_("A milestone is assessed while it is submitted for acceptance."))
    if milestone.assessments.filter(submitted_at=milestone.submitted_at, organisation=side).exists():
        raise ValidationError(_("Your side has already assessed this submission."))
    try:
        score = int(score)
    except (TypeError, ValueError):
        raise ValidationError({"score": _("Score from 0 to 100.")})
    if not 0 <= score <= 100:
        raise ValidationError({"score": _("Score from 0 to 100.")})
    if verdict not in MilestoneAssessment.Verdict.values:
        raise ValidationError({"verdict": _("Choose a verdict.")})
    comment = (comment or "").strip()
    if verdict != MilestoneAssessment.Verdict.PASS and not comment:
        raise ValidationError({"comment": _("Say what must change.")})
    assessment = MilestoneAssessment.objects.create(
        milestone=milestone, submitted_at=milestone.submitted_at, organisation=side, assessor=actor, score=score,
        verdict=verdict, comment=comment)
    audit_log(actor=actor, action="milestone.assess", target=project, milestone=milestone.pk, side=str(side),
              score=score, verdict=verdict)
    return assessment


def milestone_accepted(request: SignoffRequest) -> None:
    milestone = Milestone.objects.select_for_update().get(pk=request.target_id)
    milestone.status = Milestone.Status.ACCEPTED
    milestone.accepted_at = timezone.now()
    milestone.save(update_fields=["status", "accepted_at"])
    audit_log(actor=None, action="milestone.accepted", target=milestone.project, milestone=milestone.pk,
              tranche=str(milestone.tranche))


def milestone_sent_back(request: SignoffRequest) -> None:
    Milestone.objects.filter(pk=request.target_id, status=Milestone.Status.SUBMITTED).update(
        status=Milestone.Status.PLANNED)


@transaction.atomic
def trl_record(*, actor, project: Project, trl, evidence: str) -> TrlRecord:
    """Record TRL progress with evidence (1–3 research, 4–6 valley of death, 7–9 industrialisation)."""
    project = _lock_project(project)
    require(actor, "projects.run_project", project, _("Only the lead PI records TRL progress."))
    if project.status not in {Project.Status.IN_PROGRESS, Project.Status.UNDER_EVALUATION}:
        raise ValidationError(_("TRL progress is recorded while the project runs."))
    level = _check_trl(trl, "trl")
    if level < project.current_trl:
        raise ValidationError({"trl": _("TRL cannot go back below the current level (%(trl)s).")
                               % {"trl": project.current_trl}})
    if not (evidence or "").strip():
        raise ValidationError({"evidence": _("Give the evidence for this TRL.")})
    record = TrlRecord.objects.create(project=project, trl=level, evidence=evidence.strip(), recorded_by=actor)
    project.current_trl = level
    project.save(update_fields=["current_trl"])
    audit_log(actor=actor, action="project.trl", target=project, trl=level)
    return record


@transaction.atomic
def budget_change_request(*, actor, project: Project, new_budget, reason: str) -> SignoffRequest:
    project = _lock_project(project)
    require(actor, "projects.plan_project", project, _("Only the lead PI or the sponsor asks for a budget change."))
    if project.status not in {Project.Status.PLANNING, Project.Status.IN_PROGRESS}:
        raise ValidationError(_("The budget can only change while the project is being planned or run."))
    amount = _money(new_budget, "new_budget")
    planned = project.milestones.aggregate(total=Sum("tranche"))["total"] or Decimal(0)
    if amount < planned:
        raise ValidationError({"new_budget": _("The budget cannot be below the milestone tranches already "
                                               "planned (%(total)s).") % {"total": format_money(planned)}})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Please give a reason.")})
    return signoff_open(
        actor=actor, target=project, kind="projects.budget_change",
        title=_("Budget change: %(p)s, %(old)s → %(new)s") % {"p": project.title, "old": format_money(project.budget),
                                                              "new": format_money(amount)},
        parties=selectors.delivery_parties(project), summary=reason.strip(), payload={"budget": str(amount)},
        url=_url("project-detail", project.pk),
    )


def budget_changed(request: SignoffRequest) -> None:
    project = Project.objects.select_for_update().get(pk=request.target_id)
    old = project.budget
    project.budget = Decimal(request.payload["budget"])
    project.save(update_fields=["budget"])
    audit_log(actor=None, action="project.budget", target=project, old=str(old), new=str(project.budget))


@transaction.atomic
def project_submit_for_evaluation(*, actor, project: Project, result_abstract: str) -> Project:
    project = _lock_project(project)
    require(actor, "projects.run_project", project, _("Only the lead PI submits the result."))
    if project.status != Project.Status.IN_PROGRESS:
        raise ValidationError(_("Only a project in progress can be submitted for evaluation."))
    if project.milestones.exclude(status=Milestone.Status.ACCEPTED).exists():
        raise ValidationError(_("Every milestone must be accepted before the final evaluation."))
    if not (result_abstract or "").strip():
        raise ValidationError({"result_abstract": _("Summarise the result.")})
    if project.challenge.projects.exclude(pk=project.pk).exclude(status=Project.Status.CLOSED).exists():
        raise ValidationError(_("Several teams still run this challenge (赛马制): the stage gate keeps one "
                                "before the final evaluation."))
    project.status = Project.Status.UNDER_EVALUATION
    project.result_abstract = result_abstract.strip()
    project.save(update_fields=["status", "result_abstract"])
    _move(_lock(project.challenge), S.UNDER_EVALUATION, actor=actor, project=project.pk)
    people = [u for party in selectors.delivery_parties(project) for u in party.signatories]
    notify(recipients=people, event="projects.evaluation_requested", params={"project": project},
           url=_url("project-detail", project.pk))
    return project


@transaction.atomic
def evaluation_submit(*, actor, project: Project, technical_score: int, application_score: int,
                      management_score: int, comment: str = "") -> Evaluation:
    """校企共同评价: each side scores once; when both have, the result goes to dual sign-off."""
    project = _lock_project(project)
    if not actor.has_perm("projects.view_project", project):
        raise PermissionDenied(_("You cannot see this project."))
    if project.status != Project.Status.UNDER_EVALUATION:
        raise ValidationError(_("The project is not under evaluation."))
    side = selectors.evaluation_side_of(actor, project)
    if side is None:
        raise PermissionDenied(_("Only an authorised signatory of the sponsor or the performing side evaluates."))
    if project.evaluations.filter(organisation=side).exists():
        raise ValidationError(_("Your side has already evaluated this project."))
    scores = {}
    for name, value in {"technical_score": technical_score, "application_score": application_score,
                        "management_score": management_score}.items():
        try:
            scores[name] = int(value)
        except (TypeError, ValueError):
            raise ValidationError({name: _("Score from 0 to 100.")})
        if not 0 <= scores[name] <= 100:
            raise ValidationError({name: _("Score from 0 to 100.")})
    evaluation = Evaluation.objects.create(project=project, organisation=side, evaluator=actor,
                                           comment=(comment or "").strip(), **scores)
    audit_log(actor=actor, action="evaluation.submit", target=project, side=str(side), **scores)
    if project.evaluations.count() == 2:
        summary = _("; ").join(_("%(side)s: %(score)s") % {"side": e.organisation, "score": e.overall}
                               for e in project.evaluations.select_related("organisation"))
        signoff_open(actor=actor, target=project, kind="projects.final_evaluation",
                     title=_("Final evaluation: %(p)s") % {"p": project.title},
                     parties=selectors.delivery_parties(project), summary=summary,
                     url=_url("project-detail", project.pk))
    return evaluation


def evaluation_approved(request: SignoffRequest) -> None:
    project = Project.objects.select_for_update().get(pk=request.target_id)
    project.status = Project.Status.SOLVED
    project.finished_on = timezone.localdate()
    project.save(update_fields=["status", "finished_on"])
    _move(_lock(project.challenge), S.SOLVED, actor=None, project=project.pk)


def evaluation_sent_back(request: SignoffRequest) -> None:
    """Rejected: the team keeps working; both sides evaluate again next time (scores stay in the audit trail)."""
    project = Project.objects.select_for_update().get(pk=request.target_id)
    project.status = Project.Status.IN_PROGRESS
    project.save(update_fields=["status"])
    project.evaluations.all().delete()
    _move(_lock(project.challenge), S.IN_PROGRESS, actor=None, project=project.pk, evaluation="rejected")


# Stage gate (赛马制: keep the best performer)


@transaction.atomic
def stage_gate_propose(*, actor, project: Project, reason: str) -> SignoffRequest:
    """Keep this project and close the challenge's other running projects; both sides sign."""
    project = _lock_project(project)
    challenge = _lock(project.challenge)
    require(actor, "projects.change_challenge", challenge, _("Only the posting side proposes the stage gate."))
    rivals = challenge.projects.exclude(pk=project.pk).exclude(status__in=[Project.Status.CLOSED,
                                                                           Project.Status.SOLVED])
    if project.status != Project.Status.IN_PROGRESS or not rivals.exists():
        raise ValidationError(_("A stage gate keeps one of several projects in progress on the same challenge."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Please give a reason.")})
    return signoff_open(
        actor=actor, target=project, kind="projects.stage_gate",
        title=_("Stage gate: keep %(p)s") % {"p": project.title}, parties=selectors.refinement_parties(challenge),
        summary=reason.strip(), payload={"closes": sorted(rivals.values_list("pk", flat=True))},
        url=_url("project-detail", project.pk),
    )


def stage_gate_passed(request: SignoffRequest) -> None:
    project = Project.objects.select_for_update().select_related("challenge").get(pk=request.target_id)
    closed = list(project.challenge.projects.filter(pk__in=request.payload["closes"],
                                                    status=Project.Status.IN_PROGRESS).select_related("lead"))
    Project.objects.filter(pk__in=[p.pk for p in closed]).update(status=Project.Status.CLOSED)
    audit_log(actor=None, action="project.stage_gate", target=project.challenge, project=project.pk,
              closed=[p.pk for p in closed])
    for other in closed:
        notify(recipients=[other.lead], event="projects.stage_gate_closed", params={"project": other},
               url=_url("project-detail", other.pk))


# Scheduled


def milestones_remind(*, today: date | None = None, days_ahead: int = 3) -> int:
    """Remind the team and sponsor of milestones due in `days_ahead` days, and daily of overdue ones.

    Idempotent per day: a milestone reminded today is skipped.
    """
    today = today or timezone.localdate()
    due_soon = today + timezone.timedelta(days=days_ahead)
    candidates = (Milestone.objects.filter(project__status=Project.Status.IN_PROGRESS,
                                           status=Milestone.Status.PLANNED)
                  .exclude(reminded_on=today).filter(due_on__lte=due_soon).values_list("pk", flat=True))
    sent = 0
    for pk in candidates:
        with transaction.atomic():
            milestone = Milestone.objects.select_for_update(of=("self",)).select_related("project__challenge").get(pk=pk)
            if milestone.reminded_on == today:
                continue
            overdue = milestone.due_on < today
            if not overdue and milestone.due_on != due_soon:
                continue
            project = milestone.project
            recipients = [project.lead, *selectors.side_party(project.challenge, project.sponsor, "").signatories]
            notify(recipients=recipients, event="projects.milestone_due", url=_url("project-detail", project.pk),
                   params={"milestone": milestone, "project": project, "due": milestone.due_on, "overdue": overdue})
            milestone.reminded_on = today
            milestone.save(update_fields=["reminded_on"])
            if overdue:
                audit_log(actor=None, action="milestone.overdue", target=project, milestone=milestone.pk)
            sent += 1
    return sent
