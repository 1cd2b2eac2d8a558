"""`{% load matching %}{% match_panel object %}`: the matches of a challenge, achievement,
organisation or talent profile, as far as the signed-in user may see them."""
from django import template
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from platform_core.models import Organisation
from projects.models import Challenge
from talent.models import TalentProfile
from transfer.models import Achievement

from .. import selectors
from ..models import Direction

register = template.Library()

EVIDENCE_KINDS = {
    "publication": _("Publication"), "patent": _("Patent"), "achievement": _("Achievement"),
    "project": _("Project"), "award": _("Award"), "bid": _("Bid"), "challenge": _("Challenge"),
    "deal": _("Deal"), "push": _("Interest in a push"), "center": _("Joint center"),
}


SOURCE_DIRECTIONS = {
    Challenge: (Direction.CHALLENGE_EXPERT, Direction.CHALLENGE_ACHIEVEMENT),
    Achievement: (Direction.ACHIEVEMENT_ENTERPRISE,),
    TalentProfile: (Direction.TALENT_ENTERPRISE,),
}


def _section(title, rows, perspective, empty_text=None):
    """perspective "source": rows show the candidates; "candidate": rows show what the object was matched to."""
    return {"title": title, "rows": rows, "perspective": perspective, "empty_text": empty_text}


@register.inclusion_tag("matching/_panel.html", takes_context=True)
def match_panel(context, obj, direction=""):
    """Render nothing for users who may see none of the object's matches."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or obj is None:
        return {"sections": []}
    sections = []
    if type(obj) in SOURCE_DIRECTIONS and user.has_perm("matching.view_source_matches", obj):
        matches = selectors.matches_of_source(user, obj)
        for d in SOURCE_DIRECTIONS[type(obj)]:
            if not direction or d == direction:
                rows = selectors.match_rows(user, matches.filter(direction=d))
                sections.append(_section(d.label, rows, "source", _(
                    "No matches yet: they are computed in the background after each change.")))
    if isinstance(obj, Organisation):
        rows = selectors.match_rows(user, selectors.matches_of_candidate(
            user, obj, [Direction.ACHIEVEMENT_ENTERPRISE, Direction.TALENT_ENTERPRISE]))
        if rows:
            sections.append(_section(_("Suggested for this organisation"), rows, "candidate"))
    if isinstance(obj, TalentProfile) and obj.user_id:
        rows = selectors.match_rows(user, selectors.matches_of_candidate(
            user, get_user_model().objects.get(pk=obj.user_id), [Direction.CHALLENGE_EXPERT]))
        if rows:
            sections.append(_section(_("Challenges this expert may solve"), rows, "candidate"))
    return {"sections": sections, "request": request}


@register.filter
def evidence_kind(code):
    return EVIDENCE_KINDS.get(code, code)


@register.filter
def percent(value):
    try:
        return round(float(value) * 100)
    except (TypeError, ValueError):
        return ""
