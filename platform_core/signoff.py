"""Services for joint sign-off (双签字). See models/signoff.py for the rules.

Apps register what a decision does when it is approved or rejected:

    signoff.register_decision("projects.topic_approval", label=_("Topic approval"),
                              on_approved=topic_approved, on_rejected=topic_sent_back)

and open requests with `signoff_open(...)`. The callbacks run inside the same
transaction as the deciding signature, with the request row locked, so the effect
happens exactly once even when both sides sign at the same moment.
"""
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import audit_log
from .models import Organisation, Signature, SignoffParty, SignoffRequest
from .notifications import notify


@dataclass(frozen=True)
class Decision:
    label: object
    on_approved: Callable[[SignoffRequest], None] | None = None
    on_rejected: Callable[[SignoffRequest], None] | None = None
    # Why this signatory may not sign this decision now (a conflict of interest), or None.
    refuses: Callable[[SignoffRequest, object], str | None] | None = None


DECISIONS: dict[str, Decision] = {}


def register_decision(kind: str, *, label, on_approved=None, on_rejected=None, refuses=None) -> None:
    DECISIONS[kind] = Decision(label=label, on_approved=on_approved, on_rejected=on_rejected, refuses=refuses)


@dataclass(frozen=True)
class DecisionView:
    """What the sign-off page shows of one kind of decision: a template include and its context."""

    template: str
    context: Callable[[SignoffRequest], dict] | None = None


DECISION_VIEWS: dict[str, DecisionView] = {}


def register_decision_view(kind: str, *, template: str, context=None) -> None:
    """Show the content of `kind` decisions on their sign-off page (signatories read what they sign)."""
    DECISION_VIEWS[kind] = DecisionView(template=template, context=context)


def signoff_content(request: SignoffRequest, user) -> dict:
    """The decision's content for the sign-off page, and a link to its record when the user may open it."""
    from .sentences import OBJECTS, _url, model_key

    target = request.target
    link = ""
    if target is not None:
        spec = OBJECTS.get(model_key(type(target)))
        if spec and spec.url and spec.visible and spec.visible(user).filter(pk=target.pk).exists():
            link = _url(spec.url, target)
    view = DECISION_VIEWS.get(request.kind)
    context = {"signoff": request, "target": target}
    if view and view.context and target is not None:
        context.update(view.context(request))
    return {"template": view.template if view else "platform/signoff/generic.html", "context": context,
            "target": target, "target_link": link}


# Signing authorities: name -> resolve(params) -> the users who hold that authority now.
AUTHORITIES: dict[str, Callable[[dict], list]] = {}


def register_authority(name: str, resolve: Callable[[dict], list]) -> None:
    AUTHORITIES[name] = resolve


@dataclass
class PartySpec:
    """One side of a sign-off. With `authority` (a registered rule and its JSON params) the side's
    signatories follow role changes until it has signed; without, `signatories` is a fixed list."""

    organisation: Organisation
    label: str
    signatories: Sequence = field(default_factory=list)
    authority: str = ""
    authority_params: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.authority and not self.signatories:
            self.signatories = AUTHORITIES[self.authority](self.authority_params)


def _target_filter(target):
    return {"target_type": ContentType.objects.get_for_model(target), "target_id": str(target.pk)}


