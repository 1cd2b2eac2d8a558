"""Who sees and decides on which matches: each match follows its source object.

* challenge → experts / achievements: the posting side, the co-refining partner side
  and members of the challenge's joint center (the people who run the challenge).
  Experts' competitors (other researchers) never see who was suggested; an expert
  sees the challenges suggested for themself once a challenge is published.
* achievement → enterprises: the owner's technology-transfer staff and brokers.
* talent → enterprises and centers: the person and the university HR who keep the profile.

Deciding (accept, dismiss) is for the same people, except plain center members and the
suggested expert, who only read.
"""
import rules

from platform_core.permissions import is_platform_admin
from projects.models import Challenge
from projects.permissions import is_center_member, is_partner_side, is_poster_side
from talent.models import TalentProfile
from talent.permissions import can_edit_profile
from transfer.models import Achievement
from transfer.permissions import manages_achievement


@rules.predicate
def runs_source(user, source):
    """May act on the matches of this challenge, achievement or talent profile."""
    if source is None or not user.is_authenticated:
        return False
    if isinstance(source, Challenge):
        return is_poster_side(user, source) or is_partner_side(user, source)
    if isinstance(source, Achievement):
        return manages_achievement(user, source)
    if isinstance(source, TalentProfile):
        return can_edit_profile(user, source)
    return False


@rules.predicate
def reads_source(user, source):
    return runs_source(user, source) or (isinstance(source, Challenge) and is_center_member(user, source))


@rules.predicate
def is_suggested_expert(user, match):
    return (match.direction == "challenge_expert" and match.candidate_type.model == "user"
            and match.candidate_id == user.pk and getattr(match.source, "status", "draft") != "draft")


@rules.predicate
def reads_match_source(user, match):
    return reads_source(user, match.source)


@rules.predicate
def runs_match_source(user, match):
    return runs_source(user, match.source)


rules.add_perm("matching.view_source_matches", is_platform_admin | reads_source)
rules.add_perm("matching.view_match", is_platform_admin | reads_match_source | is_suggested_expert)
rules.add_perm("matching.decide_match", is_platform_admin | runs_match_source)
rules.add_perm("matching.recompute", is_platform_admin)


def may_have_matches(user) -> bool:
    """Someone for whom matches are computed: the side running a challenge, an expert who can be suggested,
    the transfer staff of an achievement, university HR keeping talent profiles (the menu asks this)."""
    from platform_core.models import Organisation, Role
    from platform_core.permissions import holds_role
    from projects.permissions import can_post_challenge
    from talent.permissions import UNIVERSITY_HR_ROLES

    return (is_platform_admin(user) or can_post_challenge(user)
            or holds_role(user, Role.RESEARCHER, Role.TTO_STAFF, Role.BROKER)
            or holds_role(user, *UNIVERSITY_HR_ROLES, kinds=(Organisation.Kind.UNIVERSITY,)))
