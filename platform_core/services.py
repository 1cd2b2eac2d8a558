from django.conf import settings

"""Writes of the core: organisations and memberships."""
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .audit import audit_log
from .models import Membership, Organisation, Role
from .notifications import notify
from .permissions import require
from .validators import normalise_credit_code

ORGANISATION_FIELDS = {
    "kind", "name_zh", "name_en", "credit_code", "parent", "region", "is_fortune_global_500",
    "is_china_top_500", "website", "description",
}


def _check_unique_credit_code(credit_code: str, exclude_pk=None) -> None:
    if not credit_code:
        return
    clash = Organisation.objects.filter(credit_code=credit_code).exclude(pk=exclude_pk).first()
    if clash:
        raise ValidationError(
            {"credit_code": _("An organisation with credit code %(code)s already exists: %(name)s.")
             % {"code": credit_code, "name": clash.name_zh}}
        )


@transaction.atomic
def organisation_create(*, actor, industry_nodes=(), fields=(), **data) -> Organisation:
    require(actor, "platform.add_organisation")
    unknown = set(data) - ORGANISATION_FIELDS
    if unknown:
        raise ValueError(f"Unknown organisation fields: {sorted(unknown)}")
    data["credit_code"] = normalise_credit_code(data.get("credit_code", ""))
    _check_unique_credit_code(data["credit_code"])
    organisation = Organisation(**data)
    organisation.full_clean()
    organisation.save()
    organisation.industry_nodes.set(industry_nodes)
    organisation.fields.set(fields)
    audit_log(actor=actor, action="organisation.create", target=organisation)
    return organisation


@transaction.atomic
def organisation_update(*, actor, organisation: Organisation, industry_nodes=None, fields=None, **data) -> Organisation:
    require(actor, "platform.change_organisation", organisation)
    unknown = set(data) - ORGANISATION_FIELDS
    if unknown:
        raise ValueError(f"Unknown organisation fields: {sorted(unknown)}")
    if "credit_code" in data:
        data["credit_code"] = normalise_credit_code(data["credit_code"])
        _check_unique_credit_code(data["credit_code"], exclude_pk=organisation.pk)
    changed = {k: v for k, v in data.items() if getattr(organisation, k) != v}
    for name, value in changed.items():
        setattr(organisation, name, value)
    organisation.full_clean()
    organisation.save()
    if industry_nodes is not None:
        organisation.industry_nodes.set(industry_nodes)
    if fields is not None:
        organisation.fields.set(fields)
    audit_log(actor=actor, action="organisation.update", target=organisation, fields=sorted(changed))
    return organisation


def _validate_role(role: str) -> None:
    if role not in Role.values:
        raise ValidationError(
            {"role": _("Unknown role %(role)s. Choose one of: %(roles)s.")
             % {"role": role, "roles": ", ".join(Role.values)}}
        )


@transaction.atomic
def membership_add(*, actor, organisation: Organisation, user, role: str, title: str = "") -> Membership:
    """Give `user` a role in `organisation`; reactivates a role that was removed before."""
    require(actor, "platform.manage_members", organisation,
            _("Only administrators of %(org)s can change its members.") % {"org": organisation})
    _validate_role(role)
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role, defaults={"title": title}
    )
    if not created:
        if membership.is_active:
            raise ValidationError(
                _("%(user)s already has the role %(role)s in %(org)s.")
                % {"user": user, "role": membership.get_role_display(), "org": organisation}
            )
        membership.is_active = True
        membership.title = title or membership.title
        membership.save(update_fields=["is_active", "title"])
    audit_log(actor=actor, action="membership.add", target=membership, role=role)
    notify(
        recipients=[user], event="platform.membership_added",
        params={"role": membership.role, "organisation": organisation}, url=f"/organisations/{organisation.pk}/",
    )
    return membership


@transaction.atomic
def membership_remove(*, actor, membership: Membership) -> Membership:
    organisation = membership.organisation
    require(actor, "platform.manage_members", organisation,
            _("Only administrators of %(org)s can change its members.") % {"org": organisation})
    if membership.role == Role.ORG_ADMIN and membership.is_active:
        admins = Membership.objects.active().filter(organisation=organisation, role=Role.ORG_ADMIN)
        if admins.count() == 1:
            raise ValidationError(_("An organisation must keep at least one administrator."))
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    audit_log(actor=actor, action="membership.remove", target=membership, role=membership.role)
    return membership


def find_user(identifier: str):
    """Look a user up by username or email (case-insensitive)."""
    User = get_user_model()
    identifier = (identifier or "").strip()
    user = User.objects.filter(username__iexact=identifier).first()
    if user is None and "@" in identifier:
        user = User.objects.filter(email__iexact=identifier).first()
    if user is None:
        raise ValidationError({"user": _("No user with username or email “%(id)s”.") % {"id": identifier}})
    return user


def user_set_language(*, user, language: str) -> None:
    """The language the user reads the platform in: notifications and e-mails are written in it."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Unknown language."))
    if user.language != language:
        get_user_model().objects.filter(pk=user.pk).update(language=language)
        user.language = language

