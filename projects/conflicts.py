"""Conflict of interest in review (利益冲突回避), read by the rules, the selectors and the services.

A person has a stake in a bid when they lead it or sit on its team (whatever side they review
for: a panel member, or the partner side's chief scientist on a team), or, where the call says
so (``Call.organisation_conflicts``), when a panel member belongs to the bidding organisation or
one of its schools; a stake can also be declared for an interest no record shows. Withdrawing a
bid does not end the stake: what was seen was seen.

A person with a stake in any bid of a call is *conflicted* in that call: recused from every bid
of it (the stake's own bid and its rivals alike: no contents, no scores, no scoring). They still
see their own team's bid as a team member. Panel members must declare detected stakes; the
award cannot be proposed while one is undeclared.
"""
from django.db.models import Q

from platform_core.models import Membership

from .models import Bid, BidMember, Call, ConflictDeclaration, PanelMember

Stake = ConflictDeclaration.Stake


def _member_units(user):
    """Ids of the organisations the user belongs to, and of the universities of their schools."""
    memberships = Membership.objects.active().filter(user=user)
    return Q(organisation_id__in=memberships.values("organisation_id")) | Q(
        organisation_id__in=memberships.filter(organisation__parent__isnull=False).values("organisation__parent_id"))


def _team_bids(user):
    return Bid.objects.filter(Q(lead=user) | Q(pk__in=BidMember.objects.filter(user=user).values("bid_id")))


def conflicted_calls(user):
    """Ids of the calls the user is conflicted in (a subquery, for selectors and rules alike)."""
    if not user.is_authenticated:
        return Call.objects.none().values("pk")
    on_panel = PanelMember.objects.filter(user=user).values("call_id")
    by_organisation = Bid.objects.filter(_member_units(user), call__organisation_conflicts=True,
                                         call_id__in=on_panel)
    return Call.objects.filter(
        Q(pk__in=_team_bids(user).values("call_id")) | Q(pk__in=by_organisation.values("call_id"))
        | Q(pk__in=ConflictDeclaration.objects.filter(user=user).values("call_id"))
    ).values("pk")


def is_conflicted(user, call: Call) -> bool:
    return Call.objects.filter(pk=call.pk, pk__in=conflicted_calls(user)).exists()


def detected_stakes(user, call: Call) -> list[tuple[Bid, str]]:
    """(bid, stake) pairs the records show for the user in this call, team stakes first."""
    stakes = [(bid, Stake.TEAM) for bid in _team_bids(user).filter(call=call).order_by("pk")]
    if call.organisation_conflicts and call.panel.filter(user=user).exists():
        seen = {bid.pk for bid, _stake in stakes}
        stakes += [(bid, Stake.ORGANISATION) for bid in
                   Bid.objects.filter(_member_units(user), call=call).exclude(pk__in=seen).order_by("pk")]
    return stakes


def undeclared_stakes(call: Call) -> list[tuple[PanelMember, Bid, str]]:
    """Panel members' detected stakes in this call that they have not declared yet."""
    declared = set(call.conflicts.values_list("user_id", "bid_id"))
    return [(panelist, bid, stake) for panelist in call.panel.select_related("user")
            for bid, stake in detected_stakes(panelist.user, call) if (panelist.user_id, bid.pk) not in declared]


def conflicted_panelists(call: Call) -> list[PanelMember]:
    """Panel members conflicted in this call (their scores there do not count and are voided)."""
    ids = {panelist.pk for panelist in call.panel.select_related("user") if is_conflicted(panelist.user, call)}
    return [p for p in call.panel.all() if p.pk in ids]
