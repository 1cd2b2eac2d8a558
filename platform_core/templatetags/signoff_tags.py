from django import template

from ..sentences import money

register = template.Library()


@register.filter(name="cny")
def cny(value) -> str:
    """An amount as the sign-off pages show it: ¥1,800,000.00."""
    if value in (None, ""):
        return "—"
    return f"¥{money(value)}"
