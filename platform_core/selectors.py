"""Reads of the core."""
from django.db.models import Q

from .models import Membership, Notification, Organisation
from .permissions import is_platform_admin, member_organisation_ids


def organisation_list(*, query: str = "", kind: str = "", region=None, chain=None, node=None):
    """The organisation directory (visible to every signed-in user), filtered."""
    qs = Organisation.objects.select_related("region", "parent")
    if query:
        qs = qs.filter(Q(name_zh__icontains=query) | Q(name_en__icontains=query) | Q(credit_code__iexact=query))
    if kind:
        qs = qs.filter(kind=kind)
    if region:
        qs = qs.filter(Q(region=region) | Q(region__parent=region))
    if chain:
        qs = qs.filter(industry_nodes__chain=chain).distinct()
    if node:
        qs = qs.filter(industry_nodes=node)
    return qs


def memberships_visible_to(user):
    """Members of the organisations the user belongs to; platform staff see all."""
    qs = Membership.objects.select_related("user", "organisation")
    if is_platform_admin(user):
        return qs
    return qs.filter(organisation_id__in=member_organisation_ids(user))


def user_organisations(user):
    return Organisation.objects.filter(pk__in=member_organisation_ids(user))


def unread_notifications(user):
    return Notification.objects.filter(recipient=user, read_at__isnull=True)


def members_by_person(organisation) -> list[dict]:
    """Active members of an organisation, one entry per person with all their roles."""
    people: dict[int, dict] = {}
    for membership in organisation.memberships.active().select_related("user").order_by("user__username", "role"):
        entry = people.setdefault(membership.user_id, {"user": membership.user, "titles": [], "roles": []})
        entry["roles"].append(membership.get_role_display())
        if membership.title and membership.title not in entry["titles"]:
            entry["titles"].append(membership.title)
    return list(people.values())
