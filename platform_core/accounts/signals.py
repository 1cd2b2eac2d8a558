from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from . import events, services  # noqa: F401  (events: the audit sentences of the way in)
from .middleware import SESSION_KEY


@receiver(user_logged_in, dispatch_uid="accounts.mark_awaiting_approval")
def mark_awaiting_approval(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session") and services.awaiting_approval(user):
        request.session[SESSION_KEY] = True
