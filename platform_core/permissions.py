"""Object permissions for the core, and the helpers every app uses for its own.

One policy answers both questions: `user.has_perm(perm, obj)` (may this user do X to
this record?) through django-rules, and `visible_to(user)` selectors (which rows may
they see?). Pages, API views and services all go through these, never around them.
"""
from contextvars import ContextVar
from dataclasses import dataclass

import rules
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from .models import Membership, Organisation, Role


# Per-request cache of the user's active memberships. The menu, the home panels and most
# permission checks ask "which roles does this user hold, where?"; within one request they
# read one list instead of one query each. The cache lives from request_started to
# request_finished (outside requests -- services, tasks, tests -- nothing is cached) and is
# emptied whenever a membership is saved or deleted.
_memberships_cache: ContextVar[dict | None] = ContextVar("platform_memberships_cache", default=None)


@dataclass(frozen=True)
class HeldRole:
    organisation_id: int
    role: str
    kind: str
    parent_id: int | None


def memberships_of(user) -> tuple[HeldRole, ...]:
    """The user's active memberships (organisation, role, organisation kind, parent organisation)."""
    if not getattr(user, "is_authenticated", False):
        return ()
    cache = _memberships_cache.get()
    if cache is not None and user.pk in cache:
        return cache[user.pk]
    held = tuple(
        HeldRole(*row) for row in Membership.objects.active().filter(user_id=user.pk).order_by()
        .values_list("organisation_id", "role", "organisation__kind", "organisation__parent_id")
    )
    if cache is not None:
        cache[user.pk] = held
    return held


def start_request_cache(**_kwargs) -> None:
    _memberships_cache.set({})


def end_request_cache(**_kwargs) -> None:
    _memberships_cache.set(None)


def forget_memberships(**_kwargs) -> None:
    cache = _memberships_cache.get()
    if cache:
        cache.clear()


def holds_role(user, *roles: str, kinds=()) -> bool:
    """True if the user holds any of `roles` (any role when none given), in an organisation of `kinds` if given."""
    return any((not roles or m.role in roles) and (not kinds or m.kind in kinds) for m in memberships_of(user))


def roles_of(user) -> set[str]:
    return {m.role for m in memberships_of(user)}


def active_roles(user, organisation) -> set[str]:
    if organisation is None:
        return set()
    return {m.role for m in memberships_of(user) if m.organisation_id == organisation.pk}


def has_role(user, organisation, *roles: str) -> bool:
    """True if `user` holds any of `roles` (any role when none given) in `organisation`."""
    held = active_roles(user, organisation)
    return bool(held & set(roles)) if roles else bool(held)


def member_organisation_ids(user, *roles: str) -> set[int]:
    return {m.organisation_id for m in memberships_of(user) if not roles or m.role in roles}


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
    return holds_role(user, Role.PROGRAM_OFFICER)


rules.add_perm("platform.view_organisation", rules.is_authenticated)
rules.add_perm("platform.add_organisation", is_platform_admin)
rules.add_perm("platform.change_organisation", is_platform_admin | is_org_admin)
rules.add_perm("platform.manage_members", is_platform_admin | is_org_admin)
rules.add_perm("platform.import_organisations", is_platform_admin)


def organisations_administered_by(user):
    if is_platform_admin(user):
        return Organisation.objects.all()
    return Organisation.objects.where_member(user, roles=[Role.ORG_ADMIN])


def uses_directory(user) -> bool:
    """The organisation directory, for everyone who works with other organisations (not students)."""
    return is_platform_admin(user) or any(m.role != Role.STUDENT for m in memberships_of(user))
