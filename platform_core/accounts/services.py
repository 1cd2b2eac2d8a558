"""Writes of the way in: invitations, registration, approvals, single sign-on first sign-in.

Every function is atomic, takes the acting user where there is one, checks permission
through the core's rules (`platform.manage_members`, platform admins), audits, and sends
its e-mails after commit.
"""
import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from ..audit import audit_log
from ..models import (
    ExternalIdentity, Invitation, Membership, MembershipRequest, Organisation, OrganisationApplication, Role,
)
from ..permissions import is_platform_admin, require
from ..validators import normalise_credit_code, validate_credit_code
from . import mail, throttle
from .tokens import email_verification_token, invitation_token

log = logging.getLogger(__name__)

# Which roles exist in which kind of organisation: an admin grants, and a registrant asks for,
# only these (a bank has no students, a university no fund managers).
ROLES_BY_KIND = {
    Organisation.Kind.ENTERPRISE: [Role.RD_MANAGER, Role.MENTOR, Role.RESEARCHER, Role.ORG_ADMIN],
    Organisation.Kind.UNIVERSITY: [Role.RESEARCHER, Role.STUDENT, Role.MENTOR, Role.TTO_STAFF, Role.BROKER,
                                   Role.ORG_ADMIN],
    Organisation.Kind.RESEARCH_INSTITUTE: [Role.RESEARCHER, Role.STUDENT, Role.MENTOR, Role.TTO_STAFF, Role.BROKER,
                                           Role.ORG_ADMIN],
    Organisation.Kind.GOVERNMENT: [Role.PROGRAM_OFFICER, Role.ORG_ADMIN],
    Organisation.Kind.FINANCIAL: [Role.FUND_MANAGER, Role.ORG_ADMIN],
    Organisation.Kind.INTERMEDIARY: [Role.BROKER, Role.ORG_ADMIN],
}


def grantable_roles(user, organisation: Organisation) -> list[str]:
    """The roles `user` may give in `organisation`: none unless they administer it."""
    if not user.has_perm("platform.manage_members", organisation):
        return []
    return [str(r) for r in ROLES_BY_KIND.get(organisation.kind, Role.values)]


def requestable_roles(organisation: Organisation) -> list[str]:
    """The roles a newcomer may ask for: the kind's roles except administrator."""
    return [str(r) for r in ROLES_BY_KIND.get(organisation.kind, Role.values) if r != Role.ORG_ADMIN]


def _role_label(role: str) -> str:
    return str(Role(role).label)


def _check_grantable(actor, organisation, role) -> None:
    require(actor, "platform.manage_members", organisation,
            _("Only administrators of %(org)s can invite people to it.") % {"org": organisation})
    if role not in grantable_roles(actor, organisation):
        raise ValidationError({"role": _("You cannot give the role %(role)s in %(org)s.")
                               % {"role": Role(role).label if role in Role.values else role, "org": organisation}})


def _grant(*, organisation, user, role, title="") -> Membership:
    """Give a role (or reactivate it); the caller has checked permission. No-op if already held."""
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role, defaults={"title": title}
    )
    if not created and not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
    return membership


def _org_admins(organisation):
    User = get_user_model()
    return User.objects.filter(
        is_active=True, memberships__organisation=organisation, memberships__role=Role.ORG_ADMIN,
        memberships__is_active=True,
    ).distinct()


def _after_commit_mail(**kwargs) -> None:
    """Send once the change is committed; a mail server failure is logged, never undoes or hides the change
    (the admin can send an invitation again; a registrant can ask for a new reset link)."""
    def send():
        try:
            mail.send_account_mail(**kwargs)
        except Exception:  # SMTP and network errors of every kind
            log.exception("account mail %s to %s not sent", kwargs.get("template"), kwargs.get("to"))
    transaction.on_commit(send)


# ------------------------------------------------------------------ invitations


def invitation_max_age() -> timedelta:
    return timedelta(days=settings.ACCOUNT_INVITATION_DAYS)


def invitation_url(invitation: Invitation) -> str:
    return mail.site_url(reverse("accounts:invitation-accept", args=[invitation_token(invitation)]))


