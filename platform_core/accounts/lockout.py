"""What a locked-out sign-in gets (django-axes calls this; settings.AXES_LOCKOUT_CALLABLE): the login
page with the reason, or JSON for the API, both 429 and in the user's language."""
from axes.helpers import get_client_username
from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _("Too many wrong passwords for this account from your network: signing in is blocked for "
             "%(minutes)s minutes. Try again later or ask a platform administrator to unlock it.") % {
        "minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    message = lockout_message()
    if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"detail": message}, status=429)
    from django.contrib.auth.forms import AuthenticationForm

    from .views import sso_buttons

    return render(request, "registration/login.html", {
        "form": AuthenticationForm(request, initial={"username": (credentials or {}).get("username", "")}),
        "locked_out": message, "sso_buttons": sso_buttons(), "next": request.POST.get("next", ""),
    }, status=429)


def lockout_parameters(request_or_attempt, credentials=None):
    """What a failed sign-in is counted against (settings.AXES_LOCKOUT_PARAMETERS): a user name from an address.
    A single-sign-on callback (a CAS ticket, an OIDC code) carries no user name: the identity provider checks
    the password and locks its own accounts. Counted per address alone, a few stale callbacks would lock every
    SSO user behind one campus NAT out, so such failures are not counted (axes records nothing when the user
    name is the only parameter and is missing)."""
    if isinstance(request_or_attempt, HttpRequest):
        username = get_client_username(request_or_attempt, credentials)
    else:  # a recorded attempt
        username = getattr(request_or_attempt, "username", None)
    return [["username", "ip_address"]] if username else ["username"]
