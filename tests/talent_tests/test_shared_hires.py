from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from platform_core.models import Signature, SignoffRequest
from platform_core.signoff import signoff_reject, signoff_sign, signoffs_for
from talent import selectors, services
from talent.models import HireShare, SharedHire
from talent.services import ShareSpec

pytestmark = pytest.mark.django_db


def assert_nothing_created():
    assert SharedHire.objects.count() == 0
    assert HireShare.objects.count() == 0


def test_create_draft_with_two_enterprises_and_a_subsidy(cast):
    hire = cast.hire()
    assert hire.status == SharedHire.Status.DRAFT
    roles = {s.organisation.name_zh: s.role for s in hire.shares.all()}
    assert roles == {"秦岭新能源": "enterprise", "启明储能": "enterprise", "陕西省科学技术厅": "government"}


def test_shares_must_add_up_to_exactly_100(cast):
    with pytest.raises(ValidationError) as exc:
        cast.hire(shares=cast.shares(energy="45", storage="25", subsidy="20"))
    assert "90%" in str(exc.value) and "100%" in str(exc.value)
    assert_nothing_created()


def test_enterprise_time_over_100_percent_is_refused(cast):
    with pytest.raises(ValidationError) as exc:
        cast.hire(shares=cast.shares(energy_time="70", storage_time="40"))
    assert "110%" in str(exc.value)
    assert_nothing_created()


def test_overlapping_agreements_over_100_percent_time_are_refused(cast):
    first = cast.hire(shares=cast.shares(energy_time="60", storage_time="20"))
    services.shared_hire_submit(actor=cast.hr, hire=first)
    with pytest.raises(ValidationError) as exc:
        cast.hire(start_date=date(2027, 1, 1), end_date=date(2029, 12, 31),
                  shares=[ShareSpec(cast.storage, Decimal("100"), Decimal("30"))])
    assert "80%" in str(exc.value) and "110%" in str(exc.value)
    assert SharedHire.objects.count() == 1
    # After the first term ends the time is free again.
    later = cast.hire(start_date=date(2028, 7, 1), end_date=date(2030, 6, 30),
                      shares=[ShareSpec(cast.storage, Decimal("100"), Decimal("30"))])
    assert later.pk


def test_contract_end_before_start_is_refused(cast):
    with pytest.raises(ValidationError) as exc:
        cast.hire(start_date=date(2026, 1, 1), end_date=date(2025, 1, 1))
    assert "end_date" in exc.value.message_dict
    assert_nothing_created()


def test_only_enterprises_get_time_and_at_least_one_enterprise_pays(cast):
    with pytest.raises(ValidationError) as exc:
        cast.hire(shares=[ShareSpec(cast.government, Decimal("100"), Decimal("10"))])
    messages = " ".join(exc.value.messages)
    assert "只有企业可以分配工作时间" in messages
    assert "至少需要一家企业分担薪酬" in messages
    assert_nothing_created()


def test_another_university_cannot_hold_a_share(cast):
    from tests.factories import OrganisationFactory

    other = OrganisationFactory(kind="university")
    with pytest.raises(ValidationError):
        cast.hire(shares=[ShareSpec(cast.energy, Decimal("50")), ShareSpec(other, Decimal("50"))])
    assert_nothing_created()


def test_only_university_hr_can_recruit(cast):
    for user in (cast.energy_admin, cast.professor, cast.outsider):
        with pytest.raises(PermissionDenied):
            cast.hire(actor=user)
    assert_nothing_created()


def _pending(hire):
    return signoffs_for(hire).get(status=SignoffRequest.Status.PENDING)


def test_agreement_takes_effect_when_every_party_signed(cast):
    hire = services.shared_hire_submit(actor=cast.hr, hire=cast.hire())
    assert hire.status == SharedHire.Status.SIGNING
    request = _pending(hire)
    assert {p.organisation for p in request.parties.all()} == {cast.university, cast.energy, cast.storage,
                                                                cast.government}
    for user in (cast.hr, cast.energy_admin, cast.storage_admin):
        signoff_sign(actor=user, request_id=request.pk)
        hire.refresh_from_db()
        assert hire.status == SharedHire.Status.SIGNING
    signoff_sign(actor=cast.officer, request_id=request.pk)
    hire.refresh_from_db()
    assert hire.status == SharedHire.Status.IN_EFFECT and hire.effective_at


def test_signing_for_another_party_is_refused(cast):
    hire = services.shared_hire_submit(actor=cast.hr, hire=cast.hire())
    request = _pending(hire)
    government_party = request.parties.get(organisation=cast.government)
    with pytest.raises(PermissionDenied):
        signoff_sign(actor=cast.energy_admin, request_id=request.pk, party_id=government_party.pk)
    with pytest.raises(PermissionDenied):
        signoff_sign(actor=cast.outsider, request_id=request.pk)
    assert Signature.objects.count() == 0
    hire.refresh_from_db()
    assert hire.status == SharedHire.Status.SIGNING


