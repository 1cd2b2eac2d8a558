from decimal import Decimal

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.simple_tag
def url_if_exists(name: str, *args) -> str:
    """Link to another app's page when that app provides it, or "" (apps are merged one by one)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@register.filter
def percent_of(part, whole) -> int:
    """Share of `whole` taken by `part`, as a whole percentage for a progress bar (0–100)."""
    if not whole:
        return 0
    return max(0, min(100, int(Decimal(part or 0) * 100 / Decimal(whole))))