def _send_invitation(invitation: Invitation) -> None:
    if not throttle.consume("invitation-mail", invitation.email, limit=settings.ACCOUNT_MAILS_PER_ADDRESS_PER_HOUR):
        raise ValidationError(_("Too many e-mails were sent to %(email)s in the last hour; try again later.")
                              % {"email": invitation.email})
    _after_commit_mail(
        template="invitation", to=invitation.email, language=invitation.language,
        context={"invitation": invitation, "inviter": str(invitation.invited_by or ""),
                 "url": invitation_url(invitation), "expires_at": invitation.expires_at},
    )


@transaction.atomic
def invitation_create(*, actor, organisation: Organisation, email: str, role: str,
                      language: str = settings.LANGUAGE_CODE) -> Invitation:
    _check_grantable(actor, organisation, role)
    email = get_user_model().objects.normalize_email(email.strip())
    existing = get_user_model().objects.filter(email__iexact=email).first()
    if existing and Membership.objects.active().filter(user=existing, organisation=organisation, role=role).exists():
        raise ValidationError({"email": _("%(email)s already has the role %(role)s in %(org)s.")
                               % {"email": email, "role": _role_label(role), "org": organisation}})
    now = timezone.now()
    pending = (Invitation.objects.select_for_update()
               .filter(organisation=organisation, email__iexact=email, role=role, accepted_at=None, revoked_at=None,
                       expires_at__gt=now).first())
    if pending:
        raise ValidationError({"email": _("%(email)s already has a pending invitation for this role; "
                                          "send it again from the list instead.") % {"email": email}})
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    invitation = Invitation.objects.create(
        organisation=organisation, email=email, role=role, language=language, invited_by=actor,
        sent_at=now, expires_at=now + invitation_max_age(),
    )
    audit_log(actor=actor, action="invitation.create", target=invitation, email=email, role=role)
    _send_invitation(invitation)
    return invitation


def _locked_invitation(invitation) -> Invitation:
    # of=self: PostgreSQL cannot lock the nullable side of the outer join (invited_by).
    return (Invitation.objects.select_for_update(of=("self",)).select_related("organisation", "invited_by")
            .get(pk=invitation.pk))


@transaction.atomic
def invitation_resend(*, actor, invitation: Invitation) -> Invitation:
    """Re-invite: a new link with a new expiry (the old link stops working); also revives an expired one."""
    invitation = _locked_invitation(invitation)
    _check_grantable(actor, invitation.organisation, invitation.role)
    if invitation.status in (Invitation.Status.ACCEPTED, Invitation.Status.REVOKED):
        raise ValidationError(_("This invitation was %(status)s; it cannot be sent again.")
                              % {"status": invitation.get_status_display()})
    now = timezone.now()
    invitation.token_version += 1
    invitation.sent_at, invitation.expires_at, invitation.invited_by = now, now + invitation_max_age(), actor
    invitation.save(update_fields=["token_version", "sent_at", "expires_at", "invited_by"])
    audit_log(actor=actor, action="invitation.resend", target=invitation, email=invitation.email)
    _send_invitation(invitation)
    return invitation


@transaction.atomic
def invitation_revoke(*, actor, invitation: Invitation) -> Invitation:
    invitation = _locked_invitation(invitation)
    require(actor, "platform.manage_members", invitation.organisation,
            _("Only administrators of %(org)s can invite people to it.") % {"org": invitation.organisation})
    if invitation.status != Invitation.Status.PENDING:
        raise ValidationError(_("Only a pending invitation can be revoked; this one is %(status)s.")
                              % {"status": invitation.get_status_display()})
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_log(actor=actor, action="invitation.revoke", target=invitation, email=invitation.email)
    return invitation


def _check_acceptable(invitation: Invitation, version: int) -> None:
    if invitation.token_version != version:
        raise ValidationError(_("This invitation link was replaced by a newer one; use the latest e-mail."))
    status = invitation.status
    if status == Invitation.Status.EXPIRED:
        raise ValidationError(_("This invitation has expired. Ask the administrator of %(org)s to invite you again.")
                              % {"org": invitation.organisation})
    if status == Invitation.Status.REVOKED:
        raise ValidationError(_("This invitation was revoked."))
    if status == Invitation.Status.ACCEPTED:
        raise ValidationError(_("This invitation was already accepted."))


def _accept(invitation: Invitation, user) -> Membership:
    membership = _grant(organisation=invitation.organisation, user=user, role=invitation.role)
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_log(actor=user, action="invitation.accept", target=invitation, role=invitation.role)
    audit_log(actor=user, action="membership.add", target=membership, role=invitation.role, invitation=invitation.pk)
    return membership


