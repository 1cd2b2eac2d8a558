"""The annual report (科技成果转化年度报告): figures computed from the records, versions, zero years,
submission to the competent department, xlsx / printable page / PDF, and who reads it."""
import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db.models import Sum
from openpyxl import load_workbook

from transfer import services
from transfer.models import AnnualReport, Contract, Receipt

from .income_helpers import IncomeWorld

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def w(db):
    return IncomeWorld()


def _records(w):
    """Two licences and an assignment-sized contract in 2025, one of ¥1 M+, money received in 2025 and 2026."""
    big = w.licence(price="1500000.00", signed_on=datetime.date(2025, 3, 1), title="固态电解质")
    small = w.licence(price="200000.00", signed_on=datetime.date(2025, 9, 1), title="电池热管理")
    services.receipt_record(actor=w.tto, contract=big, received_on=datetime.date(2025, 4, 1), amount="500000")
    services.royalty_report_record(actor=w.tto, contract=big, period_start=datetime.date(2025, 1, 1),
                                   period_end=datetime.date(2025, 6, 30), royalty_amount="33333.33",
                                   received_on=datetime.date(2025, 8, 1))
    services.receipt_record(actor=w.tto, contract=small, received_on=datetime.date(2025, 12, 31), amount="100000")
    services.receipt_record(actor=w.tto, contract=small, received_on=datetime.date(2026, 1, 1), amount="100000")
    return big, small


def _generate(w, year=2025, **kwargs):
    return services.annual_report_generate(actor=w.tto, institution=w.university, year=year,
                                           narrative=kwargs.pop("narrative", "本年度学校科技成果转化工作……"),
                                           **kwargs)


def test_part3_totals_equal_a_direct_sum_over_the_records(w, django_capture_on_commit_callbacks):
    _records(w)
    with django_capture_on_commit_callbacks(execute=True):
        report = _generate(w)
    report.refresh_from_db()
    assert report.status == "ready" and report.progress == 100
    p3 = report.data["part3"]
    contracts = Contract.objects.filter(institution=w.university, kind__in=Contract.TRANSFORMATION_KINDS,
                                        signed_on__year=2025)
    received = Receipt.objects.filter(contract__institution=w.university, contract__kind__in=Contract.TRANSFORMATION_KINDS,
                                      received_on__year=2025).aggregate(s=Sum("amount"))["s"]
    assert p3["total"]["count"] == contracts.count() == 2
    assert D(p3["total"]["amount"]) == contracts.aggregate(s=Sum("amount"))["s"] == D("1700000.00")
    assert D(p3["total"]["received"]) == received == D("633333.33")
    assert p3["rows"]["licence"]["band_count"] == 1 and D(p3["rows"]["licence"]["band_amount"]) == D("1500000.00")
    assert D(p3["rows"]["licence"]["band_received"]) == D("533333.33")
    p5 = report.data["part5"]
    parts = sum(D(p5[k]) for k in ("inventors", "school", "tto", "university"))
    assert parts == D(p5["received"]) == received
    assert D(p5["cash_rewards"]) == D(p5["inventors"]) and p5["people"] == 2
    assert [row["title"] for row in report.data["part6"]] == ["固态电解质", "电池热管理"]


def test_a_second_report_is_a_new_version_and_the_old_is_kept(w, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = _generate(w)
    _records(w)
    with django_capture_on_commit_callbacks(execute=True):
        second = _generate(w, narrative="")
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.version, second.version) == (1, 2)
    assert first.data["part3"]["total"]["count"] == 0 and second.data["part3"]["total"]["count"] == 2
    assert second.narrative == first.narrative  # carried over when not rewritten
    assert AnnualReport.objects.filter(institution=w.university, year=2025).count() == 2


