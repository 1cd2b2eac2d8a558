"""``{% load money %}`` → ``{{ amount|money }}`` (¥1,800,000.00) or ``{{ amount|money:currency }}``."""
from django import template

from platform_core.money import format_money

register = template.Library()


@register.filter
def money(value, currency=None) -> str:
    return format_money(value, currency or None)
