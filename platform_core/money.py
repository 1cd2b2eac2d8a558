"""Amounts as people read them, one format everywhere: ¥1,800,000.00.

Pages use the ``money`` template filter (``{% load money %}``: ``{{ amount|money }}``,
``{{ amount|money:fund.currency }}``), Python text (messages, notifications, exports meant
for reading) uses :func:`format_money`. The API keeps amounts as Decimal strings.
Decimal in, text out: never through float.
"""
from decimal import Decimal, InvalidOperation

from django.conf import settings

SYMBOLS = {"CNY": "¥", "USD": "US$", "EUR": "€", "HKD": "HK$", "GBP": "£", "JPY": "JP¥"}
EMPTY = "—"


def format_money(value, currency: str | None = None) -> str:
    """1800000 → "¥1,800,000.00"; another currency by its symbol (or code); None or "" → "—"."""
    if value is None or value == "":
        return EMPTY
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError):
        return str(value)
    code = (currency or getattr(settings, "CURRENCY", "CNY") or "CNY").upper()
    symbol = SYMBOLS.get(code, f"{code} ")
    sign = "-" if amount < 0 else ""
    return f"{sign}{symbol}{abs(amount):,.2f}"