def test_rejection_sends_the_agreement_back_to_draft_and_it_can_be_fixed(cast):
    hire = services.shared_hire_submit(actor=cast.hr, hire=cast.hire())
    signoff_reject(actor=cast.storage_admin, request_id=_pending(hire).pk, reason="时间分配需调整")
    hire.refresh_from_db()
    assert hire.status == SharedHire.Status.DRAFT
    services.shared_hire_update(actor=cast.hr, hire=hire, position=hire.position, annual_cost=hire.annual_cost,
                                start_date=hire.start_date, end_date=hire.end_date,
                                shares=cast.shares(storage_time="10"))
    assert hire.shares.get(organisation=cast.storage).time_percent == Decimal("10")


def test_agreement_cannot_be_changed_once_sent(cast):
    hire = services.shared_hire_submit(actor=cast.hr, hire=cast.hire())
    with pytest.raises(ValidationError):
        services.shared_hire_update(actor=cast.hr, hire=hire, position="改", annual_cost=Decimal("1"),
                                    start_date=hire.start_date, end_date=hire.end_date, shares=cast.shares())
    hire.refresh_from_db()
    assert hire.position == "首席科学家" and hire.annual_cost == Decimal("1200000.00")


def _in_effect(cast, **overrides):
    hire = services.shared_hire_submit(actor=cast.hr, hire=cast.hire(**overrides))
    request = _pending(hire)
    for user in (cast.hr, cast.energy_admin, cast.storage_admin, cast.officer):
        signoff_sign(actor=user, request_id=request.pk)
    hire.refresh_from_db()
    return hire


def test_renewal_is_a_new_draft_after_the_term(cast):
    hire = _in_effect(cast)
    renewal = services.shared_hire_renew(actor=cast.hr, hire=hire, end_date=date(2031, 6, 30))
    assert renewal.status == SharedHire.Status.DRAFT and renewal.renewal_of == hire
    assert renewal.start_date == date(2028, 7, 1)
    assert renewal.shares.count() == 3
    with pytest.raises(ValidationError):
        services.shared_hire_renew(actor=cast.hr, hire=hire, end_date=date(2031, 6, 30))


def test_termination_needs_a_date_inside_the_term(cast):
    hire = _in_effect(cast)
    with pytest.raises(ValidationError):
        services.shared_hire_terminate(actor=cast.hr, hire=hire, on_date=date(2030, 1, 1), reason="离职")
    hire.refresh_from_db()
    assert hire.status == SharedHire.Status.IN_EFFECT
    services.shared_hire_terminate(actor=cast.hr, hire=hire, on_date=date(2026, 12, 31), reason="回国")
    hire.refresh_from_db()
    assert hire.status == SharedHire.Status.TERMINATED
    assert {line.year for line in selectors.hire_cost_lines(hire)} == {2025, 2026}


def test_cost_lines_are_prorated_by_contract_months(cast):
    hire = cast.hire()
    lines = selectors.hire_cost_lines(hire)
    by_year = {}
    for line in lines:
        by_year.setdefault(line.year, {})[line.share.organisation.name_zh] = line.amount
    assert by_year[2025] == {"秦岭新能源": Decimal("270000.00"), "启明储能": Decimal("150000.00"),
                             "陕西省科学技术厅": Decimal("180000.00")}
    assert sum(by_year[2026].values()) == Decimal("1200000.00")
    assert sum(by_year[2028].values()) == Decimal("600000.00")
    assert sum(line.amount for line in lines) == Decimal("3600000.00")


def test_cost_rounding_remainder_goes_to_the_last_party(cast):
    hire = cast.hire(annual_cost=Decimal("100000.00"), start_date=date(2025, 1, 16), end_date=date(2025, 12, 31),
                     shares=[ShareSpec(cast.energy, Decimal("33.33")), ShareSpec(cast.storage, Decimal("33.33")),
                             ShareSpec(cast.government, Decimal("33.34"))])
    lines = selectors.hire_cost_lines(hire)
    months = selectors.contract_months_in_year(hire.start_date, hire.end_date, 2025)
    assert months == Decimal(16) / Decimal(31) + 11
    year_total = (hire.annual_cost * months / 12).quantize(Decimal("0.01"))
    assert sum(line.amount for line in lines) == year_total


def test_contract_months_count_part_months_by_days():
    assert selectors.contract_months_in_year(date(2025, 7, 1), date(2028, 6, 30), 2025) == 6
    assert selectors.contract_months_in_year(date(2025, 7, 1), date(2028, 6, 30), 2027) == 12
    assert selectors.contract_months_in_year(date(2025, 7, 1), date(2028, 6, 30), 2029) == 0
    assert selectors.contract_months_in_year(date(2024, 2, 15), date(2024, 3, 31), 2024) == Decimal(15) / 29 + 1


def test_cost_report_per_party_and_year_and_its_visibility(cast):
    _in_effect(cast)
    report = selectors.cost_report(selectors.cost_report_hires_visible_to(cast.storage_admin))
    storage_2026 = [r for r in report if r["organisation"] == cast.storage and r["year"] == 2026]
    assert storage_2026[0]["amount"] == Decimal("300000.00")
    assert selectors.cost_report(selectors.cost_report_hires_visible_to(cast.outsider)) == []
