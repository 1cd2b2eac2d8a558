"""Home-page cards of technology transfer: the broker's queues and the platform's 一孵化 figures."""
from . import selectors

FEE_PANEL_DAYS = 30


def broker_panel(request) -> dict:
    user = request.user
    fees = selectors.fee_deadlines(user, days=FEE_PANEL_DAYS)
    return {
        "screening_queue": selectors.screening_queue(user).count(),
        "follow_up": selectors.pushes_awaiting_follow_up(user).count(),
        "fee_count": fees.count(),
        "fees": list(fees[:3]),
        "fee_days": FEE_PANEL_DAYS,
        "hand_over": selectors.projects_awaiting_hand_over(user).count(),
    }


def incubator_figures_panel(request) -> dict:
    """一孵化 for the whole platform: brokers, screened vs stock, patents transferred or licensed, companies."""
    return {
        "brokers": selectors.count_brokers(),
        "pool": selectors.pool_summary(),
        "patents_transferred": selectors.count_patents_transferred_or_licensed(),
        "companies": selectors.count_incubated_companies(),
    }
