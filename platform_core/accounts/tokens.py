"""Signed, expiring links: invitations and e-mail verification."""
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import signing

INVITATION_SALT = "platform.accounts.invitation"


def invitation_token(invitation) -> str:
    return signing.dumps([invitation.pk, invitation.token_version], salt=INVITATION_SALT, compress=True)


def invitation_from_token(token: str, *, max_age_seconds: int):
    """(pk, version) of a genuine, unexpired link; None otherwise."""
    try:
        pk, version = signing.loads(token, salt=INVITATION_SALT, max_age=max_age_seconds)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return pk, version


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    """Like the password-reset token (its own salt), and void once the account is active."""

    key_salt = "platform.accounts.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.email}{user.is_active}{timestamp}"


email_verification_token = EmailVerificationTokenGenerator()