@transaction.atomic
def invitation_accept_existing(*, user, invitation: Invitation, version: int) -> Membership:
    """A signed-in user accepts: they join with the invited role."""
    invitation = _locked_invitation(invitation)
    _check_acceptable(invitation, version)
    return _accept(invitation, user)


@transaction.atomic
def invitation_accept_new(*, invitation: Invitation, version: int, username: str, display_name: str,
                          password: str):
    """The invitee creates an account (the link proves the address) and joins with the invited role."""
    invitation = _locked_invitation(invitation)
    _check_acceptable(invitation, version)
    User = get_user_model()
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ValidationError(_("An account with %(email)s already exists: sign in to accept the invitation.")
                              % {"email": invitation.email})
    user = _new_user(username=username, email=invitation.email, display_name=display_name, password=password,
                     is_active=True)
    return user, _accept(invitation, user)


# ------------------------------------------------------------------ registration


def _new_user(*, username, email, display_name, password, is_active):
    User = get_user_model()
    username = (username or "").strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("The username %(name)s is taken.") % {"name": username}})
    user = User(username=username, email=email, display_name=display_name.strip(), is_active=is_active)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password1": exc.messages})
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise ValidationError({"username": _("The username %(name)s is taken.") % {"name": username}})
    return user


def _check_new_email(email: str) -> str:
    email = get_user_model().objects.normalize_email(email.strip())
    if get_user_model().objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("An account with this e-mail address already exists. "
                                          "Sign in, or reset your password.")})
    return email


def _registration_allowed(ip: str) -> None:
    if not throttle.consume("registration-ip", ip, limit=settings.ACCOUNT_REGISTRATIONS_PER_IP_PER_HOUR):
        raise ValidationError(_("Too many registrations from your network in the last hour; try again later."))


def _send_verification(user, language: str) -> None:
    if not throttle.consume("verification-mail", user.email, limit=settings.ACCOUNT_MAILS_PER_ADDRESS_PER_HOUR):
        raise ValidationError(_("Too many e-mails were sent to %(email)s in the last hour; try again later.")
                              % {"email": user.email})
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = email_verification_token.make_token(user)
    _after_commit_mail(template="verify_email", to=user.email, language=language,
                       context={"user": user, "url": mail.site_url(reverse("accounts:verify-email",
                                                                            args=[uid, token]))})


@transaction.atomic
def register_to_join(*, ip: str, username: str, display_name: str, email: str, password: str,
                     organisation: Organisation, role: str, message: str = "", language: str):
    """A newcomer asks to join an existing organisation; the account stays inactive until the address is verified."""
    _registration_allowed(ip)
    if role not in requestable_roles(organisation):
        raise ValidationError({"role": _("%(org)s has no role %(role)s to ask for. Choose one of: %(roles)s.")
                               % {"org": organisation, "role": Role(role).label if role in Role.values else role,
                                  "roles": "、".join(_role_label(r) for r in requestable_roles(organisation))}})
    email = _check_new_email(email)
    user = _new_user(username=username, email=email, display_name=display_name, password=password, is_active=False)
    request = MembershipRequest.objects.create(user=user, organisation=organisation, role=role, message=message)
    audit_log(actor=None, action="membership_request.create", target=request, role=role, user=user.pk)
    _send_verification(user, language)
    return user, request