def test_a_year_without_records_is_a_report_of_zeros(w, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = _generate(w, year=2020)
    report.refresh_from_db()
    assert report.data["empty"] is True
    assert report.data["part3"]["total"] == {"count": 0, "amount": "0.00", "received": "0.00", "band_count": 0,
                                             "band_amount": "0.00", "band_received": "0.00"}
    client.force_login(w.tto)
    page = client.get(f"/transfer/income/reports/{report.pk}/").content.decode()
    assert 'data-testid="empty-report"' in page


@pytest.mark.parametrize("year", [1989, 2999, "abc"])
def test_bad_years_are_refused_and_nothing_written(w, year):
    with pytest.raises(ValidationError):
        _generate(w, year=year)
    assert not AnnualReport.objects.exists()


def test_only_the_institutions_tto_generates_and_figures_cannot_be_typed(w, django_capture_on_commit_callbacks):
    for user in (w.broker, w.inventor, w.rd, w.officer, w.student):
        with pytest.raises(PermissionDenied):
            services.annual_report_generate(actor=user, institution=w.university, year=2025)
    assert not AnnualReport.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        report = _generate(w)
    with pytest.raises(TypeError):
        services.annual_report_edit(actor=w.tto, report=report, narrative="x", notes="y", data={"part3": {}})


def test_submitted_reports_reach_the_agency_and_its_summary(w, client, django_capture_on_commit_callbacks):
    _records(w)
    with django_capture_on_commit_callbacks(execute=True):
        report = _generate(w)
    report.refresh_from_db()
    client.force_login(w.officer)
    assert client.get(f"/transfer/income/reports/{report.pk}/").status_code == 404  # not yet submitted
    with pytest.raises(ValidationError):
        services.annual_report_submit(actor=w.tto, report=report, agency=w.enterprise)
    services.annual_report_submit(actor=w.tto, report=report, agency=w.agency)
    with pytest.raises(ValidationError):  # kept as submitted
        services.annual_report_edit(actor=w.tto, report=report, narrative="改", notes="")
    assert client.get(f"/transfer/income/reports/{report.pk}/").status_code == 200
    summary = client.get("/transfer/income/reports/?year=2025").content.decode()
    assert "¥1,700,000.00" in summary and "¥633,333.33" in summary
    client.force_login(w.rd)
    assert client.get(f"/transfer/income/reports/{report.pk}/").status_code == 404


def test_xlsx_has_one_sheet_per_part_and_pdf_renders(w, client, django_capture_on_commit_callbacks):
    _records(w)
    with django_capture_on_commit_callbacks(execute=True):
        report = _generate(w, narrative="=HYPERLINK(\"http://x\")")
    client.force_login(w.tto)
    response = client.get(f"/transfer/income/reports/{report.pk}/report.xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.sheetnames) == 6
    part1, part3 = workbook.worksheets[0], workbook.worksheets[2]
    assert part1["A3"].value.startswith("'=")  # formula injection neutralised
    totals = [row for row in part3.iter_rows(values_only=True) if row and row[0] in ("Total", "合计")][0]
    assert totals[1] == 2 and D(str(totals[2])) == D("1700000") and D(str(totals[3])) == D("633333.33")
    pdf = client.get(f"/transfer/income/reports/{report.pk}/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_check_command_finds_the_report_equal_to_the_records_and_names_a_difference(w, monkeypatch):
    _records(w)
    out = io.StringIO()
    call_command("annual_report_check", "--year", "2025", stdout=out)
    text = out.getvalue()
    assert "part 3: 2 contracts, amount ¥1700000.00, received ¥633333.33" in text
    assert "every checked figure equals the direct sum" in text

    import transfer.management.commands.annual_report_check as check
    real = check.annual_report_figures

    def one_receipt_short(institution, year):
        figures = real(institution, year)
        figures["part3"]["total"]["received"] = "600000.00"
        return figures

    monkeypatch.setattr(check, "annual_report_figures", one_receipt_short)
    with pytest.raises(CommandError, match="1 figures differ"):
        call_command("annual_report_check", "--year", "2025", "--institution", str(w.university.pk), stdout=io.StringIO(),
                     stderr=io.StringIO())
    with pytest.raises(CommandError, match="No university"):
        call_command("annual_report_check", "--institution", "nope", stdout=io.StringIO())
