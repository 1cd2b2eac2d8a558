"""Object permissions for the core, and the helpers every app uses for its own.

One policy answers both questions: `user.has_perm(perm, obj)` (may this user do X to
this record?) through django-rules, and `visible_to(user)` selectors (which rows may
they see?). Pages, API views and services all go through these, never around them.
"""
import rules
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from .models import Membership, Organisation, Role


def active_roles(user, organisation) -> set[str]:
    if not user.is_authenticated or organisation is None:
        return set()
    return set(
        Membership.objects.active()
        .filter(user=user, organisation=organisation)
        .order_by()  # the default ordering would join users and organisations for nothing
        .values_list("role", flat=True)
    )


def has_role(user, organisation, *roles: str) -> bool:
    """True if `user` holds any of `roles` (any role when none given) in `organisation`."""
    held = active_roles(user, organisation)
    return bool(held & set(roles)) if roles else bool(held)


def member_organisation_ids(user, *roles: str) -> set[int]:
    if not user.is_authenticated:
        return set()
    memberships = Membership.objects.active().filter(user=user).order_by()
    if roles:
        memberships = memberships.filter(role__in=roles)
    return set(memberships.values_list("organisation_id", flat=True))


def require(user, perm: str, obj=None, message: str | None = None) -> None:
    """Raise PermissionDenied unless `user` has `perm` (on `obj`)."""
    if not user.has_perm(perm, obj):
        raise PermissionDenied(message or _("You do not have permission to do this."))


@rules.predicate
def is_platform_admin(user):
    return user.is_authenticated and (user.is_superuser or user.is_staff)


@rules.predicate
def is_org_admin(user, organisation):
    return has_role(user, organisation, Role.ORG_ADMIN)


@rules.predicate
def is_member(user, organisation):
    return has_role(user, organisation)


@rules.predicate
def is_program_officer(user):
    return Membership.objects.active().filter(user=user, role=Role.PROGRAM_OFFICER).exists()


rules.add_perm("platform.view_organisation", rules.is_authenticated)
rules.add_perm("platform.add_organisation", is_platform_admin)
rules.add_perm("platform.change_organisation", is_platform_admin | is_org_admin)
rules.add_perm("platform.manage_members", is_platform_admin | is_org_admin)
rules.add_perm("platform.import_organisations", is_platform_admin)


def organisations_administered_by(user):
    if is_platform_admin(user):
        return Organisation.objects.all()
    return Organisation.objects.where_member(user, roles=[Role.ORG_ADMIN])
