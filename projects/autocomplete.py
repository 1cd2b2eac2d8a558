"""Searchable selects of the challenge chain (platform_core.autocomplete): the scoring panel and a bid's team."""
from django.contrib.auth import get_user_model

from consortia.autocomplete import USERS, context_record
from consortia.selectors import people_of
from platform_core.autocomplete import register

from .models import BidMember
from .selectors import bidding_organisations, challenges_visible_to, team_candidates


def _panel_candidates(user, params):
    """The scoring panel is drawn from the two sides of the challenge (call_open's rule)."""
    challenge = context_record(challenges_visible_to(user), params, "challenge", user, "projects.change_challenge")
    if challenge is None:
        return get_user_model().objects.none()
    return people_of([pk for pk in (challenge.poster_id, challenge.partner_id) if pk])


def _experts(user, params):
    """Outside experts come from the talent pool (people with a talent profile) and belong to neither side."""
    challenge = context_record(challenges_visible_to(user), params, "challenge", user, "projects.change_challenge")
    if challenge is None:
        return get_user_model().objects.none()
    sides = people_of([pk for pk in (challenge.poster_id, challenge.partner_id) if pk]).values("pk")
    return (get_user_model().objects.filter(is_active=True, talent_profile__isnull=False).exclude(pk__in=sides)
            .order_by("username", "pk"))


def _team(role):
    def candidates(user, params):
        """A bid's members (researchers…) or students: in the organisations the user may bid for."""
        challenge = context_record(challenges_visible_to(user), params, "challenge", user)
        if challenge is None:
            return get_user_model().objects.none()
        return team_candidates(bidding_organisations(user, challenge).values("pk"), role).exclude(pk=user.pk)
    return candidates


register("projects-panel", queryset=_panel_candidates, search=USERS.search, label=USERS.label)
register("projects-experts", queryset=_experts, search=USERS.search, label=USERS.label)
register("projects-team", queryset=_team(BidMember.Role.MEMBER), search=USERS.search, label=USERS.label)
register("projects-team-students", queryset=_team(BidMember.Role.STUDENT), search=USERS.search, label=USERS.label)