@transaction.atomic
def register_organisation(*, ip: str, username: str, display_name: str, email: str, password: str, kind: str,
                          name_zh: str, name_en: str = "", credit_code: str, region=None, role: str = "",
                          language: str):
    """A newcomer registers a new organisation, which the platform verifies (its credit code) before it exists."""
    _registration_allowed(ip)
    credit_code = normalise_credit_code(credit_code)
    try:
        validate_credit_code(credit_code)
    except ValidationError as exc:
        raise ValidationError({"credit_code": exc.messages})
    if not credit_code:
        raise ValidationError({"credit_code": _("The unified social credit code is required.")})
    clash = Organisation.objects.filter(credit_code=credit_code).first()
    if clash:
        raise ValidationError({"credit_code": _("%(name)s is already on the platform with this credit code: "
                                                "ask to join it instead.") % {"name": clash.name_zh}})
    if OrganisationApplication.objects.filter(credit_code=credit_code,
                                              status=OrganisationApplication.Status.PENDING).exists():
        raise ValidationError({"credit_code": _("An application for this unified social credit code is already "
                                                "waiting.")})
    if role and role not in [str(r) for r in ROLES_BY_KIND.get(kind, [])]:
        raise ValidationError({"role": _("This kind of organisation has no role %(role)s.")
                               % {"role": Role(role).label if role in Role.values else role}})
    email = _check_new_email(email)
    user = _new_user(username=username, email=email, display_name=display_name, password=password, is_active=False)
    application = OrganisationApplication(applicant=user, kind=kind, name_zh=name_zh.strip(),
                                          name_en=name_en.strip(), credit_code=credit_code, region=region,
                                          role=role if role != Role.ORG_ADMIN else "")
    application.full_clean()
    application.save()
    audit_log(actor=None, action="organisation_application.create", target=application, user=user.pk)
    _send_verification(user, language)
    return user, application


@transaction.atomic
def email_verify(*, user) -> None:
    """The address is proven: activate the account and tell whoever has to approve it."""
    if user.is_active:
        return
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit_log(actor=user, action="user.verify_email", target=user)
    for request in user.membership_requests.filter(status=MembershipRequest.Status.PENDING).select_related(
            "organisation"):
        _tell_admins_of_request(request)
    if user.organisation_applications.filter(status=OrganisationApplication.Status.PENDING).exists():
        staff = get_user_model().objects.filter(is_active=True, is_staff=True).exclude(email="")
        for admin in staff:
            _after_commit_mail(template="application_waiting", to=admin.email, language=mail.user_language(admin),
                               context={"applicant": user, "url": mail.site_url(reverse("accounts:applications"))})


def _tell_admins_of_request(request: MembershipRequest) -> None:
    url = mail.site_url(reverse("accounts:membership-requests", args=[request.organisation_id]))
    for admin in _org_admins(request.organisation).exclude(email=""):
        _after_commit_mail(template="request_waiting", to=admin.email, language=mail.user_language(admin),
                           context={"request": request, "applicant": request.user, "role": request.role,
                                    "organisation": request.organisation, "url": url})


@transaction.atomic
def membership_request_create(*, user, organisation: Organisation, role: str, message: str = "",
                              source: str = MembershipRequest.Source.REGISTRATION) -> MembershipRequest:
    """A signed-in user (or one just created by single sign-on) asks to join an organisation."""
    if role not in requestable_roles(organisation):
        raise ValidationError({"role": _("%(org)s has no role %(role)s to ask for.")
                               % {"org": organisation, "role": role}})
    if MembershipRequest.objects.filter(user=user, organisation=organisation,
                                        status=MembershipRequest.Status.PENDING).exists():
        raise ValidationError(_("You already asked to join this organisation."))
    request = MembershipRequest.objects.create(user=user, organisation=organisation, role=role, message=message,
                                               source=source)
    audit_log(actor=user, action="membership_request.create", target=request, role=role)
    if user.is_active:
        _tell_admins_of_request(request)
    return request


def _locked_request(request) -> MembershipRequest:
    return (MembershipRequest.objects.select_for_update(of=("self",)).select_related("organisation", "user")
            .get(pk=request.pk))


@transaction.atomic
def membership_request_approve(*, actor, request: MembershipRequest, role: str | None = None) -> Membership:
    request = _locked_request(request)
    role = role or request.role
    _check_grantable(actor, request.organisation, role)
    if request.status != MembershipRequest.Status.PENDING:
        raise ValidationError(_("This request was already decided (%(status)s).")
                              % {"status": request.get_status_display()})
    if not request.user.is_active:
        raise ValidationError(_("%(user)s has not verified the e-mail address yet.") % {"user": request.user})
    membership = _grant(organisation=request.organisation, user=request.user, role=role)
    request.status, request.role = MembershipRequest.Status.APPROVED, role
    request.decided_by, request.decided_at = actor, timezone.now()
    request.save(update_fields=["status", "role", "decided_by", "decided_at"])
    audit_log(actor=actor, action="membership_request.approve", target=request, role=role)
    audit_log(actor=actor, action="membership.add", target=membership, role=role)
    if request.user.email:
        _after_commit_mail(template="request_decided", to=request.user.email,
                           language=mail.user_language(request.user),
                           context={"request": request, "approved": True, "organisation": request.organisation,
                                    "role": role, "url": mail.site_url(reverse("platform:home"))})
    return membership