@transaction.atomic
def signoff_open(*, actor, target, kind: str, title: str, parties: Sequence[PartySpec],
                 summary: str = "", payload: dict | None = None, url: str = "") -> SignoffRequest:
    """Open a sign-off on `target` that needs one approval from each of `parties`.

    The signatories are notified with a link to the sign-off page, which shows the decision's content
    (DECISION_VIEWS) and links to the record; `url` is accepted for callers written before that.
    """
    if kind not in DECISIONS:
        raise ValueError(f"Unregistered sign-off decision {kind!r}")
    if len(parties) < 2:
        raise ValidationError(_("A joint sign-off needs at least two parties."))
    org_ids = [p.organisation.pk for p in parties]
    if len(set(org_ids)) != len(org_ids):
        raise ValidationError(_("Each party of a sign-off must be a different organisation."))
    for party in parties:
        if not party.signatories:
            raise ValidationError(
                _("%(org)s has nobody authorised to sign.") % {"org": party.organisation}
            )
    if SignoffRequest.objects.filter(kind=kind, status=SignoffRequest.Status.PENDING, **_target_filter(target)).exists():
        raise ValidationError(_("This decision is already awaiting signatures."))
    request = SignoffRequest.objects.create(
        kind=kind, title=title, summary=summary, payload=payload or {}, created_by=actor,
        **_target_filter(target),
    )
    recipients = []
    for spec in parties:
        party = SignoffParty.objects.create(request=request, organisation=spec.organisation, label=spec.label,
                                            authority=spec.authority, authority_params=spec.authority_params)
        party.signatories.set(spec.signatories)
        recipients.extend(spec.signatories)
    audit_log(actor=actor, action="signoff.open", target=request, kind=kind)
    notify(
        recipients=[u for u in recipients if u != actor],
        event="platform.signoff_requested",
        params={"signoff": request, "summary": summary[:1000]},
        url=f"/signoffs/{request.pk}/",
    )
    return request


def refresh_signatories(party: SignoffParty) -> None:
    """Make an unsigned side's signatories those who hold its authority now; the audit keeps the change."""
    if not party.authority or party.signatures.exists():
        return
    current = {u for u in AUTHORITIES[party.authority](party.authority_params) if u.is_active}
    stored = set(party.signatories.all())
    if current == stored:
        return
    party.signatories.set(current)
    audit_log(actor=None, action="signoff.signatories", target=party.request, party=party.label,
              added=sorted(str(u) for u in current - stored), removed=sorted(str(u) for u in stored - current))


def refresh_pending_signatories(organisation_ids) -> None:
    """Roles changed in these organisations: pending sign-offs follow (called from signal receivers)."""
    parties = (SignoffParty.objects.filter(request__status=SignoffRequest.Status.PENDING, signatures__isnull=True)
               .exclude(authority="").filter(Q(organisation_id__in=organisation_ids)
                                             | Q(organisation__parent_id__in=organisation_ids)))
    for party in parties.select_related("request"):
        refresh_signatories(party)


def _authorised_party(request: SignoffRequest, user) -> SignoffParty:
    parties = [p for p in request.parties.all() if user in p.signatories.all()]
    if not parties:
        raise PermissionDenied(_("You are not authorised to sign for any party of this decision."))
    unsigned = [p for p in parties if not p.signatures.exists()]
    if not unsigned:
        raise ValidationError(_("Your side has already signed this decision."))
    return unsigned[0]


def _lock_pending(request_id: int) -> SignoffRequest:
    request = SignoffRequest.objects.select_for_update().get(pk=request_id)
    if request.status != SignoffRequest.Status.PENDING:
        raise ValidationError(_("This decision is no longer awaiting signatures (%(status)s).")
                              % {"status": request.get_status_display()})
    return request


@transaction.atomic
def signoff_sign(*, actor, request_id: int, party_id: int | None = None) -> SignoffRequest:
    """Approve for the actor's side; the last approval makes the decision take effect."""
    request = _lock_pending(request_id)
    party = _choose_party(request, actor, party_id)
    _create_signature(request, party, actor, Signature.Verdict.APPROVE, "")
    audit_log(actor=actor, action="signoff.sign", target=request, party=party.label)
    if all(p.signatures.filter(verdict=Signature.Verdict.APPROVE).exists() for p in request.parties.all()):
        _resolve(request, actor, SignoffRequest.Status.APPROVED)
    return request


