from django import template

from ..audit import audit_sentences

register = template.Library()


@register.simple_tag(takes_context=True)
def audit_entries(context, events):
    """`{% audit_entries audit as entries %}`: (event, sentence) pairs for the page's reader, in bulk."""
    request = context.get("request")
    return audit_sentences(events or [], reader=getattr(request, "user", None))