@transaction.atomic
def membership_request_refuse(*, actor, request: MembershipRequest, reason: str = "") -> MembershipRequest:
    request = _locked_request(request)
    require(actor, "platform.manage_members", request.organisation,
            _("Only administrators of %(org)s can decide who joins it.") % {"org": request.organisation})
    if request.status != MembershipRequest.Status.PENDING:
        raise ValidationError(_("This request was already decided (%(status)s).")
                              % {"status": request.get_status_display()})
    request.status, request.reason = MembershipRequest.Status.REFUSED, reason[:300]
    request.decided_by, request.decided_at = actor, timezone.now()
    request.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    audit_log(actor=actor, action="membership_request.refuse", target=request, reason=reason[:300])
    if request.user.email and request.user.is_active:
        _after_commit_mail(template="request_decided", to=request.user.email,
                           language=mail.user_language(request.user),
                           context={"request": request, "approved": False, "organisation": request.organisation,
                                    "role": request.role, "reason": reason,
                                    "url": mail.site_url(reverse("accounts:waiting"))})
    return request


def _require_platform_admin(actor) -> None:
    if not is_platform_admin(actor):
        raise PermissionDenied(_("Only platform administrators verify new organisations."))


@transaction.atomic
def organisation_application_approve(*, actor, application: OrganisationApplication) -> Organisation:
    """Credit code verified: the organisation is created and the applicant becomes its administrator."""
    _require_platform_admin(actor)
    application = (OrganisationApplication.objects.select_for_update(of=("self",)).select_related("applicant")
                   .get(pk=application.pk))
    if application.status != OrganisationApplication.Status.PENDING:
        raise ValidationError(_("This application was already decided (%(status)s).")
                              % {"status": application.get_status_display()})
    if not application.applicant.is_active:
        raise ValidationError(_("%(user)s has not verified the e-mail address yet.") % {"user": application.applicant})
    from ..services import organisation_create

    organisation = organisation_create(
        actor=actor, kind=application.kind, name_zh=application.name_zh, name_en=application.name_en,
        credit_code=application.credit_code, region=application.region,
    )
    _grant(organisation=organisation, user=application.applicant, role=Role.ORG_ADMIN)
    if application.role:
        _grant(organisation=organisation, user=application.applicant, role=application.role)
    application.status, application.organisation = OrganisationApplication.Status.APPROVED, organisation
    application.decided_by, application.decided_at = actor, timezone.now()
    application.save(update_fields=["status", "organisation", "decided_by", "decided_at"])
    audit_log(actor=actor, action="organisation_application.approve", target=application,
              organisation=organisation.pk)
    if application.applicant.email:
        _after_commit_mail(template="application_decided", to=application.applicant.email,
                           language=mail.user_language(application.applicant),
                           context={"application": application, "approved": True,
                                    "url": mail.site_url(reverse("platform:organisation-detail",
                                                                 args=[organisation.pk]))})
    return organisation


@transaction.atomic
def organisation_application_refuse(*, actor, application: OrganisationApplication,
                                    reason: str = "") -> OrganisationApplication:
    _require_platform_admin(actor)
    application = (OrganisationApplication.objects.select_for_update(of=("self",)).select_related("applicant")
                   .get(pk=application.pk))
    if application.status != OrganisationApplication.Status.PENDING:
        raise ValidationError(_("This application was already decided (%(status)s).")
                              % {"status": application.get_status_display()})
    application.status, application.reason = OrganisationApplication.Status.REFUSED, reason[:300]
    application.decided_by, application.decided_at = actor, timezone.now()
    application.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    audit_log(actor=actor, action="organisation_application.refuse", target=application, reason=reason[:300])
    if application.applicant.email and application.applicant.is_active:
        _after_commit_mail(template="application_decided", to=application.applicant.email,
                           language=mail.user_language(application.applicant),
                           context={"application": application, "approved": False, "reason": reason,
                                    "url": mail.site_url(reverse("accounts:waiting"))})
    return application


