"""How matching's records read to people (imported by the core at start-up)."""
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from platform_core.audit import register_action
from platform_core.notifications import register_event
from platform_core.sentences import register_object

from .models import Direction, Match
from .selectors import matches_visible_to

register_object(Match, url=lambda m: "/matching/", visible=matches_visible_to,
                label=lambda m: m.get_direction_display())

register_action(f"match.{Match.Status.ACCEPTED}", _("%(actor)s accepted a match (%(target)s)"))
register_action(f"match.{Match.Status.DISMISSED}", _("%(actor)s dismissed a match (%(target)s): %(reason)s"))


def _directions(value) -> str:
    try:
        return "; ".join(f"{Direction(d).label}: {n}" for d, n in value.items())
    except (AttributeError, ValueError):
        return ""


def _title(params):
    matches = int(params.get("matches") or 0)
    kind = params.get("digest")
    if kind == "challenges":
        return ngettext("%(matches)d new strong match for %(sources)d of your challenges",
                        "%(matches)d new strong matches for %(sources)d of your challenges", matches)
    if kind == "achievements":
        return ngettext("%(matches)d new strong match for %(sources)d of your achievements",
                        "%(matches)d new strong matches for %(sources)d of your achievements", matches)
    if kind:
        return ngettext("%(matches)d new strong match for %(sources)d of your challenges and achievements",
                        "%(matches)d new strong matches for %(sources)d of your challenges and achievements",
                        matches)
    return ngettext("%(matches)d new strong match for %(source)s", "%(matches)d new strong matches for %(source)s",
                    matches)


def _body(params):
    if params.get("digest"):
        return _("%(top)s and %(more)s more") if params.get("more") else "%(top)s"
    return "%(directions)s"


# One entry per source while unread: later passes add their matches to its count.
register_event("matching.new_match", _("New high-scoring match"), title=_title, body=_body,
               group_by=("source", "digest"), accumulate=("matches",), directions=_directions)
