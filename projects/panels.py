"""Home-page cards of the challenge → project chain: R&D managers, researchers, program officers."""
from consortia.selectors import center_and_consortium_counts
from platform_core.models import Role
from platform_core.permissions import member_organisation_ids

from . import selectors
from .models import Bid, Challenge
from .permissions import can_post_challenge

LIVE_CHALLENGE_STATUSES = ("published", "refined", "open", "awarded", "in_progress", "under_evaluation")
MILESTONE_WINDOW_DAYS = 30


def is_rd_manager(user) -> bool:
    return bool(member_organisation_ids(user, Role.RD_MANAGER))


def is_researcher(user) -> bool:
    return bool(member_organisation_ids(user, Role.RESEARCHER))


def _by_status(queryset, choices) -> list[tuple[str, str, int]]:
    counts = selectors.count_by_status(queryset)
    return [(value, label, counts[value]) for value, label in choices if counts.get(value)]


def rd_manager_panel(request) -> dict:
    """企业出题: my side's challenges by state and the bids waiting for our review."""
    user = request.user
    to_review = selectors.bids_to_review(user)
    statuses = _by_status(selectors.challenges_posted_by_side(user), Challenge.Status.choices)
    return {
        "challenge_statuses": statuses,
        "challenge_total": sum(n for _value, _label, n in statuses),
        "bids_to_review": to_review.count(),
        "next_bids": list(to_review.order_by("submitted_at")[:3]),
        "can_post": can_post_challenge(user),
    }


def researcher_panel(request) -> dict:
    """揭榜: open calls I have not bid on yet, my bids, and my projects' milestones due soon."""
    user = request.user
    open_calls = selectors.open_challenges_for(user).exclude(call__bids__lead=user)
    due = selectors.milestones_due(user, within_days=MILESTONE_WINDOW_DAYS)
    return {
        "open_count": open_calls.count(),
        "open_challenges": list(open_calls.select_related("call").order_by("call__closes_on")[:3]),
        "bid_statuses": _by_status(selectors.my_bids(user), Bid.Status.choices),
        "milestone_count": due.count(),
        "milestones": list(due[:3]),
        "window": MILESTONE_WINDOW_DAYS,
    }


def center_figures_panel(request) -> dict:
    """一中心 for the whole platform: centers, consortia and problems solved (企业出题 → 校企共同评价)."""
    funnel = selectors.challenge_funnel()
    return {
        **center_and_consortium_counts(),
        "problems_solved": funnel.get("solved", 0),
        "live_challenges": sum(funnel.get(status, 0) for status in LIVE_CHALLENGE_STATUSES),
    }
