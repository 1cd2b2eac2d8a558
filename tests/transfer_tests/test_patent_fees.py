"""Patent annual fees: the CNIPA schedule, escalating reminders, lapse after grace, history rows, yearly cost."""
import datetime
from decimal import Decimal

import pytest

from platform_core.models import AuditEvent, Notification
from transfer import fees, selectors, services
from transfer.models import Patent
from transfer.tasks import lapse_unpaid_patents

from .factories import valid_application_number

pytestmark = pytest.mark.django_db
D = Decimal


def test_schedule_by_type_and_year_of_term():
    assert fees.annual_fee("invention", 1) == D(900) and fees.annual_fee("invention", 6) == D(1200)
    assert fees.annual_fee("invention", 10) == D(4000) and fees.annual_fee("invention", 20) == D(8000)
    assert fees.annual_fee("invention", 21, datetime.date(2000, 1, 1)) is None
    assert fees.annual_fee("utility_model", 9) == D(2000)
    assert fees.annual_fee("utility_model", 11, datetime.date(2015, 1, 1)) is None
    assert fees.annual_fee("design", 12, datetime.date(2022, 1, 1)) == D(3000)
    assert fees.annual_fee("design", 12, datetime.date(2020, 1, 1)) is None  # 10-year term before June 2021
    assert fees.year_of_term(datetime.date(2019, 3, 10), datetime.date(2022, 3, 10)) == 4
    assert fees.late_fee(D(1200), datetime.date(2025, 3, 10), datetime.date(2025, 4, 1)) == D("0.00")
    assert fees.late_fee(D(1200), datetime.date(2025, 3, 10), datetime.date(2025, 5, 1)) == D("60.00")
    assert fees.late_fee(D(1200), datetime.date(2025, 3, 10), datetime.date(2025, 9, 9)) == D("300.00")


def test_reminder_stages():
    due = datetime.date(2025, 3, 10)
    assert fees.reminder_stage(due, datetime.date(2025, 3, 1)) == "due"
    assert fees.reminder_stage(due, datetime.date(2025, 4, 1)) == "grace"
    assert fees.reminder_stage(due, datetime.date(2025, 9, 1)) == "last_days"
    assert fees.reminder_stage(due, datetime.date(2025, 9, 11)) is None


def _patent(world, due, **kwargs):
    return services.patent_create(
        actor=world.tto, application_number=valid_application_number(kwargs.pop("serial", 111111)),
        title="一种电极", patent_type="invention", owner=world.university, filing_date=datetime.date(2019, 3, 10),
        legal_status="granted", grant_date=datetime.date(2021, 5, 1), next_fee_due=due, **kwargs)


def test_reminders_escalate_once_per_stage_then_the_patent_lapses(world):
    due = datetime.date(2025, 3, 10)
    patent = _patent(world, due)
    sent = [services.patent_send_fee_reminder(patent_id=patent.pk, today=day) for day in (
        datetime.date(2025, 3, 1), datetime.date(2025, 3, 5), datetime.date(2025, 4, 1), datetime.date(2025, 5, 1),
        datetime.date(2025, 9, 1), datetime.date(2025, 9, 5))]
    assert sent == [True, False, True, False, True, False]
    assert AuditEvent.objects.filter(action="patent.fee_reminder", target_id=str(patent.pk)).count() == 3
    assert Notification.objects.filter(event="transfer.fee_due", recipient=world.tto).exists()
    assert not services.patent_lapse_unpaid(patent_id=patent.pk, today=datetime.date(2025, 9, 10))
    assert services.patent_lapse_unpaid(patent_id=patent.pk, today=datetime.date(2025, 9, 11))
    assert not services.patent_lapse_unpaid(patent_id=patent.pk, today=datetime.date(2025, 9, 12))  # idempotent
    patent.refresh_from_db()
    assert patent.legal_status == "lapsed"
    assert list(patent.status_history.values_list("status", flat=True)) == ["granted", "lapsed"]


def test_lapse_task_takes_only_patents_past_grace(world):
    from django.utils import timezone

    today = timezone.localdate()
    old = _patent(world, fees.add_months(today, -7), serial=222222)
    fresh = _patent(world, today - datetime.timedelta(days=10), serial=333333)
    assert lapse_unpaid_patents.delay().get() == 1
    old.refresh_from_db(), fresh.refresh_from_db()
    assert (old.legal_status, fresh.legal_status) == ("lapsed", "granted")


def test_status_changes_are_history_rows(world):
    patent = services.patent_create(actor=world.tto, application_number=valid_application_number(444444),
                                    title="一种电极", patent_type="invention", owner=world.university,
                                    filing_date=datetime.date(2019, 3, 10))
    services.patent_update(actor=world.tto, patent=patent, legal_status="granted", grant_date=datetime.date(2021, 5, 1))
    services.patent_update(actor=world.tto, patent=patent, title="一种新电极")
    assert list(patent.status_history.values_list("status", flat=True)) == ["pending", "granted"]


def test_portfolio_yearly_cost_is_the_sum_of_the_schedule(world):
    _patent(world, datetime.date(2025, 3, 10), serial=555555)  # filed 2019: pays year 7 in 2025 → 2,000
    services.patent_create(actor=world.tto, application_number=valid_application_number(666666, type_digit="2"),
                           title="一种夹具", patent_type="utility_model", owner=world.university,
                           filing_date=datetime.date(2023, 1, 5), legal_status="granted",
                           grant_date=datetime.date(2023, 8, 1))  # pays year 3 in 2025 → 600
    cost = selectors.portfolio_fee_cost(Patent.objects.all(), 2025)
    assert cost["total"] == D("2600.00") and cost["patents"] == 2
    assert cost["by_type"]["invention"] == D("2000.00")
