"""Patent annual fees (专利年费) by the CNIPA schedule, and the grace period after a missed due date.

Fees in CNY per year of the term, counted from the filing date (year 1 = the first year after filing),
as published by the China National Intellectual Property Administration (国家知识产权局专利收费标准).
After the due date the fee can still be paid within six months with a late fee (滞纳金): none in the
first month, then 5 % of the fee for each further month started (5 % … 25 %); after that the patent
lapses (专利权终止). Terms: invention 20 years, utility model 10, design 10 (15 for designs filed
from 1 June 2021 on).
"""
import datetime
from decimal import Decimal

# (first year, last year, fee) per patent type.
ANNUAL_FEES = {
    "invention": [(1, 3, 900), (4, 6, 1200), (7, 9, 2000), (10, 12, 4000), (13, 15, 6000), (16, 20, 8000)],
    "utility_model": [(1, 3, 600), (4, 5, 900), (6, 8, 1200), (9, 10, 2000)],
    "design": [(1, 3, 600), (4, 5, 900), (6, 8, 1200), (9, 10, 2000), (11, 15, 3000)],
}
GRACE_MONTHS = 6
LATE_FEE_PER_MONTH = Decimal("0.05")
DESIGN_15_YEARS_FROM = datetime.date(2021, 6, 1)
LAST_DAYS = 15  # the reminder escalates to "last days" this many days before the grace period ends


def term_years(patent_type: str, filing_date: datetime.date) -> int:
    if patent_type == "invention":
        return 20
    if patent_type == "design" and filing_date >= DESIGN_15_YEARS_FROM:
        return 15
    return 10


def year_of_term(filing_date: datetime.date, due: datetime.date) -> int:
    """The term year a fee due on `due` pays for (the fee due on the n-th anniversary pays year n + 1)."""
    years = due.year - filing_date.year - ((due.month, due.day) < (filing_date.month, filing_date.day))
    return max(years, 0) + 1


def annual_fee(patent_type: str, year: int, filing_date: datetime.date | None = None) -> Decimal | None:
    """The fee of a term year, or None beyond the term."""
    if filing_date is not None and year > term_years(patent_type, filing_date):
        return None
    for first, last, fee in ANNUAL_FEES.get(patent_type, ()):
        if first <= year <= last:
            return Decimal(fee)
    return None


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def grace_ends(due: datetime.date) -> datetime.date:
    return add_months(due, GRACE_MONTHS)


def late_fee(fee: Decimal, due: datetime.date, paid_on: datetime.date) -> Decimal:
    """滞纳金 for paying on `paid_on` a fee due on `due` (0 within the first month after it)."""
    if paid_on <= add_months(due, 1):
        return Decimal("0.00")
    months = 1
    while months < GRACE_MONTHS and paid_on > add_months(due, months + 1):
        months += 1
    return (fee * LATE_FEE_PER_MONTH * months).quantize(Decimal("0.01"))


def reminder_stage(due: datetime.date, today: datetime.date) -> str | None:
    """'due' before the due date, 'grace' in the grace period, 'last_days' near its end; None after it."""
    end = grace_ends(due)
    if today <= due:
        return "due"
    if today > end:
        return None
    return "last_days" if (end - today).days <= LAST_DAYS else "grace"
