"""Writes of technology transfer: the pool, screening, pushes, deals, patents and the incubator.

Every function checks the actor's permission, enforces the legal state moves and writes
the audit trail inside one transaction; bad input raises ValidationError and changes nothing.
"""
import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from platform_core.audit import audit_log
from platform_core.models import IndustryNode, Membership, Organisation, Role, TechField
from platform_core.notifications import notify
from platform_core.permissions import has_role, is_platform_admin, require
from projects.models import Project
from projects.selectors import project_result_for_transfer

from . import selectors
from .models import (
    Achievement,
    Deal,
    IncubatedCompany,
    Incubator,
    Inquiry,
    LicenceType,
    Patent,
    Push,
    RevenueShare,
    Roadshow,
    RoadshowRegistration,
    store_licence_types,
)
from .patent_numbers import (
    application_patent_type,
    normalise_application_number,
    normalise_ipc_code,
    normalise_publication_number,
    publication_patent_type,
)
from .permissions import (
    ENTERPRISE_DECISION_ROLES,
    INQUIRABLE_STATUSES,
    TRANSFER_ROLES,
    can_manage_organisation_pool,
    inquiry_enterprises,
    owner_side_ids,
    roadshow_organisers,
)

S = Achievement.Status
P = Push.Status

# Legal moves of an achievement. A spin-off (赋权成立公司) may follow screening directly, without an
# enterprise push; other deals come out of a negotiation. A non-exclusive licence leaves it 'licensed' and open to more
# non-exclusive licences; assignment and spin-off are final.
ACHIEVEMENT_TRANSITIONS: dict[str, set[str]] = {
    S.STOCK: {S.SCREENED},
    S.SCREENED: {S.STOCK, S.PUSHED, S.SPUN_OFF},
    S.PUSHED: {S.NEGOTIATING, S.SPUN_OFF},
    S.NEGOTIATING: {S.PUSHED, S.TRANSFERRED, S.LICENSED, S.SPUN_OFF},
    S.LICENSED: set(),
    S.TRANSFERRED: set(),
    S.SPUN_OFF: set(),
}
PUSH_TRANSITIONS: dict[str, set[str]] = {
    P.PUSHED: {P.VIEWED, P.INTERESTED, P.DECLINED},
    P.VIEWED: {P.INTERESTED, P.DECLINED},
    P.INTERESTED: {P.NEGOTIATING, P.DECLINED},
    P.NEGOTIATING: {P.DEAL, P.DECLINED},
    P.DEAL: set(),
    P.DECLINED: set(),
}
LIVE_PUSH_STATUSES = (P.PUSHED, P.VIEWED, P.INTERESTED, P.NEGOTIATING)
PUSHABLE_STATUSES = (S.SCREENED, S.PUSHED, S.NEGOTIATING, S.LICENSED)
DEAL_OUTCOME = {
    Deal.Kind.ASSIGNMENT: S.TRANSFERRED, Deal.Kind.LICENCE: S.LICENSED,
    Deal.Kind.EQUITY: S.SPUN_OFF, Deal.Kind.SPIN_OFF: S.SPUN_OFF,
}
ACHIEVEMENT_EDITABLE = {
    "title", "abstract", "confidential_detail", "keywords", "field", "industry_node", "trl", "school",
    "inventor_names", "external_ref",
}


# ---------------------------------------------------------------- helpers

def _move_achievement(achievement: Achievement, to: str) -> None:
    if to not in ACHIEVEMENT_TRANSITIONS[achievement.status]:
        raise ValidationError(
            _("An achievement cannot move from “%(from)s” to “%(to)s”.")
            % {"from": achievement.get_status_display(), "to": S(to).label},
            code="illegal_transition",
        )
    achievement.status = to


def _move_push(push: Push, to: str) -> None:
    if to not in PUSH_TRANSITIONS[push.status]:
        raise ValidationError(
            _("A push cannot move from “%(from)s” to “%(to)s”.")
            % {"from": push.get_status_display(), "to": P(to).label},
            code="illegal_transition",
        )
    push.status = to


