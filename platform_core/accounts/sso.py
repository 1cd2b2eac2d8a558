"""Single sign-on backends: CAS for universities (统一身份认证), OpenID Connect for enterprises and government.

Both map the provider's identity through `services.sso_sign_in`: an identity seen before is its
user; a new one becomes a user with a pending membership in the organisation configured for
the provider (settings.SSO_ORGANISATIONS), which that organisation's admin approves.
Each is off unless its environment variables are set (config/settings/base.py).
"""
import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.http import Http404
from django_cas_ng.backends import CASBackend as LibraryCASBackend
from django_cas_ng.utils import get_cas_client
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from ..models import ExternalIdentity
from . import services

log = logging.getLogger(__name__)


def cas_enabled() -> bool:
    return bool(getattr(settings, "CAS_SERVER_URL", None))


def oidc_enabled() -> bool:
    return bool(getattr(settings, "OIDC_RP_CLIENT_ID", ""))


def _refuse(request, exc: ValidationError) -> None:
    if request is not None:
        for message in exc.messages:
            messages.error(request, message)


class CASBackend(LibraryCASBackend):
    """django-cas-ng verifies the ticket with the CAS server; we map its user name to ours."""

    def authenticate(self, request, ticket, service):
        if not cas_enabled():
            return None
        client = get_cas_client(service_url=service, request=request)
        username, attributes, _pgtiou = client.verify_ticket(ticket)
        if not username:
            return None
        attributes = attributes or {}
        name = attributes.get("display_name") or " ".join(
            part for part in (attributes.get("last_name"), attributes.get("first_name")) if part)
        try:
            user = services.sso_sign_in(
                provider=ExternalIdentity.Provider.CAS, issuer=settings.CAS_SERVER_URL, subject=username,
                email=attributes.get("email") or attributes.get("mail") or "", display_name=name or "",
                username_hint=username,
            )
        except ValidationError as exc:
            _refuse(request, exc)
            return None
        return user if self.user_can_authenticate(user) else None


class OIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc runs the code flow and checks the ID token; we map (issuer, sub) to our user."""

    def __init__(self, *args, **kwargs):
        self.enabled = oidc_enabled()
        if self.enabled:  # the library reads (and insists on) its settings here
            super().__init__(*args, **kwargs)

    def authenticate(self, request, **kwargs):
        if not self.enabled:
            return None
        return super().authenticate(request, **kwargs)

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        issuer = settings.OIDC_OP_ISSUER or payload.get("iss", "")
        if settings.OIDC_OP_ISSUER and payload.get("iss") != settings.OIDC_OP_ISSUER:
            raise SuspiciousOperation("ID token from an unexpected issuer")
        if claims.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("userinfo is about someone else than the ID token")
        email = claims.get("email", "") if claims.get("email_verified") else ""
        name = claims.get("name") or " ".join(p for p in (claims.get("family_name"), claims.get("given_name")) if p)
        try:
            return services.sso_sign_in(
                provider=ExternalIdentity.Provider.OIDC, issuer=issuer, subject=payload["sub"], email=email,
                display_name=name, username_hint=claims.get("preferred_username") or email.split("@")[0],
            )
        except ValidationError as exc:
            _refuse(self.request, exc)
            return None


def require_enabled(check):
    """404 for a sign-in route whose provider is not configured."""
    def decorator(view):
        def wrapped(request, *args, **kwargs):
            if not check():
                raise Http404
            return view(request, *args, **kwargs)
        return wrapped
    return decorator
