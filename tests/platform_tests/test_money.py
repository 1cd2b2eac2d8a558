"""Amounts read the same everywhere (issue 13, item 9): ¥1,800,000.00, one formatter in the core."""
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.template import Context, Template

from platform_core.money import format_money

REPO = Path(__file__).resolve().parents[2]
MONEY_NAMES = r"(?:budget|amount|price|cost|commitment|size|raised|paid|committed|scheduled|invested|" \
              r"tranche|subsidy|outstanding|available)"


@pytest.mark.parametrize(("value", "currency", "expected"), [
    (Decimal("1800000"), None, "¥1,800,000.00"),
    ("1800000.5", "CNY", "¥1,800,000.50"),
    (Decimal("0"), None, "¥0.00"),
    (Decimal("-1234.567"), None, "-¥1,234.57"),
    (Decimal("2500000"), "USD", "US$2,500,000.00"),
    (Decimal("10"), "XYZ", "XYZ 10.00"),
    (None, None, "—"),
    ("", None, "—"),
])
def test_format_money(value, currency, expected):
    assert format_money(value, currency) == expected


def test_the_template_filter_is_the_formatter():
    html = Template("{% load money %}{{ a|money }} | {{ b|money:'USD' }} | {{ c|money }}").render(
        Context({"a": Decimal("1800000"), "b": Decimal("3.5"), "c": None}))
    assert html == "¥1,800,000.00 | US$3.50 | —"


def _templates():
    return [p for p in REPO.glob("**/templates/**/*.html") if ".venv" not in p.parts]


def test_no_template_formats_an_amount_by_hand():
    by_hand = re.compile(r"\{\{\s*[\w.]*" + MONEY_NAMES + r"[\w.]*\s*\|\s*(?:floatformat|intcomma)"
                         r"|\{\{\s*[\w.]*(?:price|amount|budget|annual_cost)\s*\}\}|¥\{\{")
    found = [f"{p.relative_to(REPO)}: {m.group(0)}" for p in _templates() for m in by_hand.finditer(p.read_text())]
    assert not found, f"use {{% load money %}} and |money: {found}"
    assert len(_templates()) > 50


def test_every_template_using_money_loads_the_core_filter():
    missing = [str(p.relative_to(REPO)) for p in _templates()
               if "|money" in p.read_text() and not re.search(r"\{% load [^%]*\bmoney\b", p.read_text())]
    assert not missing, missing


def test_no_app_defines_its_own_money_filter():
    own = [str(p.relative_to(REPO)) for p in REPO.glob("*/templatetags/*.py")
           if "def money(" in p.read_text() and p.parts[-3] != "platform_core"]
    assert not own, own
