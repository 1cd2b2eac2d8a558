"""Searchable selects of 一共享 (platform_core.autocomplete): hire parties, talent, enterprise mentors."""
from platform_core.autocomplete import organisation_label, register
from platform_core.models import Organisation

from . import selectors

HIRE_PARTY_KINDS = (Organisation.Kind.ENTERPRISE, Organisation.Kind.GOVERNMENT, Organisation.Kind.UNIVERSITY)


def _hire_parties(user, params):
    """Enterprises, government agencies and universities (not their schools) that may share a hire."""
    return Organisation.objects.of_kind(*HIRE_PARTY_KINDS).filter(parent__isnull=True) \
        .select_related("region").order_by("name_zh", "pk")


def _talent(user, params):
    return selectors.talent_profiles_visible_to(user).order_by("name_zh", "pk")


def talent_label(profile) -> str:
    return " · ".join(part for part in (profile.name_zh, profile.title, profile.organisation.name) if part)


def _enterprise_mentors(user, params):
    """Mentors appointed by a university where the user does HR (the ones they may assign to students)."""
    return selectors.mentors_for_assignment(user)


def _placement_centers(user, params):
    """Joint centers of the universities where the user does HR: where a student may be placed."""
    return selectors.placement_centers(user)


def _placement_projects(user, params):
    """Projects performed by those universities (or their schools), not finished."""
    return selectors.placement_projects(user)


register("talent-placement-centers", queryset=_placement_centers, search=("name_zh", "name_en"))
register("talent-placement-projects", queryset=_placement_projects, search=("title", "sponsor__name_zh"))
register("talent-hire-parties", queryset=_hire_parties, search=("name_zh", "name_en", "credit_code"),
         label=organisation_label)
register("talent-profiles", queryset=_talent, search=("name_zh", "name_en", "title"), label=talent_label)
register("talent-mentors", queryset=_enterprise_mentors,
         search=("user__username", "user__display_name", "organisation__name_zh", "title"))