@transaction.atomic
def signoff_reject(*, actor, request_id: int, reason: str, party_id: int | None = None) -> SignoffRequest:
    """Reject for the actor's side with a reason; the item goes back."""
    if not reason or not reason.strip():
        raise ValidationError(_("Please give a reason for rejecting."))
    request = _lock_pending(request_id)
    party = _choose_party(request, actor, party_id)
    _create_signature(request, party, actor, Signature.Verdict.REJECT, reason.strip())
    audit_log(actor=actor, action="signoff.reject", target=request, party=party.label, reason=reason.strip())
    _resolve(request, actor, SignoffRequest.Status.REJECTED)
    return request


@transaction.atomic
def signoff_withdraw(*, actor, request_id: int) -> SignoffRequest:
    request = _lock_pending(request_id)
    if actor != request.created_by and not actor.is_superuser:
        raise PermissionDenied(_("Only the person who requested this sign-off can withdraw it."))
    request.status = SignoffRequest.Status.WITHDRAWN
    request.resolved_at = timezone.now()
    request.save(update_fields=["status", "resolved_at"])
    audit_log(actor=actor, action="signoff.withdraw", target=request)
    return request


def _choose_party(request, actor, party_id):
    # Authority is checked now, against current roles and center positions, not as it was at opening.
    for party in request.parties.all():
        refresh_signatories(party)
    refuses = DECISIONS[request.kind].refuses
    reason = refuses(request, actor) if refuses else None
    if reason:
        raise PermissionDenied(reason)
    if party_id is None:
        return _authorised_party(request, actor)
    party = request.parties.filter(pk=party_id).first()
    if party is None or not party.signatories.filter(pk=actor.pk).exists():
        raise PermissionDenied(_("You cannot sign for another party."))
    if party.signatures.exists():
        raise ValidationError(_("Your side has already signed this decision."))
    return party


def _create_signature(request, party, actor, verdict, reason):
    if request.signatures.filter(signer=actor).exists():
        raise ValidationError(_("You have already signed this decision; one person cannot sign for two sides."))
    try:
        with transaction.atomic():
            Signature.objects.create(request=request, party=party, signer=actor, verdict=verdict, reason=reason)
    except IntegrityError:
        raise ValidationError(_("Your side has already signed this decision."))


def _resolve(request, actor, status):
    request.status = status
    request.resolved_at = timezone.now()
    request.save(update_fields=["status", "resolved_at"])
    decision = DECISIONS[request.kind]
    callback = decision.on_approved if status == SignoffRequest.Status.APPROVED else decision.on_rejected
    if callback:
        callback(request)
    audit_log(actor=actor, action=f"signoff.{status}", target=request)
    people = {request.created_by} | {u for p in request.parties.all() for u in p.signatories.all()}
    notify(
        recipients=[u for u in people if u and u != actor],
        event="platform.signoff_decided", params={"signoff": request, "status": status},
        url=f"/signoffs/{request.pk}/",
    )


# Reads


def signoffs_visible_to(user):
    """Requests where the user is a signatory, the requester, or platform staff."""
    if user.is_superuser or user.is_staff:
        return SignoffRequest.objects.all()
    # Driven by the user's own signatory rows: a correlated EXISTS would test every request ever made.
    signs_for = SignoffParty.objects.filter(signatories=user).values("request_id")
    return SignoffRequest.objects.filter(Q(created_by=user) | Q(pk__in=signs_for))


def signoffs_awaiting(user):
    """Pending requests in which one of the user's sides has not signed yet."""
    unsigned_parties_of_user = SignoffParty.objects.filter(signatories=user, signatures__isnull=True)
    return (
        SignoffRequest.objects.filter(status=SignoffRequest.Status.PENDING,
                                      pk__in=unsigned_parties_of_user.values("request_id"))
        .exclude(signatures__signer=user)
    )


def signoffs_for(target):
    return SignoffRequest.objects.filter(**_target_filter(target)).prefetch_related(
        "parties__organisation", "signatures__signer", "signatures__party"
    )


def signoff_can_sign(request: SignoffRequest, user) -> bool:
    return signoffs_awaiting(user).filter(pk=request.pk).exists()
