from celery import shared_task
from django.utils import timezone

from . import selectors, services

FEE_REMINDER_DAYS = 30


@shared_task(name="transfer.send_fee_reminders", acks_late=True, time_limit=30 * 60)
def send_fee_reminders(days_ahead: int = FEE_REMINDER_DAYS) -> int:
    """Daily: announce annual fees falling due within `days_ahead`; each due date is announced once."""
    today = timezone.localdate()
    sent = 0
    for patent_id in selectors.patents_with_fee_due(today=today, days_ahead=days_ahead).values_list("pk", flat=True):
        sent += services.patent_send_fee_reminder(patent_id=patent_id, today=today)
    return sent


@shared_task(name="transfer.build_annual_report", acks_late=True, time_limit=30 * 60)
def build_annual_report(report_id: int) -> bool:
    """Compute a generated annual report's figures (a big institution's takes a while)."""
    return services.annual_report_build(report_id=report_id)


@shared_task(name="transfer.lapse_unpaid_patents", acks_late=True, time_limit=30 * 60)
def lapse_unpaid_patents() -> int:
    """Daily: granted patents still unpaid after the grace period lapse (专利权终止); idempotent."""
    today = timezone.localdate()
    return sum(services.patent_lapse_unpaid(patent_id=pk, today=today)
               for pk in selectors.patents_past_grace(today=today).values_list("pk", flat=True))
