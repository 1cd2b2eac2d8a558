"""Reads of the core."""
from django.contrib.auth import get_user_model
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
        qs = qs.filter(pk__in=Organisation.industry_nodes.through.objects.filter(industrynode__chain=chain)
                       .values("organisation_id"))
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


def organisation_people(organisation):
    """People holding an active role in the organisation, one row each, by username."""
    members = Membership.objects.active().filter(organisation=organisation).values("user_id")
    return get_user_model().objects.filter(pk__in=members).order_by("username", "pk")


def members_by_person(organisation, people) -> list[dict]:
    """`people` (e.g. a page of `organisation_people`) with all their active roles and titles there."""
    people = list(people)
    entries = {person.pk: {"user": person, "titles": [], "roles": []} for person in people}
    memberships = organisation.memberships.active().filter(user_id__in=entries).order_by("user_id", "role")
    for membership in memberships:
        entry = entries[membership.user_id]
        entry["roles"].append(membership.get_role_display())
        if membership.title and membership.title not in entry["titles"]:
            entry["titles"].append(membership.title)
    return list(entries.values())


def reporting_records() -> dict:
    """Every record of this app the reporting app aggregates and lists (issue 10): unscoped and read-only.
    Reporting applies its own scope (program officers read across organisations, leaders their own) and
    reads only non-confidential fields."""
    from .models import IndustryNode, Region

    return {"organisation": Organisation.objects.all(), "membership": Membership.objects.all(),
            "region": Region.objects.all(), "node": IndustryNode.objects.all()}