def parse_decimal(value, *, label: str, minimum: Decimal | None = Decimal("0"),
                  maximum: Decimal | None = None) -> Decimal:
    """A Decimal from user input; refuses floats' binary noise, text, NaN and out-of-range numbers."""
    if isinstance(value, float):
        value = repr(value)
    try:
        number = Decimal(str(value).strip().replace(",", "").replace("，", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError(_("%(label)s must be a number, not “%(value)s”.") % {"label": label, "value": value},
                              code="not_a_number")
    if not number.is_finite():
        raise ValidationError(_("%(label)s must be a number, not “%(value)s”.") % {"label": label, "value": value},
                              code="not_a_number")
    if minimum is not None and number < minimum:
        raise ValidationError(_("%(label)s cannot be less than %(min)s.") % {"label": label, "min": minimum},
                              code="too_small")
    if maximum is not None and number > maximum:
        raise ValidationError(_("%(label)s cannot be more than %(max)s.") % {"label": label, "max": maximum},
                              code="too_large")
    return number.quantize(Decimal("0.01"))


def clean_keywords(keywords) -> list[str]:
    if isinstance(keywords, str):
        keywords = keywords.replace("；", ";").replace("，", ";").replace(",", ";").replace("、", ";").split(";")
    seen, result = set(), []
    for word in keywords or ():
        word = str(word).strip()
        if word and word not in seen:
            seen.add(word)
            result.append(word[:40])
    return result


def _validate_trl(trl) -> int:
    try:
        value = int(trl)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 9:
        raise ValidationError({"trl": _("TRL must be a whole number from 1 to 9.")})
    return value


def _check_unique_achievement(owner, title, external_ref, exclude_pk=None) -> None:
    others = Achievement.objects.filter(owner=owner).exclude(pk=exclude_pk)
    if others.filter(title=title).exists():
        raise ValidationError({"title": _("%(owner)s already has an achievement titled “%(title)s”.")
                               % {"owner": owner, "title": title}})
    if external_ref and others.filter(external_ref=external_ref).exists():
        raise ValidationError({"external_ref": _("%(owner)s already has an achievement numbered %(ref)s.")
                               % {"owner": owner, "ref": external_ref}})


def _transfer_staff(*organisations) -> list:
    User = get_user_model()
    return list(User.objects.filter(
        memberships__organisation_id__in=owner_side_ids(*organisations), memberships__role__in=TRANSFER_ROLES,
        memberships__is_active=True,
    ).distinct())


def _enterprise_deciders(enterprise) -> list:
    User = get_user_model()
    return list(User.objects.filter(
        memberships__organisation=enterprise, memberships__role__in=ENTERPRISE_DECISION_ROLES,
        memberships__is_active=True,
    ).distinct())


def _split_inventors(inventors: Iterable) -> tuple[list, str]:
    """Users and free-text names (the projects app hands over both)."""
    User = get_user_model()
    users, names = [], []
    for inventor in inventors or ():
        if isinstance(inventor, User):
            users.append(inventor)
        elif str(inventor).strip():
            names.append(str(inventor).strip())
    return users, "、".join(names)


# ---------------------------------------------------------------- achievements

@transaction.atomic
def achievement_create(*, actor, title: str, owner: Organisation, abstract: str, industry_node, trl,
                       school: Organisation | None = None, co_owners: Sequence[Organisation] = (),
                       inventors: Sequence = (), inventor_names: str = "", field=None, keywords=(),
                       confidential_detail: str = "", external_ref: str = "", broker=None,
                       source: str = Achievement.Source.MANUAL, source_label: str = "") -> Achievement:
    if not can_manage_organisation_pool(actor, owner):
        raise PermissionDenied(_("Only technology-transfer staff and brokers of %(org)s can add its achievements.")
                               % {"org": owner})
    title = (title or "").strip()
    if school is not None and school.parent_id != owner.pk and school.pk != owner.pk:
        raise ValidationError({"school": _("%(school)s is not a unit of %(owner)s.")
                               % {"school": school, "owner": owner}})
    _check_unique_achievement(owner, title, external_ref)
    achievement = Achievement(
        title=title, owner=owner, school=school, abstract=abstract, industry_node=industry_node,
        trl=_validate_trl(trl), field=field, keywords=clean_keywords(keywords), inventor_names=inventor_names,
        confidential_detail=confidential_detail, external_ref=(external_ref or "").strip(), source=source,
        source_label=source_label, created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    achievement.full_clean(validate_unique=False, validate_constraints=False)
    achievement.save()
    achievement.co_owners.set([o for o in co_owners if o.pk != owner.pk])
    achievement.inventors.set(inventors)
    if broker is not None:
        _assign_broker(achievement, broker)
    audit_log(actor=actor, action="achievement.create", target=achievement, source=source)
    return achievement


@transaction.atomic
def achievement_create_from_source(*, actor, title: str, abstract: str, owners: Sequence[Organisation],
                                   inventors: Sequence, field, industry_node, trl, keywords,
                                   source_label: str, source_project=None) -> Achievement:
    """Receive a result from another module (a solved project) into the pool as stock.

    `owners`: the first is the rights holder; if it is a school, its university becomes the
    owner and the school keeps it. `inventors`: users and/or names. The actor must be
    transfer staff of the owner, or an inventor who is a member of it.
    """
    if not owners:
        raise ValidationError({"owners": _("An achievement needs at least one owner.")})
    first = owners[0]
    owner, school = (first.parent, first) if first.parent_id and first.parent.kind == first.kind else (first, None)
    users, names = _split_inventors(inventors)
    inventor_member = any(u.pk == getattr(actor, "pk", None) for u in users) and has_role(actor, first)
    # Staff of the school itself or of its university (can_manage_organisation_pool looks one level up).
    if not (can_manage_organisation_pool(actor, first) or inventor_member):
        raise PermissionDenied(_("Only the owner's technology-transfer staff or an inventor can hand a result "
                                 "to the pool."))
    title = (title or "").strip()
    _check_unique_achievement(owner, title, "")
    achievement = Achievement(
        title=title, owner=owner, school=school, abstract=abstract, industry_node=industry_node,
        trl=_validate_trl(trl), field=field, keywords=clean_keywords(keywords), inventor_names=names,
        source=Achievement.Source.PROJECT, source_label=source_label[:200], source_project=source_project,
        created_by=actor,
    )
    achievement.full_clean(validate_unique=False, validate_constraints=False)
    achievement.save()
    achievement.co_owners.set([o for o in owners[1:] if o.pk not in {owner.pk, getattr(school, "pk", None)}])
    achievement.inventors.set(users)
    audit_log(actor=actor, action="achievement.create", target=achievement, source="project", label=source_label)
    notify(recipients=_transfer_staff(owner, school), event="transfer.achievement_added",
           params={"achievement": achievement, "label": source_label}, url=f"/transfer/achievements/{achievement.pk}/")
    return achievement


@transaction.atomic
def achievement_create_from_project(*, actor, project: Project, industry_node=None) -> tuple[Achievement, bool]:
    """Hand a solved project's result to the pool as stock, once (项目成果入库).

    Returns (achievement, created): a project handed over again gives back its first
    achievement. The university or institute side owns it (the other party is co-owner);
    its technology-transfer staff or brokers hand it over. `industry_node` is needed only
    when the challenge was not placed on the chain.
    """
    project = Project.objects.select_for_update(of=("self",)).select_related(
        "challenge", "sponsor__parent", "performer__parent").get(pk=project.pk)
    university_side = selectors.project_university_side(project)
    if university_side is None or not can_manage_organisation_pool(actor, university_side):
        raise PermissionDenied(_("Only technology-transfer staff or brokers of the project's university side can "
                                 "hand its result to the pool."))
    existing = Achievement.objects.filter(source_project=project).first()
    if existing is not None:
        return existing, False
    try:
        result = project_result_for_transfer(project)
    except ValueError:
        raise ValidationError(_("Only a solved project can hand its result to the achievement pool.")) from None
    node = industry_node or (IndustryNode.objects.filter(pk=result["industry_node"]).first()
                             if result["industry_node"] else None)
    if node is None:
        raise ValidationError({"industry_node": _("The challenge is not placed on an industry chain: choose the "
                                                  "node of the result.")})
    people = get_user_model().objects.in_bulk(result["inventors"])
    owners = [university_side, *[o for o in (project.performer, project.sponsor) if o.pk != university_side.pk]]
    achievement = achievement_create_from_source(
        actor=actor, title=result["title"], abstract=result["abstract"], owners=owners,
        inventors=[people[pk] for pk in result["inventors"] if pk in people],
        field=TechField.objects.filter(pk=result["field"]).first() if result["field"] else None,
        industry_node=node, trl=result["trl"], keywords=node.keywords[:5],
        source_label=_("Result of the project “%(title)s”") % {"title": project.title}, source_project=project,
    )
    audit_log(actor=actor, action="project.result_to_pool", target=project, achievement=achievement.pk)
    return achievement, True


@transaction.atomic
def achievement_update(*, actor, achievement: Achievement, inventors=None, co_owners=None, **data) -> Achievement:
    require(actor, "transfer.change_achievement", achievement)
    unknown = set(data) - ACHIEVEMENT_EDITABLE
    if unknown:
        raise ValueError(f"Unknown or read-only achievement fields: {sorted(unknown)}")
    if "trl" in data:
        data["trl"] = _validate_trl(data["trl"])
    if "keywords" in data:
        data["keywords"] = clean_keywords(data["keywords"])
    if "title" in data or "external_ref" in data:
        _check_unique_achievement(achievement.owner, data.get("title", achievement.title),
                                  data.get("external_ref", achievement.external_ref), exclude_pk=achievement.pk)
    changed = sorted(k for k, v in data.items() if getattr(achievement, k) != v)
    for name, value in data.items():
        setattr(achievement, name, value)
    achievement.full_clean(validate_unique=False, validate_constraints=False)
    achievement.save()
    if inventors is not None:
        achievement.inventors.set(inventors)
    if co_owners is not None:
        achievement.co_owners.set([o for o in co_owners if o.pk != achievement.owner_id])
    audit_log(actor=actor, action="achievement.update", target=achievement, fields=changed)
    return achievement


def _lock(model, pk):
    return model.objects.select_for_update().get(pk=pk)


@transaction.atomic
def achievement_screen(*, actor, achievement: Achievement, reason: str) -> Achievement:
    """A broker sifts a stock achievement out as easy to transfer, saying why."""
    require(actor, "transfer.screen_achievement", achievement)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why this achievement is easy to transfer.")})
    achievement = _lock(Achievement, achievement.pk)
    _move_achievement(achievement, S.SCREENED)
    achievement.screening_reason = reason
    achievement.screened_by = actor
    achievement.screened_at = timezone.now()
    if achievement.broker_id is None and has_role(actor, achievement.school or achievement.owner, Role.BROKER):
        achievement.broker = actor
    achievement.save()
    audit_log(actor=actor, action="achievement.screen", target=achievement, reason=reason)
    return achievement


@transaction.atomic
def achievement_return_to_stock(*, actor, achievement: Achievement, reason: str) -> Achievement:
    """Undo a screening (before any push)."""
    require(actor, "transfer.screen_achievement", achievement)
    achievement = _lock(Achievement, achievement.pk)
    _move_achievement(achievement, S.STOCK)
    achievement.screening_reason = ""
    achievement.screened_by = None
    achievement.screened_at = None
    achievement.save()
    audit_log(actor=actor, action="achievement.unscreen", target=achievement, reason=reason)
    return achievement


def _assign_broker(achievement: Achievement, broker) -> None:
    units = owner_side_ids(achievement.owner, achievement.school)
    if not Membership.objects.active().filter(user=broker, organisation_id__in=units, role=Role.BROKER).exists():
        raise ValidationError({"broker": _("%(user)s is not a technology broker of %(org)s.")
                               % {"user": broker, "org": achievement.school or achievement.owner}})
    achievement.broker = broker
    achievement.save(update_fields=["broker", "updated_at"])


@transaction.atomic
def achievement_assign_broker(*, actor, achievement: Achievement, broker) -> Achievement:
    require(actor, "transfer.change_achievement", achievement)
    _assign_broker(achievement, broker)
    audit_log(actor=actor, action="achievement.assign_broker", target=achievement, broker=broker.username)
    notify(recipients=[broker], event="transfer.achievement_assigned", params={"achievement": achievement},
           url=f"/transfer/achievements/{achievement.pk}/")
    return achievement


# ---------------------------------------------------------------- pushes

@transaction.atomic
def push_create(*, actor, achievement: Achievement, enterprise: Organisation, note: str = "",
                source: str = Push.Source.MANUAL) -> Push:
    """Recommend an achievement to an enterprise.

    Brokers push by hand; the matching engine calls this with source="matching" and, when
    no person triggered it, actor=None (a system push needs no permission).
    """
    if source not in Push.Source.values:
        raise ValidationError({"source": _("Unknown push source %(source)s.") % {"source": source}})
    if actor is None and source != Push.Source.MATCHING:
        raise PermissionDenied(_("Only the matching engine may push without a person."))
    if actor is not None:
        require(actor, "transfer.push_achievement", achievement,
                _("Only technology-transfer staff and brokers of the owner can push this achievement."))
    if enterprise.kind != Organisation.Kind.ENTERPRISE:
        raise ValidationError({"enterprise": _("%(org)s is not an enterprise.") % {"org": enterprise}})
    achievement = _lock(Achievement, achievement.pk)
    if achievement.status not in PUSHABLE_STATUSES:
        raise ValidationError(
            _("Only screened achievements can be pushed; this one is “%(status)s”.")
            % {"status": achievement.get_status_display()}, code="illegal_transition")
    if achievement.status == S.LICENSED and achievement.deals.filter(exclusivity=Deal.Exclusivity.EXCLUSIVE).exists():
        raise ValidationError(_("This achievement is under an exclusive licence and cannot be pushed again."))
    if Push.objects.filter(achievement=achievement, enterprise=enterprise, status__in=LIVE_PUSH_STATUSES + (P.DEAL,)).exists():
        raise ValidationError(_("This achievement was already pushed to %(org)s.") % {"org": enterprise},
                              code="duplicate_push")
    if achievement.status == S.SCREENED:
        _move_achievement(achievement, S.PUSHED)
        achievement.save(update_fields=["status", "updated_at"])
    try:
        with transaction.atomic():
            push = Push.objects.create(achievement=achievement, enterprise=enterprise, note=note, source=source,
                                       pushed_by=actor)
    except IntegrityError:
        raise ValidationError(_("This achievement was already pushed to %(org)s.") % {"org": enterprise},
                              code="duplicate_push")
    audit_log(actor=actor, action="push.create", target=push, source=source)
    notify(recipients=_enterprise_deciders(enterprise), event="transfer.push_received",
           params={"achievement": achievement, "stage": "pushed", "note": note}, url=f"/transfer/pushes/{push.pk}/")
    return push


@transaction.atomic
def push_mark_viewed(*, actor, push: Push) -> Push:
    """An enterprise member opened the push; later stages keep their status."""
    require(actor, "transfer.mark_push_viewed", push)
    push = _lock(Push, push.pk)
    if push.viewed_at is None:
        push.viewed_at = timezone.now()
        if push.status == P.PUSHED:
            _move_push(push, P.VIEWED)
        push.save(update_fields=["viewed_at", "status"])
        audit_log(actor=actor, action="push.view", target=push)
    return push


def _notify_push_side(push: Push, answer: str, note: str = "") -> None:
    recipients = [u for u in (push.pushed_by, push.achievement.broker) if u is not None]
    recipients = recipients or _transfer_staff(push.achievement.owner, push.achievement.school)
    notify(recipients=recipients, event="transfer.push_answered", url=f"/transfer/pushes/{push.pk}/",
           params={"enterprise": push.enterprise, "achievement": push.achievement, "answer": answer, "note": note})


@transaction.atomic
def push_express_interest(*, actor, push: Push, note: str = "") -> Push:
    require(actor, "transfer.answer_push", push,
            _("Only R&D managers or administrators of %(org)s can answer this push.") % {"org": push.enterprise})
    push = _lock(Push, push.pk)
    _move_push(push, P.INTERESTED)
    push.viewed_at = push.viewed_at or timezone.now()
    push.responded_at = timezone.now()
    push.response_note = note
    push.save()
    audit_log(actor=actor, action="push.interest", target=push)
    _notify_push_side(push, "interested", note)
    return push


@transaction.atomic
def push_decline(*, actor, push: Push, reason: str = "") -> Push:
    """The enterprise says no, or the broker side ends a push that goes nowhere."""
    enterprise_side = actor.has_perm("transfer.answer_push", push)
    if not enterprise_side:
        require(actor, "transfer.negotiate_push", push)
    push = _lock(Push, push.pk)
    was_negotiating = push.status == P.NEGOTIATING
    _move_push(push, P.DECLINED)
    push.responded_at = timezone.now()
    push.response_note = reason
    push.save()
    achievement = _lock(Achievement, push.achievement_id)
    if was_negotiating and achievement.status == S.NEGOTIATING and not achievement.pushes.filter(
            status=P.NEGOTIATING).exists():
        _move_achievement(achievement, S.PUSHED)
        achievement.save(update_fields=["status", "updated_at"])
    audit_log(actor=actor, action="push.decline", target=push, reason=reason,
              by="enterprise" if enterprise_side else "owner")
    if enterprise_side:
        _notify_push_side(push, "declined", reason)
    return push


@transaction.atomic
def push_start_negotiation(*, actor, push: Push) -> Push:
    require(actor, "transfer.negotiate_push", push)
    push = _lock(Push, push.pk)
    _move_push(push, P.NEGOTIATING)
    push.save(update_fields=["status"])
    achievement = _lock(Achievement, push.achievement_id)
    if achievement.status == S.PUSHED:
        _move_achievement(achievement, S.NEGOTIATING)
        achievement.save(update_fields=["status", "updated_at"])
    audit_log(actor=actor, action="push.negotiate", target=push)
    notify(recipients=_enterprise_deciders(push.enterprise), event="transfer.push_received",
           params={"achievement": achievement, "stage": "negotiating"}, url=f"/transfer/pushes/{push.pk}/")
    return push


# ---------------------------------------------------------------- deals

def _clean_shares(shares: Sequence[dict]) -> list[RevenueShare]:
    """Revenue shares as unsaved rows; they must name one beneficiary each and add up to exactly 100%."""
    if not shares:
        raise ValidationError({"shares": _("Give the revenue split (inventors, school, university).")})
    rows, total = [], Decimal("0")
    for index, share in enumerate(shares, start=1):
        user, organisation = share.get("user"), share.get("organisation")
        name = (share.get("name") or "").strip()
        if sum(bool(x) for x in (user, organisation, name)) != 1:
            raise ValidationError({"shares": _("Share %(n)s must name exactly one person, organisation or name.")
                                   % {"n": index}})
        percent = parse_decimal(share.get("percent"), label=_("Share %(n)s") % {"n": index},
                                minimum=Decimal("0.01"), maximum=Decimal("100"))
        total += percent
        rows.append(RevenueShare(beneficiary_user=user, beneficiary_organisation=organisation,
                                 beneficiary_name=name[:100], percent=percent))
    if total != Decimal("100"):
        raise ValidationError({"shares": _("The revenue shares add up to %(total)s%%; they must add up to "
                                           "exactly 100%%.") % {"total": total}}, code="shares_total")
    return rows


def _deal_terms(kind, exclusivity, equity_percent, counterparty, term_start, term_end) -> None:
    if kind not in Deal.Kind.values:
        raise ValidationError({"kind": _("Unknown deal type %(kind)s.") % {"kind": kind}})
    if kind == Deal.Kind.LICENCE and exclusivity not in Deal.Exclusivity.values:
        raise ValidationError({"exclusivity": _("A licence must be exclusive or non-exclusive.")})
    if kind != Deal.Kind.LICENCE and exclusivity:
        raise ValidationError({"exclusivity": _("Only a licence has an exclusivity.")})
    if kind == Deal.Kind.EQUITY and equity_percent is None:
        raise ValidationError({"equity_percent": _("An equity contribution needs the equity share.")})
    if kind != Deal.Kind.SPIN_OFF and counterparty is None:
        raise ValidationError({"counterparty": _("Name the enterprise taking the technology.")})
    if term_start and term_end and term_end < term_start:
        raise ValidationError({"term_end": _("The term cannot end before it starts.")})


@transaction.atomic
def deal_create(*, actor, achievement: Achievement, kind: str, signed_on: datetime.date, shares: Sequence[dict],
                push: Push | None = None, counterparty: Organisation | None = None, exclusivity: str = "",
                territory: str = "", term_start=None, term_end=None, price=0, royalty_rate=0,
                equity_percent=None, note: str = "", company: dict | None = None) -> Deal:
    """Record a concluded deal: it closes the push, moves the achievement and splits the revenue.

    `shares`: [{"user"|"organisation"|"name": …, "percent": "40.00"}, …] adding up to 100.
    `company` (spin-off only): {"incubator", "name", "founders", "founder_names", "stage"} admits
    the new company to an incubator.
    """
    require(actor, "transfer.add_deal", achievement,
            _("Only technology-transfer staff and brokers of the owner can record a deal."))
    achievement = _lock(Achievement, achievement.pk)
    if push is not None:
        push = _lock(Push, push.pk)
        if push.achievement_id != achievement.pk:
            raise ValidationError({"push": _("The push is for another achievement.")})
        counterparty = counterparty or push.enterprise
        if counterparty.pk != push.enterprise_id:
            raise ValidationError({"counterparty": _("The counterparty must be the enterprise of the push.")})
    price = parse_decimal(price, label=_("Price"))
    royalty_rate = parse_decimal(royalty_rate or 0, label=_("Royalty rate"), maximum=Decimal("100"))
    if equity_percent not in (None, ""):
        equity_percent = parse_decimal(equity_percent, label=_("Equity share"), minimum=Decimal("0.01"),
                                       maximum=Decimal("100"))
    else:
        equity_percent = None
    _deal_terms(kind, exclusivity, equity_percent, counterparty, term_start, term_end)
    share_rows = _clean_shares(shares)
    if company is not None and kind != Deal.Kind.SPIN_OFF:
        raise ValidationError({"company": _("Only a spin-off deal creates a company.")})

    outcome = DEAL_OUTCOME[kind]
    if achievement.status == S.LICENSED:
        # More non-exclusive licences may follow a non-exclusive one; nothing else may.
        exclusive_before = achievement.deals.exclude(exclusivity=Deal.Exclusivity.NON_EXCLUSIVE).exists()
        if kind != Deal.Kind.LICENCE or exclusivity != Deal.Exclusivity.NON_EXCLUSIVE or exclusive_before:
            raise ValidationError(_("This achievement is licensed; only further non-exclusive licences are "
                                    "possible."), code="illegal_transition")
    else:
        if achievement.status in (S.SCREENED, S.PUSHED) and kind != Deal.Kind.SPIN_OFF:
            raise ValidationError(_("Open a negotiation on a push before recording this deal."),
                                  code="illegal_transition")
        _move_achievement(achievement, outcome)
    if push is not None:
        _move_push(push, P.DEAL)
        push.save(update_fields=["status"])
    achievement.save(update_fields=["status", "updated_at"])

    deal = Deal(achievement=achievement, push=push, kind=kind, counterparty=counterparty, exclusivity=exclusivity,
                territory=territory, term_start=term_start, term_end=term_end, price=price,
                royalty_rate=royalty_rate, equity_percent=equity_percent, signed_on=signed_on, note=note,
                created_by=actor)
    deal.full_clean(validate_constraints=False)
    deal.save()
    for row in share_rows:
        row.deal = deal
    RevenueShare.objects.bulk_create(share_rows)
    _contract_for_deal(deal, actor)
    if outcome != S.LICENSED or exclusivity == Deal.Exclusivity.EXCLUSIVE:
        _close_other_pushes(achievement, deal)
    if company is not None:
        _admit_company(actor=actor, spin_off_deal=deal, achievements=[achievement],
                       **{"industry_node": achievement.industry_node, **company})
    audit_log(actor=actor, action="deal.create", target=deal, kind=kind, price=str(price),
              shares=[str(r) for r in share_rows])
    recipients = [*achievement.inventors.all(), *(_enterprise_deciders(counterparty) if counterparty else [])]
    notify(recipients=recipients, event="transfer.deal_recorded", params={"deal": deal},
           url=f"/transfer/deals/{deal.pk}/")
    return deal


def _close_other_pushes(achievement: Achievement, deal: Deal) -> None:
    """Once the technology is gone (assigned, spun off, exclusively licensed), other live pushes end."""
    for other in achievement.pushes.select_for_update().filter(status__in=LIVE_PUSH_STATUSES):
        other.status = P.DECLINED
        other.response_note = _("Closed: the technology was taken in another deal.")
        other.save(update_fields=["status", "response_note"])


# ---------------------------------------------------------------- patents

def clean_patent_numbers(application_number: str, publication_number: str, patent_type: str) -> tuple[str, str]:
    """Normalise both numbers and check they agree with the patent type."""
    errors = {}
    application = publication = ""
    try:
        application = normalise_application_number(application_number)
    except ValidationError as exc:
        errors["application_number"] = exc.messages
    try:
        publication = normalise_publication_number(publication_number)
    except ValidationError as exc:
        errors["publication_number"] = exc.messages
    if patent_type not in Patent.Type.values:
        errors["patent_type"] = [_("Unknown patent type %(type)s.") % {"type": patent_type}]
    if errors:
        raise ValidationError(errors)
    if application_patent_type(application) != patent_type:
        errors["patent_type"] = [_("Application number %(number)s is for a %(numbered)s, not a %(type)s.") % {
            "number": application, "numbered": Patent.Type(application_patent_type(application)).label,
            "type": Patent.Type(patent_type).label}]
    if publication and publication_patent_type(publication) != patent_type:
        errors["publication_number"] = [_("Publication number %(number)s does not belong to a %(type)s.")
                                        % {"number": publication, "type": Patent.Type(patent_type).label}]
    if errors:
        raise ValidationError(errors)
    return application, publication


def clean_ipc_codes(codes) -> list[str]:
    if isinstance(codes, str):
        codes = codes.replace("；", ";").replace(",", ";").replace("，", ";").split(";")
    result = []
    for code in codes or ():
        if str(code).strip():
            normalised = normalise_ipc_code(str(code))
            if normalised not in result:
                result.append(normalised)
    return result


def first_fee_due(filing_date: datetime.date, grant_date: datetime.date | None,
                  today: datetime.date | None = None) -> datetime.date | None:
    """Annual fees fall due on the filing anniversary; the first one to pay is the next anniversary after grant."""
    if grant_date is None:
        return None
    start = max(grant_date, today or grant_date)
    year = start.year
    while True:
        try:
            due = filing_date.replace(year=year)
        except ValueError:  # 29 February
            due = datetime.date(year, 2, 28)
        if due >= start:
            return due
        year += 1


PATENT_FIELDS = {"title", "legal_status", "filing_date", "grant_date", "next_fee_due", "owner"}


@transaction.atomic
def patent_create(*, actor, application_number: str, title: str, patent_type: str, owner: Organisation,
                  filing_date: datetime.date, publication_number: str = "", legal_status: str = "pending",
                  grant_date=None, ipc_codes=(), next_fee_due=None, achievements: Sequence[Achievement] = ()) -> Patent:
    if not can_manage_organisation_pool(actor, owner):
        raise PermissionDenied(_("Only technology-transfer staff and brokers of %(org)s can add its patents.")
                               % {"org": owner})
    application, publication = clean_patent_numbers(application_number, publication_number, patent_type)
    if Patent.objects.filter(application_number=application).exists():
        raise ValidationError({"application_number": _("Patent %(number)s is already in the pool.")
                               % {"number": application}}, code="duplicate_patent")
    if publication and Patent.objects.filter(publication_number=publication).exists():
        raise ValidationError({"publication_number": _("Publication number %(number)s is already in the pool.")
                               % {"number": publication}}, code="duplicate_patent")
    try:
        ipc = clean_ipc_codes(ipc_codes)
    except ValidationError as exc:
        raise ValidationError({"ipc_codes": exc.messages})
    patent = Patent(application_number=application, publication_number=publication, title=title.strip(),
                    patent_type=patent_type, owner=owner, filing_date=filing_date, legal_status=legal_status,
                    grant_date=grant_date, ipc_codes=ipc,
                    next_fee_due=next_fee_due or first_fee_due(filing_date, grant_date, timezone.localdate()))
    _validate_patent_dates(patent)
    patent.full_clean(validate_unique=False, validate_constraints=False)
    patent.save()
    _link_achievements(actor, patent, achievements)
    _record_status(patent, actor=actor, on=patent.grant_date or patent.filing_date)
    audit_log(actor=actor, action="patent.create", target=patent)
    return patent


def _record_status(patent: Patent, *, actor, on: datetime.date, note: str = "") -> None:
    """A row of the legal-status history (the patent's field holds the current status)."""
    from .models import PatentStatusChange

    PatentStatusChange.objects.create(patent=patent, status=patent.legal_status, changed_on=on, note=note[:300],
                                      created_by=actor if getattr(actor, "is_authenticated", False) else None)


def _validate_patent_dates(patent: Patent) -> None:
    if patent.grant_date and patent.grant_date < patent.filing_date:
        raise ValidationError({"grant_date": _("A patent cannot be granted before it was filed.")})
    if patent.legal_status == Patent.LegalStatus.GRANTED and not patent.grant_date:
        raise ValidationError({"grant_date": _("A granted patent needs its grant date.")})


def _link_achievements(actor, patent: Patent, achievements: Sequence[Achievement]) -> None:
    for achievement in achievements:
        require(actor, "transfer.change_achievement", achievement,
                _("You cannot link patents to %(title)s.") % {"title": achievement.title})
    patent.achievements.set(achievements)


@transaction.atomic
def patent_update(*, actor, patent: Patent, ipc_codes=None, achievements=None, **data) -> Patent:
    require(actor, "transfer.change_patent", patent)
    unknown = set(data) - PATENT_FIELDS
    if unknown:
        raise ValueError(f"Unknown or read-only patent fields: {sorted(unknown)}")
    if "owner" in data and not can_manage_organisation_pool(actor, data["owner"]):
        raise PermissionDenied(_("You cannot move the patent to %(org)s.") % {"org": data["owner"]})
    patent = _lock(Patent, patent.pk)
    status_before = patent.legal_status
    for name, value in data.items():
        setattr(patent, name, value)
    if ipc_codes is not None:
        try:
            patent.ipc_codes = clean_ipc_codes(ipc_codes)
        except ValidationError as exc:
            raise ValidationError({"ipc_codes": exc.messages})
    if patent.grant_date and not patent.next_fee_due and "next_fee_due" not in data:
        patent.next_fee_due = first_fee_due(patent.filing_date, patent.grant_date, timezone.localdate())
    _validate_patent_dates(patent)
    patent.full_clean(validate_unique=False, validate_constraints=False)
    patent.save()
    if achievements is not None:
        _link_achievements(actor, patent, achievements)
    if patent.legal_status != status_before:
        _record_status(patent, actor=actor, on=timezone.localdate())
    audit_log(actor=actor, action="patent.update", target=patent, fields=sorted(data))
    return patent


@transaction.atomic
def patent_record_fee_paid(*, actor, patent: Patent) -> Patent:
    """The annual fee was paid: the next one is due a year later."""
    require(actor, "transfer.change_patent", patent)
    patent = _lock(Patent, patent.pk)
    if patent.next_fee_due is None:
        raise ValidationError(_("No annual fee is due on this patent."))
    paid = patent.next_fee_due
    try:
        patent.next_fee_due = paid.replace(year=paid.year + 1)
    except ValueError:
        patent.next_fee_due = datetime.date(paid.year + 1, 2, 28)
    patent.fee_reminder_stage = ""
    patent.save(update_fields=["next_fee_due", "fee_reminder_stage", "updated_at"])
    audit_log(actor=actor, action="patent.fee_paid", target=patent, due=str(paid))
    return patent


def patent_fee_reminder_recipients(patent: Patent) -> list:
    brokers = [a.broker for a in patent.achievements.select_related("broker") if a.broker_id]
    return [*_transfer_staff(patent.owner), *brokers]


@transaction.atomic
def patent_send_fee_reminder(*, patent_id: int, today: datetime.date) -> bool:
    """Tell the owner's transfer staff and the brokers that an annual fee falls due, and again, louder, in the
    grace period and in its last days: once per due date and stage."""
    from . import fees

    patent = Patent.objects.select_for_update(of=("self",)).select_related("owner").filter(pk=patent_id).first()
    if patent is None or patent.next_fee_due is None or patent.legal_status != Patent.LegalStatus.GRANTED:
        return False
    due = patent.next_fee_due
    stage = fees.reminder_stage(due, today)
    if stage is None or (patent.fee_reminder_sent_for == due and patent.fee_reminder_stage == stage):
        return False
    year = fees.year_of_term(patent.filing_date, due)
    fee = fees.annual_fee(patent.patent_type, year, patent.filing_date)
    notify(recipients=patent_fee_reminder_recipients(patent), event="transfer.fee_due",
           params={"patent": patent, "due": due, "days": (due - today).days, "stage": stage,
                   "fee": str(fee or ""), "grace_ends": fees.grace_ends(due)},
           url=f"/transfer/patents/{patent.pk}/")
    patent.fee_reminder_sent_for, patent.fee_reminder_stage = due, stage
    patent.save(update_fields=["fee_reminder_sent_for", "fee_reminder_stage"])
    audit_log(actor=None, action="patent.fee_reminder", target=patent, due=str(due))
    return True


@transaction.atomic
def patent_lapse_unpaid(*, patent_id: int, today: datetime.date) -> bool:
    """专利权终止: a granted patent whose annual fee is still unpaid after the grace period lapses."""
    from . import fees

    patent = Patent.objects.select_for_update(of=("self",)).select_related("owner").filter(pk=patent_id).first()
    if (patent is None or patent.legal_status != Patent.LegalStatus.GRANTED or patent.next_fee_due is None
            or fees.grace_ends(patent.next_fee_due) >= today):
        return False
    due = patent.next_fee_due
    patent.legal_status = Patent.LegalStatus.LAPSED
    patent.save(update_fields=["legal_status", "updated_at"])
    _record_status(patent, actor=None, on=today,
                   note=_("Annual fee due %(due)s not paid within the grace period.") % {"due": due})
    audit_log(actor=None, action="patent.lapse", target=patent, due=str(due))
    notify(recipients=patent_fee_reminder_recipients(patent), event="transfer.patent_lapsed",
           params={"patent": patent, "due": due}, url=f"/transfer/patents/{patent.pk}/")
    return True


# ---------------------------------------------------------------- incubator

INCUBATOR_FIELDS = {"name", "partner_university", "address", "established_on", "description"}
COMPANY_FIELDS = {"name", "stage", "graduated_on", "description", "organisation", "founder_names", "industry_node"}


@transaction.atomic
def incubator_create(*, actor, host: Organisation, name: str, partner_university=None, industry_nodes=(),
                     address: str = "", established_on=None, description: str = "") -> Incubator:
    if not (is_platform_admin(actor) or has_role(actor, host, Role.ORG_ADMIN)):
        raise PermissionDenied(_("Only administrators of %(org)s can open an incubator for it.") % {"org": host})
    if host.kind != Organisation.Kind.ENTERPRISE:
        raise ValidationError({"host": _("An incubator is hosted by an enterprise.")})
    if partner_university is not None and partner_university.kind != Organisation.Kind.UNIVERSITY:
        raise ValidationError({"partner_university": _("%(org)s is not a university.") % {"org": partner_university}})
    if Incubator.objects.filter(host=host, name=name.strip()).exists():
        raise ValidationError({"name": _("%(org)s already has an incubator of that name.") % {"org": host}})
    incubator = Incubator(host=host, name=name.strip(), partner_university=partner_university, address=address,
                          established_on=established_on, description=description)
    incubator.full_clean(validate_unique=False, validate_constraints=False)
    incubator.save()
    incubator.industry_nodes.set(industry_nodes)
    audit_log(actor=actor, action="incubator.create", target=incubator)
    return incubator


@transaction.atomic
def incubator_update(*, actor, incubator: Incubator, industry_nodes=None, **data) -> Incubator:
    require(actor, "transfer.change_incubator", incubator)
    unknown = set(data) - INCUBATOR_FIELDS
    if unknown:
        raise ValueError(f"Unknown incubator fields: {sorted(unknown)}")
    for name, value in data.items():
        setattr(incubator, name, value)
    incubator.full_clean(validate_unique=False, validate_constraints=False)
    incubator.save()
    if industry_nodes is not None:
        incubator.industry_nodes.set(industry_nodes)
    audit_log(actor=actor, action="incubator.update", target=incubator, fields=sorted(data))
    return incubator


def _admit_company(*, actor, incubator: Incubator, name: str, industry_node, admitted_on=None, founders=(),
                   founder_names: str = "", achievements=(), stage: str = IncubatedCompany.Stage.SEED,
                   organisation=None, description: str = "", spin_off_deal=None) -> IncubatedCompany:
    require(actor, "transfer.change_incubator", incubator,
            _("Only the managers of %(incubator)s can admit companies.") % {"incubator": incubator})
    name = (name or "").strip()
    if IncubatedCompany.objects.filter(incubator=incubator, name=name).exists():
        raise ValidationError({"name": _("%(name)s is already in %(incubator)s.")
                               % {"name": name, "incubator": incubator}})
    if stage in (IncubatedCompany.Stage.GRADUATED, IncubatedCompany.Stage.EXITED):
        raise ValidationError({"stage": _("A new company starts in the seed, start-up or growth stage.")})
    company = IncubatedCompany(incubator=incubator, name=name, industry_node=industry_node, stage=stage,
                               admitted_on=admitted_on or timezone.localdate(), founder_names=founder_names,
                               organisation=organisation, description=description, spin_off_deal=spin_off_deal)
    company.full_clean(validate_unique=False, validate_constraints=False)
    company.save()
    company.founders.set(founders)
    company.achievements.set(achievements)
    audit_log(actor=actor, action="company.admit", target=company, spin_off=bool(spin_off_deal))
    return company


@transaction.atomic
def company_admit(*, actor, incubator: Incubator, name: str, industry_node, admitted_on=None, founders=(),
                  founder_names: str = "", achievements=(), stage: str = IncubatedCompany.Stage.SEED,
                  organisation=None, description: str = "") -> IncubatedCompany:
    return _admit_company(actor=actor, incubator=incubator, name=name, industry_node=industry_node,
                          admitted_on=admitted_on, founders=founders, founder_names=founder_names,
                          achievements=achievements, stage=stage, organisation=organisation,
                          description=description)


COMPANY_STAGE_ORDER = [IncubatedCompany.Stage.SEED, IncubatedCompany.Stage.STARTUP, IncubatedCompany.Stage.GROWTH,
                       IncubatedCompany.Stage.GRADUATED]


@transaction.atomic
def company_update(*, actor, company: IncubatedCompany, founders=None, achievements=None, **data) -> IncubatedCompany:
    """Edit a company; its stage only moves forward (or to 'left'), and graduating needs a date."""
    require(actor, "transfer.change_incubatedcompany", company)
    unknown = set(data) - COMPANY_FIELDS
    if unknown:
        raise ValueError(f"Unknown company fields: {sorted(unknown)}")
    company = _lock(IncubatedCompany, company.pk)
    new_stage = data.get("stage", company.stage)
    if new_stage != company.stage:
        finished = company.stage in (IncubatedCompany.Stage.GRADUATED, IncubatedCompany.Stage.EXITED)
        backwards = (new_stage in COMPANY_STAGE_ORDER and company.stage in COMPANY_STAGE_ORDER
                     and COMPANY_STAGE_ORDER.index(new_stage) < COMPANY_STAGE_ORDER.index(company.stage))
        if finished or backwards:
            raise ValidationError({"stage": _("A company cannot move from “%(from)s” back to “%(to)s”.") % {
                "from": company.get_stage_display(), "to": IncubatedCompany.Stage(new_stage).label}},
                code="illegal_transition")
    for name, value in data.items():
        setattr(company, name, value)
    if company.stage == IncubatedCompany.Stage.GRADUATED and not company.graduated_on:
        raise ValidationError({"graduated_on": _("Give the graduation date.")})
    if company.graduated_on and company.graduated_on < company.admitted_on:
        raise ValidationError({"graduated_on": _("A company cannot graduate before it was admitted.")})
    company.full_clean(validate_unique=False, validate_constraints=False)
    company.save()
    if founders is not None:
        company.founders.set(founders)
    if achievements is not None:
        company.achievements.set(achievements)
    audit_log(actor=actor, action="company.update", target=company, fields=sorted(data))
    return company


# ---------------------------------------------------------------- listing terms, inquiries, roadshows

@transaction.atomic
def achievement_set_terms(*, actor, achievement: Achievement, asking_price: Decimal | None,
                          price_negotiable: bool, licence_types: Iterable[str]) -> Achievement:
    """挂牌条件: the asking price in CNY (or 面议, negotiable) and the licence types offered."""
    require(actor, "transfer.set_listing_terms", achievement,
            _("Only technology-transfer staff and brokers of the owner can set its listing terms."))
    errors = {}
    codes = list(licence_types or ())
    unknown = [c for c in codes if c not in LicenceType.values]
    if unknown:
        errors["licence_types"] = _("Unknown licence type: %(codes)s.") % {"codes": ", ".join(unknown)}
    if asking_price is not None:
        try:
            asking_price = Decimal(asking_price)
        except (InvalidOperation, TypeError):
            errors["asking_price"] = _("The asking price must be an amount in yuan.")
        else:
            if asking_price < 0:
                errors["asking_price"] = _("The asking price cannot be negative.")
    if asking_price is not None and price_negotiable:
        errors["price_negotiable"] = _("Give an asking price or mark the price negotiable, not both.")
    if errors:
        raise ValidationError(errors)
    achievement = _lock(Achievement, achievement.pk)
    achievement.asking_price = asking_price
    achievement.price_negotiable = bool(price_negotiable)
    achievement.licence_types = store_licence_types(codes)
    achievement.save(update_fields=["asking_price", "price_negotiable", "licence_types", "updated_at"])
    audit_log(actor=actor, action="achievement.terms", target=achievement,
              asking_price=str(asking_price) if asking_price is not None else None,
              negotiable=achievement.price_negotiable, licence_types=achievement.licence_type_list)
    return achievement


def _inquiry_recipients(achievement: Achievement) -> list:
    """The achievement's broker, otherwise the owner's (and school's) transfer staff."""
    return [achievement.broker] if achievement.broker_id else _transfer_staff(achievement.owner, achievement.school)


@transaction.atomic
def achievement_inquire(*, actor, achievement: Achievement, enterprise: Organisation, message: str) -> Inquiry:
    """An enterprise asks about a listed achievement: a lead in the push funnel.

    The enterprise's live push of the achievement (one is made, source "inquiry", when there is none)
    moves to 'interested' unless it is already further on; the question is kept on the push. The
    same person asking again updates their question: no second lead, no second notification."""
    achievement = _lock(Achievement, achievement.pk)  # the listing as it is now, not as the caller read it
    require(actor, "transfer.inquire_achievement", achievement,
            _("Only members of an enterprise can ask about a listed achievement."))
    if enterprise is None or enterprise.pk not in inquiry_enterprises(actor):
        raise ValidationError({"enterprise": _("Ask on behalf of an enterprise you belong to.")})
    message = (message or "").strip()
    if not message:
        raise ValidationError({"message": _("Write your question or what you are interested in.")})
    if len(message) > 2000:
        raise ValidationError({"message": _("Keep the question under 2,000 characters.")})
    now = timezone.now()
    push = (Push.objects.select_for_update().filter(achievement=achievement, enterprise=enterprise,
                                                    status__in=LIVE_PUSH_STATUSES + (P.DEAL,)).first())
    if push is None:
        if achievement.status == S.SCREENED:
            _move_achievement(achievement, S.PUSHED)
            achievement.save(update_fields=["status", "updated_at"])
        push = Push.objects.create(achievement=achievement, enterprise=enterprise, source=Push.Source.INQUIRY,
                                   status=P.INTERESTED, viewed_at=now, responded_at=now, response_note=message)
        audit_log(actor=actor, action="push.create", target=push, source=Push.Source.INQUIRY)
    elif push.status in (P.PUSHED, P.VIEWED):
        _move_push(push, P.INTERESTED)
        push.viewed_at = push.viewed_at or now
        push.responded_at = now
        push.response_note = push.response_note or message
        push.save(update_fields=["status", "viewed_at", "responded_at", "response_note"])
        audit_log(actor=actor, action="push.interest", target=push, via="inquiry")
    inquiry, created = Inquiry.objects.update_or_create(push=push, asked_by=actor, defaults={"message": message})
    audit_log(actor=actor, action="inquiry.ask" if created else "inquiry.update", target=inquiry)
    if created:
        notify(recipients=_inquiry_recipients(achievement), event="transfer.inquiry_received",
               params={"enterprise": enterprise, "achievement": achievement, "message": message},
               url=f"/transfer/pushes/{push.pk}/")
    return inquiry


def _validate_roadshow(data: dict) -> None:
    errors = {}
    if not (data.get("title") or "").strip():
        errors["title"] = _("Give the roadshow a title.")
    if not (data.get("place") or "").strip() and not (data.get("online_url") or "").strip():
        errors["place"] = _("Give a place or an online link (or both).")
    starts_at, deadline = data.get("starts_at"), data.get("registration_deadline")
    if starts_at is None:
        errors["starts_at"] = _("Give the date and time of the roadshow.")
    if deadline is None:
        errors["registration_deadline"] = _("Give the registration deadline.")
    elif starts_at is not None and deadline > starts_at:
        errors["registration_deadline"] = _("Registration must close before the roadshow starts.")
    capacity = data.get("capacity")
    if capacity is None or int(capacity) < 1:
        errors["capacity"] = _("The capacity must be at least one seat.")
    if errors:
        raise ValidationError(errors)


ROADSHOW_FIELDS = {"title", "starts_at", "place", "online_url", "description", "capacity", "registration_deadline"}


@transaction.atomic
def roadshow_create(*, actor, organiser: Organisation, achievements: Iterable[Achievement] = (), **data) -> Roadshow:
    """路演: organised by a university's technology-transfer office (or platform staff)."""
    if not (is_platform_admin(actor) or organiser.pk in roadshow_organisers(actor)):
        raise PermissionDenied(_("Only technology-transfer staff and brokers of %(org)s can organise its roadshows.")
                               % {"org": organiser})
    unknown = set(data) - ROADSHOW_FIELDS
    if unknown:
        raise ValueError(f"Unknown roadshow fields: {unknown}")
    _validate_roadshow(data)
    achievements = list(Achievement.objects.filter(pk__in=[a.pk for a in achievements]))  # current statuses
    hidden = [a for a in achievements if a.status not in INQUIRABLE_STATUSES]
    if hidden:
        raise ValidationError({"achievements": _("Only listed achievements can be presented: %(titles)s.")
                               % {"titles": "、".join(a.title for a in hidden)}})
    roadshow = Roadshow.objects.create(organiser=organiser, created_by=actor, **data)
    roadshow.achievements.set(achievements)
    audit_log(actor=actor, action="roadshow.create", target=roadshow)
    return roadshow


@transaction.atomic
def roadshow_register(*, actor, roadshow: Roadshow, enterprise: Organisation) -> RoadshowRegistration:
    require(actor, "transfer.register_roadshow", roadshow,
            _("Roadshows are for enterprises: register as a member of one."))
    if enterprise is None or enterprise.pk not in inquiry_enterprises(actor):
        raise ValidationError({"enterprise": _("Register on behalf of an enterprise you belong to.")})
    roadshow = _lock(Roadshow, roadshow.pk)  # seats are counted under the lock: no overbooking
    if timezone.now() > roadshow.registration_deadline:
        raise ValidationError(_("Registration for this roadshow has closed."))
    existing = roadshow.registrations.filter(user=actor).first()
    if existing is not None:
        return existing
    if roadshow.registrations.count() >= roadshow.capacity:
        raise ValidationError(_("This roadshow is full."))
    registration = RoadshowRegistration.objects.create(roadshow=roadshow, user=actor, enterprise=enterprise)
    audit_log(actor=actor, action="roadshow.register", target=roadshow, enterprise=enterprise.pk)
    if roadshow.created_by_id:
        notify(recipients=[roadshow.created_by], event="transfer.roadshow_registration",
               params={"enterprise": enterprise, "roadshow": roadshow}, url=f"/transfer/roadshows/{roadshow.pk}/")
    return registration


@transaction.atomic
def roadshow_cancel(*, actor, roadshow: Roadshow) -> None:
    """Cancel one's own registration (until the roadshow starts)."""
    roadshow = _lock(Roadshow, roadshow.pk)
    registration = roadshow.registrations.filter(user=actor).first()
    if registration is None:
        raise ValidationError(_("You are not registered for this roadshow."))
    if timezone.now() >= roadshow.starts_at:
        raise ValidationError(_("The roadshow has started; a registration can no longer be cancelled."))
    registration.delete()
    audit_log(actor=actor, action="roadshow.cancel", target=roadshow)


# ---------------------------------------------------------------- income (issue 11)
# Contracts, receipts (到账), the distribution rule, payouts, and the annual report. A receipt is split
# by the rule in force (or the contract's override) into four parts, and the team's part into payouts
# to named people of the team; `transfer.income` holds the arithmetic and its remainder rule.

from .income import split_amount, split_shares  # noqa: E402
from .models import (  # noqa: E402
    AnnualReport,
    Contract,
    ContractTeamShare,
    Distribution,
    DistributionRule,
    EquityDisposal,
    EquityHolding,
    Payout,
    Receipt,
    RoyaltyReport,
)

CONTRACT_KIND_OF_DEAL = {Deal.Kind.ASSIGNMENT: Contract.Kind.ASSIGNMENT, Deal.Kind.LICENCE: Contract.Kind.LICENCE,
                         Deal.Kind.EQUITY: Contract.Kind.EQUITY, Deal.Kind.SPIN_OFF: Contract.Kind.EQUITY}
SHARE_NAMES = ("inventors_percent", "school_percent", "tto_percent", "university_percent")
PAYOUT_TRANSITIONS = {Payout.Status.DUE: {Payout.Status.APPROVED}, Payout.Status.APPROVED: {Payout.Status.PAID},
                      Payout.Status.PAID: set()}


def _institution_of(organisation: Organisation) -> Organisation:
    return organisation.parent if organisation.parent_id else organisation


def _contract_for_deal(deal: Deal, actor) -> Contract:
    """The contract of a deal (made with the deal; deals recorded before contracts got one by migration)."""
    achievement = deal.achievement
    contract = Contract(
        institution=_institution_of(achievement.owner), school=achievement.school,
        kind=CONTRACT_KIND_OF_DEAL[deal.kind],
        licence_type=deal.exclusivity if deal.kind == Deal.Kind.LICENCE else "",
        title=achievement.title[:200], deal=deal, achievement=achievement, counterparty=deal.counterparty,
        amount=deal.price, signed_on=deal.signed_on, created_by=actor,
    )
    contract.save()
    return contract


def _clean_registration(number: str, date, exclude_pk=None) -> str:
    number = (number or "").strip()
    if number and Contract.objects.filter(registration_number=number).exclude(pk=exclude_pk).exists():
        raise ValidationError({"registration_number": _("Registration number %(number)s is already used by "
                                                        "another contract.") % {"number": number}})
    if date and not number:
        raise ValidationError({"registration_number": _("Give the registration number with its date.")})
    return number


@transaction.atomic
def contract_create(*, actor, kind: str, institution: Organisation, title: str, amount, signed_on: datetime.date,
                    counterparty: Organisation | None = None, school: Organisation | None = None,
                    joint_center=None, project=None, achievement: Achievement | None = None,
                    registration_number: str = "", registration_date=None) -> Contract:
    """A technology development / consulting / service contract (技术开发/咨询/服务); transformation
    contracts (assignment, licence, equity) come from deals."""
    if not permissions_handles(actor, institution, school):
        raise PermissionDenied(_("Only technology-transfer staff of %(org)s can record its contracts.")
                               % {"org": institution})
    if kind in Contract.TRANSFORMATION_KINDS:
        raise ValidationError({"kind": _("Assignments, licences and equity contributions are recorded as deals.")})
    if kind not in Contract.COLLABORATION_KINDS:
        raise ValidationError({"kind": _("Unknown contract type %(kind)s.") % {"kind": kind}})
    if school is not None and school.parent_id != institution.pk:
        raise ValidationError({"school": _("%(school)s is not a school of %(org)s.") % {"school": school,
                                                                                          "org": institution}})
    if joint_center is None and project is None:
        raise ValidationError({"joint_center": _("Name the joint center or the project the contract comes from.")})
    if joint_center is not None and joint_center.university_id not in (institution.pk, getattr(school, "pk", None)):
        raise ValidationError({"joint_center": _("The joint center is not one of %(org)s.") % {"org": institution}})
    amount = parse_decimal(amount, label=_("Contract amount"))
    if not (title or "").strip():
        raise ValidationError({"title": _("Give the contract a title.")})
    number = _clean_registration(registration_number, registration_date)
    contract = Contract(kind=kind, institution=institution, school=school, title=title.strip()[:200], amount=amount,
                        signed_on=signed_on, counterparty=counterparty, joint_center=joint_center, project=project,
                        achievement=achievement, registration_number=number, registration_date=registration_date,
                        created_by=actor)
    contract.full_clean(validate_constraints=False)
    contract.save()
    audit_log(actor=actor, action="contract.create", target=contract, kind=kind, amount=str(amount))
    return contract


def permissions_handles(actor, institution, school=None) -> bool:
    from .permissions import handles_income_of

    return handles_income_of(actor, institution.pk, school.pk if school else None)


@transaction.atomic
def contract_set_registration(*, actor, contract: Contract, registration_number: str,
                              registration_date=None) -> Contract:
    """技术合同认定登记: the number and date the technology market gave the contract."""
    require(actor, "transfer.change_contract", contract)
    contract = _lock(Contract, contract.pk)
    contract.registration_number = _clean_registration(registration_number, registration_date, contract.pk)
    contract.registration_date = registration_date
    contract.save(update_fields=["registration_number", "registration_date"])
    audit_log(actor=actor, action="contract.registration", target=contract, number=contract.registration_number)
    return contract


def _clean_four_shares(values: dict, *, label: str) -> dict:
    shares = {}
    for name in SHARE_NAMES:
        shares[name] = parse_decimal(values.get(name), label=label, maximum=Decimal("100"))
    total = sum(shares.values())
    if total != Decimal("100"):
        raise ValidationError(_("The shares of the inventors' team, school, TTO and university add up to "
                                "%(total)s%%; they must add up to exactly 100%%.") % {"total": total},
                              code="shares_total")
    return shares


@transaction.atomic
def distribution_rule_set(*, actor, institution: Organisation, inventors_percent, school_percent, tto_percent,
                          university_percent, inventors_min, inventors_max) -> DistributionRule:
    """The institution's income-distribution rule (收益分配办法); applies to receipts recorded from now on."""
    require(actor, "transfer.set_distribution_rule", institution,
            _("Only technology-transfer staff of %(org)s can set its distribution rule.") % {"org": institution})
    shares = _clean_four_shares({"inventors_percent": inventors_percent, "school_percent": school_percent,
                                 "tto_percent": tto_percent, "university_percent": university_percent},
                                label=_("A share"))
    low = parse_decimal(inventors_min, label=_("Lowest inventors' share"), maximum=Decimal("100"))
    high = parse_decimal(inventors_max, label=_("Highest inventors' share"), maximum=Decimal("100"))
    if low > high:
        raise ValidationError({"inventors_min": _("The lowest inventors' share is above the highest.")})
    if not low <= shares["inventors_percent"] <= high:
        raise ValidationError({"inventors_percent": _("The inventors' share must lie between %(low)s%% and "
                                                      "%(high)s%%.") % {"low": low, "high": high}})
    rule = DistributionRule.objects.select_for_update().filter(institution=institution).first() \
        or DistributionRule(institution=institution)
    for name, value in shares.items():
        setattr(rule, name, value)
    rule.inventors_min, rule.inventors_max, rule.updated_by = low, high, actor
    rule.save()
    audit_log(actor=actor, action="distribution_rule.set", target=institution,
              shares=[str(shares[n]) for n in SHARE_NAMES], limits=[str(low), str(high)])
    return rule


@transaction.atomic
def contract_set_distribution(*, actor, contract: Contract, shares: dict | None = None,
                              team: Sequence[dict] | None = None) -> Contract:
    """Override the rule for one contract (within the rule's limits on the inventors' share) and/or name how
    the team's part is split among people of the team: team = [{"person": user, "percent": "60"}, …]."""
    require(actor, "transfer.change_contract", contract,
            _("Only technology-transfer staff of the institution can change this contract's distribution."))
    contract = _lock(Contract, contract.pk)
    if shares is not None:
        rule = selectors.distribution_rule_of(contract.institution)
        clean = _clean_four_shares(shares, label=_("A share"))
        if not rule.inventors_min <= clean["inventors_percent"] <= rule.inventors_max:
            raise ValidationError({"inventors_percent": _(
                "The policy of %(org)s allows an inventors' share between %(low)s%% and %(high)s%%.")
                % {"org": contract.institution, "low": rule.inventors_min, "high": rule.inventors_max}},
                code="outside_policy")
        for name, value in clean.items():
            setattr(contract, name, value)
        contract.save(update_fields=list(SHARE_NAMES))
    if team is not None:
        allowed = {user.pk: user for user in selectors.contract_team(contract)}
        rows, total = [], Decimal("0")
        for index, entry in enumerate(team, start=1):
            person = entry.get("person")
            if person is None or person.pk not in allowed:
                raise ValidationError({"team": _("%(person)s is not on the team of this achievement; payouts go "
                                                 "only to its inventors.") % {"person": person or "—"}},
                                      code="not_on_team")
            percent = parse_decimal(entry.get("percent"), label=_("Share %(n)s") % {"n": index},
                                    minimum=Decimal("0.01"), maximum=Decimal("100"))
            total += percent
            rows.append(ContractTeamShare(contract=contract, person=person, percent=percent))
        if len({row.person_id for row in rows}) != len(rows):
            raise ValidationError({"team": _("Each person may appear once in the team split.")})
        if rows and total != Decimal("100"):
            raise ValidationError({"team": _("The team split adds up to %(total)s%%; it must add up to exactly "
                                             "100%%.") % {"total": total}}, code="shares_total")
        contract.team_shares.all().delete()
        ContractTeamShare.objects.bulk_create(rows)
    audit_log(actor=actor, action="contract.distribution", target=contract,
              shares=[str(getattr(contract, n)) for n in SHARE_NAMES] if shares is not None else None,
              team=[f"{row.person}: {row.percent}%" for row in rows] if team is not None else None)
    return contract


def _shares_for(contract: Contract) -> dict:
    source = contract if contract.has_override else selectors.distribution_rule_of(contract.institution)
    return {name: getattr(source, name) for name in SHARE_NAMES}


def _team_weights(contract: Contract) -> list[tuple]:
    named = list(contract.team_shares.select_related("person").order_by("pk"))
    if named:
        return [(row.person, row.percent) for row in named]
    return [(person, Decimal(1)) for person in selectors.contract_team(contract)]


def _distribute(receipt: Receipt, contract: Contract, *, shares_received: Decimal | None = None) -> Distribution:
    """Split a receipt into the four parts and the team's part into payouts, each sum exact to the fen."""
    percents = _shares_for(contract)
    parts = split_amount(receipt.amount, [(name, percents[name]) for name in SHARE_NAMES])
    distribution = Distribution.objects.create(
        receipt=receipt, **percents, inventors_amount=parts["inventors_percent"], school_amount=parts["school_percent"],
        tto_amount=parts["tto_percent"], university_amount=parts["university_percent"])
    weights = _team_weights(contract)
    if weights and distribution.inventors_amount > 0:
        amounts = split_amount(distribution.inventors_amount, [(p.pk, w) for p, w in weights])
        equity = receipt.form == Receipt.Form.EQUITY
        team_shares = None
        if equity and shares_received:
            team_total = shares_received * percents["inventors_percent"] / Decimal(100)
            team_shares = split_shares(team_total, [(p.pk, w) for p, w in weights])
        Payout.objects.bulk_create([Payout(
            distribution=distribution, person=person, amount=amounts[person.pk],
            kind=Payout.Kind.EQUITY if equity else Payout.Kind.CASH,
            shares=team_shares[person.pk] if team_shares else None,
            tax_treatment=Payout.Tax.DEFERRED if equity else Payout.Tax.HALF_WAGE,
        ) for person, _weight in weights])
        notify(recipients=[person for person, _w in weights], event="transfer.payout_due",
               params={"contract": contract, "kind": "equity" if equity else "cash"},
               url="/transfer/income/payouts/")
    return distribution


def _check_receipt(contract: Contract, amount, over_reason: str, received_on) -> tuple[Decimal, str]:
    if received_on is None:
        raise ValidationError({"received_on": _("Give the date the money was received.")})
    try:
        number = parse_decimal(amount, label=_("Amount received"), minimum=None)
    except ValidationError as exc:
        raise ValidationError({"amount": exc.messages}, code="not_a_number")
    if number <= 0:
        raise ValidationError({"amount": _("An amount received must be more than zero (it was %(amount)s).")
                               % {"amount": number}}, code="not_positive")
    reason = (over_reason or "").strip()
    total = selectors.contract_received(contract) + number
    if total > contract.amount and not reason:
        raise ValidationError({"over_reason": _(
            "With this receipt %(total)s CNY would have been received, more than the contract amount of "
            "%(amount)s CNY: state the reason (e.g. royalties beyond the estimate, a supplementary agreement).")
            % {"total": f"{total:,.2f}", "amount": f"{contract.amount:,.2f}"}}, code="over_contract")
    return number, reason[:300]


def _record_receipt(*, actor, contract, received_on, amount, note="", over_reason="", form=Receipt.Form.CASH,
                    shares_received=None, **links) -> Receipt:
    amount, reason = _check_receipt(contract, amount, over_reason, received_on)
    receipt = Receipt.objects.create(contract=contract, received_on=received_on, amount=amount, form=form,
                                     note=(note or "").strip()[:300], over_reason=reason, created_by=actor, **links)
    _distribute(receipt, contract, shares_received=shares_received)
    audit_log(actor=actor, action="receipt.record", target=contract, amount=str(amount),
              received_on=str(received_on), over_reason=reason)
    return receipt


@transaction.atomic
def receipt_record(*, actor, contract: Contract, received_on: datetime.date, amount, note: str = "",
                   over_reason: str = "") -> Receipt:
    """到账: money received under a contract, distributed at once into parts and payouts."""
    require(actor, "transfer.change_contract", contract,
            _("Only technology-transfer staff of the institution can record money received."))
    contract = _lock(Contract, contract.pk)  # receipts of one contract are totalled one at a time
    return _record_receipt(actor=actor, contract=contract, received_on=received_on, amount=amount, note=note,
                           over_reason=over_reason)


@transaction.atomic
def royalty_report_record(*, actor, contract: Contract, period_start: datetime.date, period_end: datetime.date,
                          royalty_amount, received_on: datetime.date, sales_amount=0, note: str = "",
                          over_reason: str = "") -> RoyaltyReport:
    """A licensee's royalty report for a period, and the royalty received (a receipt)."""
    require(actor, "transfer.change_contract", contract,
            _("Only technology-transfer staff of the institution can record royalties."))
    contract = _lock(Contract, contract.pk)
    if contract.kind != Contract.Kind.LICENCE:
        raise ValidationError(_("Royalty reports belong to licences."), code="not_a_licence")
    if not period_start or not period_end or period_end < period_start:
        raise ValidationError({"period_end": _("The period cannot end before it starts.")})
    if contract.royalty_reports.filter(period_start=period_start).exists():
        raise ValidationError({"period_start": _("A royalty report for the period from %(date)s is already "
                                                 "recorded.") % {"date": period_start}}, code="duplicate_period")
    sales = parse_decimal(sales_amount or 0, label=_("Licensee's sales"))
    amount, _reason = _check_receipt(contract, royalty_amount, over_reason, received_on)
    report = RoyaltyReport.objects.create(contract=contract, period_start=period_start, period_end=period_end,
                                          sales_amount=sales, royalty_amount=amount, note=(note or "").strip(),
                                          created_by=actor)
    _record_receipt(actor=actor, contract=contract, received_on=received_on, amount=amount, over_reason=over_reason,
                    note=_("Royalty %(start)s – %(end)s") % {"start": period_start, "end": period_end},
                    royalty_report=report)
    audit_log(actor=actor, action="royalty.record", target=contract, amount=str(amount),
              period=f"{period_start}–{period_end}")
    return report


@transaction.atomic
def equity_holding_record(*, actor, contract: Contract, shares, acquired_on: datetime.date, company_name: str = "",
                          company: IncubatedCompany | None = None, value=None, over_reason: str = "") -> EquityHolding:
    """The shares an equity contribution (作价投资) brought in: a receipt in shares, valued at `value`
    (the contract amount by default), distributed as equity rewards (股权奖励) to the team."""
    require(actor, "transfer.change_contract", contract,
            _("Only technology-transfer staff of the institution can record shares held."))
    contract = _lock(Contract, contract.pk)
    if contract.kind != Contract.Kind.EQUITY:
        raise ValidationError(_("Shares are held from equity contributions only."), code="not_equity")
    if EquityHolding.objects.filter(contract=contract).exists():
        raise ValidationError(_("The shares of this contract are already recorded; record disposals instead."),
                              code="duplicate_holding")
    count = parse_decimal(shares, label=_("Shares"), minimum=None)
    if count <= 0:
        raise ValidationError({"shares": _("The number of shares must be more than zero.")})
    name = (company_name or (company.name if company else "")).strip()
    if not name:
        raise ValidationError({"company_name": _("Name the company whose shares are held.")})
    holding = EquityHolding.objects.create(contract=contract, company=company, company_name=name[:200], shares=count,
                                           acquired_on=acquired_on)
    _record_receipt(actor=actor, contract=contract, received_on=acquired_on,
                    amount=contract.amount if value in (None, "") else value, over_reason=over_reason,
                    form=Receipt.Form.EQUITY, shares_received=count, holding=holding,
                    note=_("Shares of %(company)s") % {"company": name})
    audit_log(actor=actor, action="equity.holding", target=contract, shares=str(count), company=name)
    return holding


@transaction.atomic
def equity_disposal_record(*, actor, holding: EquityHolding, disposed_on: datetime.date, shares, proceeds,
                           note: str = "", over_reason: str = "") -> EquityDisposal:
    """A sale of part of a holding; the proceeds, if any, are a cash receipt of the contract."""
    contract = holding.contract
    require(actor, "transfer.change_contract", contract,
            _("Only technology-transfer staff of the institution can record disposals."))
    contract = _lock(Contract, contract.pk)
    holding = EquityHolding.objects.get(pk=holding.pk)
    count = parse_decimal(shares, label=_("Shares"), minimum=None)
    if count <= 0:
        raise ValidationError({"shares": _("The number of shares must be more than zero.")})
    disposed = sum((d.shares for d in holding.disposals.all()), Decimal(0))
    if count > holding.shares - disposed:
        raise ValidationError({"shares": _("Only %(held)s shares are still held.") % {"held": holding.shares - disposed}},
                              code="more_than_held")
    money = parse_decimal(proceeds, label=_("Proceeds"))
    disposal = EquityDisposal.objects.create(holding=holding, disposed_on=disposed_on, shares=count, proceeds=money,
                                             note=(note or "").strip())
    if money > 0:
        _record_receipt(actor=actor, contract=contract, received_on=disposed_on, amount=money, disposal=disposal,
                        over_reason=over_reason, note=_("Sale of %(shares)s shares") % {"shares": count})
    audit_log(actor=actor, action="equity.disposal", target=contract, shares=str(count), proceeds=str(money))
    return disposal


def _move_payout(payout: Payout, to: str) -> None:
    if to not in PAYOUT_TRANSITIONS[payout.status]:
        raise ValidationError(_("A payout cannot move from “%(from)s” to “%(to)s”.")
                              % {"from": payout.get_status_display(), "to": Payout.Status(to).label},
                              code="illegal_transition")
    payout.status = to


@transaction.atomic
def payout_approve(*, actor, payout: Payout, tax_treatment: str | None = None) -> Payout:
    require(actor, "transfer.change_payout", payout, _("Only technology-transfer staff can approve payouts."))
    payout = Payout.objects.select_for_update(of=("self",)).get(pk=payout.pk)
    _move_payout(payout, Payout.Status.APPROVED)
    if tax_treatment:
        if tax_treatment not in Payout.Tax.values:
            raise ValidationError({"tax_treatment": _("Unknown tax treatment %(tax)s.") % {"tax": tax_treatment}})
        payout.tax_treatment = tax_treatment
    payout.approved_by, payout.approved_at = actor, timezone.now()
    payout.save(update_fields=["status", "tax_treatment", "approved_by", "approved_at"])
    audit_log(actor=actor, action="payout.approve", target=payout, tax=payout.tax_treatment)
    return payout


@transaction.atomic
def payout_mark_paid(*, actor, payout: Payout, paid_on: datetime.date) -> Payout:
    require(actor, "transfer.change_payout", payout, _("Only technology-transfer staff can record payments."))
    payout = Payout.objects.select_for_update(of=("self",)).get(pk=payout.pk)
    if paid_on is None:
        raise ValidationError({"paid_on": _("Give the date of payment.")})
    _move_payout(payout, Payout.Status.PAID)
    payout.paid_on = paid_on
    payout.save(update_fields=["status", "paid_on"])
    audit_log(actor=actor, action="payout.pay", target=payout, paid_on=str(paid_on))
    notify(recipients=[payout.person], event="transfer.payout_paid", params={"amount": str(payout.amount)},
           url="/transfer/income/payouts/")
    return payout


# ---------------------------------------------------------------- the annual report

@transaction.atomic
def annual_report_generate(*, actor, institution: Organisation, year: int, narrative: str = "",
                           notes: str = "") -> AnnualReport:
    """Start a (new version of the) annual report; the figures are computed in Celery (`build_annual_report`)."""
    from .permissions import report_institutions

    if not report_institutions(actor).filter(pk=institution.pk).exists():
        raise PermissionDenied(_("Only technology-transfer staff of %(org)s can write its annual report.")
                               % {"org": institution})
    try:
        year = int(year)
    except (TypeError, ValueError):
        year = 0
    this_year = timezone.localdate().year
    if not 1990 <= year <= this_year:
        raise ValidationError({"year": _("Choose a year from 1990 to %(year)s.") % {"year": this_year}})
    # One report row per (institution, year) is locked while the next version number is taken.
    Organisation.objects.select_for_update().filter(pk=institution.pk).first()
    last = AnnualReport.objects.filter(institution=institution, year=year).order_by("-version").first()
    report = AnnualReport.objects.create(
        institution=institution, year=year, version=(last.version + 1) if last else 1,
        narrative=(narrative or "").strip() or (last.narrative if last else ""),
        notes=(notes or "").strip() or (last.notes if last else ""), created_by=actor)
    audit_log(actor=actor, action="annual_report.generate", target=report, version=report.version)
    from .tasks import build_annual_report

    transaction.on_commit(lambda: build_annual_report.delay(report.pk))
    return report


def annual_report_build(*, report_id: int) -> bool:
    """Compute parts 2–6 of a report (idempotent: a report already built is left as it is)."""
    with transaction.atomic():
        report = AnnualReport.objects.select_for_update().filter(pk=report_id).first()
        if report is None or report.status != AnnualReport.Status.GENERATING:
            return False
        institution = report.institution

    def progress(percent):
        AnnualReport.objects.filter(pk=report_id).update(progress=min(percent, 99))

    data = selectors.annual_report_figures(institution, report.year, progress=progress)
    with transaction.atomic():
        report = AnnualReport.objects.select_for_update().get(pk=report_id)
        if report.status != AnnualReport.Status.GENERATING:
            return False
        report.data, report.status, report.progress, report.generated_at = data, AnnualReport.Status.READY, 100, \
            timezone.now()
        report.save(update_fields=["data", "status", "progress", "generated_at"])
        audit_log(actor=None, action="annual_report.built", target=report)
        if report.created_by_id:
            notify(recipients=[report.created_by], event="transfer.annual_report_ready", params={"report": report},
                   url=f"/transfer/income/reports/{report.pk}/")
    return True


@transaction.atomic
def annual_report_edit(*, actor, report: AnnualReport, narrative: str, notes: str) -> AnnualReport:
    """Part 1 (the year's work) and the notes: the TTO's text. Computed figures cannot be edited."""
    require(actor, "transfer.change_annual_report", report)
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    if report.status == AnnualReport.Status.SUBMITTED:
        raise ValidationError(_("A submitted report is kept as it was; generate a new version to change it."),
                              code="submitted")
    report.narrative, report.notes = (narrative or "").strip(), (notes or "").strip()
    report.save(update_fields=["narrative", "notes"])
    audit_log(actor=actor, action="annual_report.edit", target=report)
    return report


@transaction.atomic
def annual_report_submit(*, actor, report: AnnualReport, agency: Organisation) -> AnnualReport:
    """Submit the report to the competent department (a government agency)."""
    require(actor, "transfer.change_annual_report", report)
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    if report.status != AnnualReport.Status.READY:
        raise ValidationError(_("Only a generated report that was not yet submitted can be submitted."),
                              code="not_ready")
    if agency.kind != Organisation.Kind.GOVERNMENT:
        raise ValidationError({"agency": _("%(org)s is not a government agency.") % {"org": agency}})
    if not report.narrative:
        raise ValidationError({"narrative": _("Write part 1, the year's work, before submitting.")})
    report.status, report.submitted_to, report.submitted_at = AnnualReport.Status.SUBMITTED, agency, timezone.now()
    report.save(update_fields=["status", "submitted_to", "submitted_at"])
    audit_log(actor=actor, action="annual_report.submit", target=report, agency=str(agency))
    officers = get_user_model().objects.filter(memberships__organisation=agency, memberships__is_active=True,
                                               memberships__role=Role.PROGRAM_OFFICER).distinct()
    notify(recipients=list(officers), event="transfer.annual_report_submitted", params={"report": report},
           url=f"/transfer/income/reports/{report.pk}/")
    return report


# ---------------------------------------------------------------- batch screening (issue 11 §5)

BATCH_LIMIT = 500
BATCH_ACTIONS = ("screen", "assign_to_me")


@transaction.atomic
def achievements_screen_batch(*, actor, achievements: Sequence[Achievement], reason: str, action: str) -> int:
    """Many stock achievements, one reason, one action: all of them, or (on any refusal) none."""
    if action not in BATCH_ACTIONS:
        raise ValidationError({"action": _("Unknown action %(action)s.") % {"action": action}})
    achievements = list(achievements)
    if not achievements:
        raise ValidationError({"achievements": _("Select at least one achievement.")})
    if len(achievements) > BATCH_LIMIT:
        raise ValidationError({"achievements": _("At most %(n)s achievements at a time.") % {"n": BATCH_LIMIT}})
    reason = (reason or "").strip()
    if action == "screen" and not reason:
        raise ValidationError({"reason": _("Say why these achievements are easy to transfer.")})
    for achievement in achievements:
        if action == "screen":
            achievement_screen(actor=actor, achievement=achievement, reason=reason)
        else:
            achievement_assign_broker(actor=actor, achievement=achievement, broker=actor)
    return len(achievements)