def awaiting_approval(user) -> bool:
    """Signed in but not yet in any organisation, with a request or application still open."""
    if not user.is_authenticated or user.is_staff:
        return False
    if Membership.objects.active().filter(user=user).exists():
        return False
    return (MembershipRequest.objects.filter(user=user, status=MembershipRequest.Status.PENDING).exists()
            or OrganisationApplication.objects.filter(applicant=user,
                                                      status=OrganisationApplication.Status.PENDING).exists())


# ------------------------------------------------------------------ single sign-on


def _free_username(base: str) -> str:
    User = get_user_model()
    base = "".join(c for c in base if c.isalnum() or c in "@.+-_")[:140] or "user"
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


@transaction.atomic
def sso_sign_in(*, provider: str, issuer: str, subject: str, email: str = "", display_name: str = "",
                username_hint: str = ""):
    """The user behind an SSO identity; on first sign-in a new user with a pending membership in the
    organisation configured for this provider (approved by its admin like a self-registration).

    Identities are matched by (provider, issuer, subject), never by a username or address that a
    local account could share.
    """
    subject = (subject or "").strip()
    if not subject:
        raise ValidationError(_("The sign-in service did not say who you are."))
    identity = (ExternalIdentity.objects.select_for_update(of=("self",)).select_related("user")
                .filter(provider=provider, issuer=issuer, subject=subject).first())
    if identity:
        identity.last_login_at = timezone.now()
        identity.save(update_fields=["last_login_at"])
        return identity.user
    mapping = settings.SSO_ORGANISATIONS.get(provider) or {}
    organisation = None
    if mapping.get("organisation"):
        organisation = Organisation.objects.filter(credit_code=normalise_credit_code(mapping["organisation"])).first()
    if organisation is None:
        raise ValidationError(_("This sign-in service is not linked to an organisation on the platform; "
                                "ask the platform administrator."))
    User = get_user_model()
    user = User(username=_free_username(username_hint or subject), display_name=display_name[:100],
                email=email if email and not User.objects.filter(email__iexact=email).exists() else "")
    user.set_unusable_password()
    user.save()
    ExternalIdentity.objects.create(user=user, provider=provider, issuer=issuer, subject=subject,
                                    last_login_at=timezone.now())
    role = mapping.get("role") or requestable_roles(organisation)[0]
    if role not in requestable_roles(organisation):
        role = requestable_roles(organisation)[0]
    audit_log(actor=None, action="user.sso_create", target=user, provider=provider, issuer=issuer)
    membership_request_create(user=user, organisation=organisation, role=role,
                              source=MembershipRequest.Source(provider))
    return user


# ------------------------------------------------------------------ API tokens (django-rest-knox)


def api_tokens_of(user):
    """The user's tokens still usable (expired ones are deleted by knox when presented)."""
    from knox.models import AuthToken

    return AuthToken.objects.filter(user=user).filter(
        Q(expiry__isnull=True) | Q(expiry__gt=timezone.now())).order_by("-created")


@transaction.atomic
def api_token_create(*, actor, days: int | None = None) -> tuple[object, str]:
    """A new token for the actor, valid `days` (default API_TOKEN_DAYS, at most API_TOKEN_MAX_DAYS).
    Returns the row and the token itself, which is stored only hashed: show it once."""
    from knox.models import AuthToken
    from knox.settings import knox_settings

    days = settings.API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise ValidationError({"days": _("A token lasts from 1 to %(max)s days.") % {"max": settings.API_TOKEN_MAX_DAYS}})
    limit = knox_settings.TOKEN_LIMIT_PER_USER
    if limit is not None and api_tokens_of(actor).count() >= limit:
        raise ValidationError(_("You already have %(count)s tokens; revoke one first.") % {"count": limit})
    row, token = AuthToken.objects.create(user=actor, expiry=timedelta(days=days))
    audit_log(actor=actor, action="account.token_create", target=actor, token=row.token_key,
              expires=row.expiry.date().isoformat())
    return row, token


@transaction.atomic
def api_token_revoke(*, actor, token_key: str) -> None:
    """Revoke one of the actor's own tokens (someone else's is not found)."""
    from knox.models import AuthToken

    deleted, _rows = AuthToken.objects.filter(user=actor, token_key=token_key).delete()
    if not deleted:
        raise ObjectDoesNotExist(_("No such token."))
    audit_log(actor=actor, action="account.token_revoke", target=actor, token=token_key)
