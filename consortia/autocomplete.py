"""Searchable selects of centers and consortia (platform_core.autocomplete): people and lead organisations.

A source taking a center or a consortium from its parameters offers nobody unless the user
may change that record: the same answer whether it is missing or forbidden.
"""
from django.contrib.auth import get_user_model

from platform_core.autocomplete import organisation_label, register, source
from platform_core.permissions import organisations_administered_by

from .selectors import centers_visible_to, consortia_visible_to, people_of

USERS = source("users")


def context_record(queryset, params, key: str, user, perm: str | None = None):
    """The record of `queryset` named by params[key], if the user also holds `perm` on it; else None."""
    value = str(params.get(key, ""))
    record = queryset.filter(pk=value).first() if value.isdigit() else None
    return record if record is not None and (perm is None or user.has_perm(perm, record)) else None


def _center_people(user, params):
    """Who may be appointed in a center: members of its two organisations (center_appoint's rule)."""
    center = context_record(centers_visible_to(user), params, "center", user, "consortia.change_center")
    if center is None:
        return get_user_model().objects.none()
    return people_of([center.enterprise_id, center.university_id])


def _council_candidates(user, params):
    """Who may sit on a consortium's council: members of its member organisations."""
    consortium = context_record(consortia_visible_to(user), params, "consortium", user,
                                "consortia.change_consortium")
    if consortium is None:
        return get_user_model().objects.none()
    return people_of(consortium.members.values("organisation_id"))


def _leads(user, params):
    """Organisations the user may register a consortium for: those they administer."""
    return organisations_administered_by(user).select_related("region").order_by("name_zh", "pk")


register("consortia-center-people", queryset=_center_people, search=USERS.search, label=USERS.label)
register("consortia-council-candidates", queryset=_council_candidates, search=USERS.search, label=USERS.label)
register("consortia-leads", queryset=_leads, search=source("organisations").search, label=organisation_label)
