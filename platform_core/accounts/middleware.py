"""Users waiting for their organisation's approval see only the waiting page.

The check costs no query for everyone else: it is computed once at sign-in (`signals`)
and kept in the session; for a waiting user it is re-checked on each request, so the
approval takes effect on the next page they open.
"""
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from . import services

SESSION_KEY = "accounts.awaiting_approval"
# Paths a waiting user may still open.
ALLOWED_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/media/", "/favicon")


class AwaitingApprovalMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.session.get(SESSION_KEY) and request.user.is_authenticated:
            if not services.awaiting_approval(request.user):
                del request.session[SESSION_KEY]
            elif not request.path.startswith(ALLOWED_PREFIXES):
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": _("Your membership is waiting for approval.")}, status=403)
                return redirect(reverse("accounts:waiting"))
        return self.get_response(request)
