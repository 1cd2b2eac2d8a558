from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from .. import autocomplete
from ..models import Invitation, MembershipRequest, Organisation, OrganisationApplication
from ..pages import add_service_errors, flash_service_error, paginate
from . import selectors, services, sso, throttle
from .forms import (
    ApiTokenForm, ApproveForm, InvitationAcceptForm, InvitationForm, JoinRequestForm, RefuseForm, RegistrationForm,
    ThrottledPasswordResetForm,
)
from .middleware import SESSION_KEY
from .tokens import email_verification_token, invitation_from_token

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def sso_buttons() -> list[dict]:
    """The single sign-on buttons of the login page: only configured providers."""
    buttons = []
    if sso.cas_enabled():
        buttons.append({"url": reverse("cas_ng_login"), "icon": "mortarboard", "testid": "sso-cas",
                        "label": settings.CAS_BUTTON_LABEL or _("University unified identity (CAS)")})
    if sso.oidc_enabled():
        buttons.append({"url": reverse("oidc_authentication_init"), "icon": "building-lock", "testid": "sso-oidc",
                        "label": settings.OIDC_BUTTON_LABEL or _("Organisation single sign-on (OIDC)")})
    return buttons


class LoginView(auth_views.LoginView):
    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "sso_buttons": sso_buttons()}


class PasswordResetView(auth_views.PasswordResetView):
    form_class = ThrottledPasswordResetForm
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        if not throttle.consume("reset-ip", throttle.client_ip(self.request),
                                limit=settings.ACCOUNT_RESET_REQUESTS_PER_IP_PER_HOUR):
            form.add_error(None, _("Too many reset requests from your network in the last hour; try again later."))
            return self.form_invalid(form)
        form.save()
        return redirect(self.get_success_url())


# ------------------------------------------------------------------ registration


@require_GET
def organisation_search(request):
    """The core `organisations` source for the registration page, which has no session yet (a read,
    at most 20 names and regions per answer, as the signed-in search)."""
    results = autocomplete.search("organisations", user=request.user if request.user.is_authenticated
                                  else AnonymousUser(), query=request.GET.get("q", ""))
    return JsonResponse({"results": results})


def register(request):
    if request.user.is_authenticated:
        return redirect("platform:home")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        common = {"ip": throttle.client_ip(request), "username": data["username"],
                  "display_name": data["display_name"], "email": data["email"], "password": data["password1"],
                  "language": get_language() or settings.LANGUAGE_CODE}
        try:
            if data["mode"] == RegistrationForm.JOIN:
                services.register_to_join(organisation=data["organisation"], role=data["role"],
                                          message=data["message"], **common)
            else:
                services.register_organisation(kind=data["kind"], name_zh=data["name_zh"], name_en=data["name_en"],
                                               credit_code=data["credit_code"], region=data["region"],
                                               role=data["role"], **common)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return render(request, "accounts/register_done.html", {"email": data["email"]})
    return render(request, "accounts/register.html", {"form": form})


def verify_email(request, uidb64, token):
    User = get_user_model()
    try:
        user = User.objects.get(pk=urlsafe_base64_decode(uidb64).decode())
    except (User.DoesNotExist, ValueError, TypeError, OverflowError):
        user = None
    if user is None or not email_verification_token.check_token(user, token):
        return render(request, "accounts/link_invalid.html", {
            "message": _("This verification link is invalid or has expired. Register again or reset your password."),
        }, status=400)
    services.email_verify(user=user)
    login(request, user, backend=MODEL_BACKEND)
    messages.success(request, _("Your e-mail address is verified."))
    return redirect("accounts:waiting")


@login_required
def waiting(request):
    """The only page of a user waiting for approval; a refused one may ask another organisation here."""
    user = request.user
    form = JoinRequestForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_request_create(user=user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            request.session[SESSION_KEY] = services.awaiting_approval(user)
            messages.success(request, _("Your request was sent to the administrators of %(org)s.")
                             % {"org": form.cleaned_data["organisation"]})
            return redirect("accounts:waiting")
    waiting_now = services.awaiting_approval(user)
    if not waiting_now:
        request.session.pop(SESSION_KEY, None)
    return render(request, "accounts/waiting.html", {
        "requests": user.membership_requests.select_related("organisation")[:20],
        "applications": user.organisation_applications.all()[:20],
        "waiting": waiting_now, "form": form,
        "may_ask": not user.is_staff and not user.memberships.active().exists(),
    })


# ------------------------------------------------------------------ invitations


def _administered(request, pk) -> Organisation:
    organisation = get_object_or_404(Organisation, pk=pk)
    if not request.user.has_perm("platform.manage_members", organisation):
        raise PermissionDenied
    return organisation


@login_required
def invitation_list(request, pk):
    organisation = _administered(request, pk)
    roles = services.grantable_roles(request.user, organisation)
    form = InvitationForm(request.POST or None, roles=roles)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(actor=request.user, organisation=organisation, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("An invitation was sent to %(email)s.") % {"email": invitation.email})
            return redirect("accounts:invitations", pk=pk)
    invitations = selectors.invitations_visible_to(request.user).filter(organisation=organisation)
    return render(request, "accounts/invitation_list.html", {
        "organisation": organisation, "form": form, "page": paginate(request, invitations),
    })


def _visible_invitation(request, pk) -> Invitation:
    return get_object_or_404(selectors.invitations_visible_to(request.user), pk=pk)


@login_required
@require_POST
def invitation_resend(request, pk):
    invitation = _visible_invitation(request, pk)
    try:
        services.invitation_resend(actor=request.user, invitation=invitation)
    except ValidationError as exc:
        flash_service_error(request, exc)
    else:
        messages.success(request, _("The invitation was sent again to %(email)s.") % {"email": invitation.email})
    return redirect("accounts:invitations", pk=invitation.organisation_id)


@login_required
@require_POST
def invitation_revoke(request, pk):
    invitation = _visible_invitation(request, pk)
    try:
        services.invitation_revoke(actor=request.user, invitation=invitation)
    except ValidationError as exc:
        flash_service_error(request, exc)
    else:
        messages.success(request, _("The invitation to %(email)s was revoked.") % {"email": invitation.email})
    return redirect("accounts:invitations", pk=invitation.organisation_id)


def invitation_accept(request, token):
    found = invitation_from_token(token, max_age_seconds=int(services.invitation_max_age().total_seconds()))
    invitation = (Invitation.objects.select_related("organisation", "invited_by").filter(pk=found[0]).first()
                  if found else None)
    if invitation is None:
        return render(request, "accounts/link_invalid.html", {
            "message": _("This invitation link is invalid or has expired."),
        }, status=400)
    version = found[1]
    try:
        services._check_acceptable(invitation, version)
    except ValidationError as exc:
        return render(request, "accounts/link_invalid.html", {"message": " ".join(exc.messages)}, status=400)
    user = request.user
    existing = get_user_model().objects.filter(email__iexact=invitation.email).exists()
    form = None
    if not user.is_authenticated and not existing:
        form = InvitationAcceptForm(request.POST or None,
                                    initial={"username": invitation.email.split("@")[0]})
    if request.method == "POST":
        try:
            if user.is_authenticated:
                services.invitation_accept_existing(user=user, invitation=invitation, version=version)
            elif form is not None and form.is_valid():
                user, _membership = services.invitation_accept_new(
                    invitation=invitation, version=version, username=form.cleaned_data["username"],
                    display_name=form.cleaned_data["display_name"], password=form.cleaned_data["password1"],
                )
                login(request, user, backend=MODEL_BACKEND)
            else:
                raise _FormInvalid
        except _FormInvalid:
            pass
        except ValidationError as exc:
            if form is not None:
                add_service_errors(form, exc)
            else:
                flash_service_error(request, exc)
        else:
            request.session.pop(SESSION_KEY, None)
            messages.success(request, _("Welcome to %(org)s.") % {"org": invitation.organisation})
            return redirect("platform:organisation-detail", pk=invitation.organisation_id)
    return render(request, "accounts/invitation_accept.html", {
        "invitation": invitation, "form": form, "existing": existing,
        "login_url": f"{reverse('login')}?next={request.path}",
    })


class _FormInvalid(Exception):
    pass


# ------------------------------------------------------------------ approvals


@login_required
def membership_requests(request, pk):
    organisation = _administered(request, pk)
    rows = selectors.membership_requests_visible_to(request.user).filter(organisation=organisation)
    pending = rows.filter(status=MembershipRequest.Status.PENDING)
    return render(request, "accounts/membership_requests.html", {
        "organisation": organisation, "page": paginate(request, pending),
        "decided": rows.exclude(status=MembershipRequest.Status.PENDING)[:20],
        "approve_form": ApproveForm(roles=services.grantable_roles(request.user, organisation)),
        "refuse_form": RefuseForm(),
    })


@login_required
@require_POST
def membership_request_decide(request, pk, verdict):
    membership_request = get_object_or_404(selectors.membership_requests_visible_to(request.user), pk=pk)
    organisation = membership_request.organisation
    try:
        if verdict == "approve":
            form = ApproveForm(request.POST, roles=services.grantable_roles(request.user, organisation))
            if not form.is_valid():
                raise ValidationError(form.errors.get("role") or _("Choose a role."))
            services.membership_request_approve(actor=request.user, request=membership_request,
                                                role=form.cleaned_data["role"])
            messages.success(request, _("%(user)s joined %(org)s.") % {"user": membership_request.user,
                                                                       "org": organisation})
        elif verdict == "refuse":
            form = RefuseForm(request.POST)
            form.is_valid()
            services.membership_request_refuse(actor=request.user, request=membership_request,
                                               reason=form.cleaned_data.get("reason", ""))
            messages.success(request, _("The request of %(user)s was refused.") % {"user": membership_request.user})
        else:
            raise Http404
    except ValidationError as exc:
        flash_service_error(request, exc)
    return redirect("accounts:membership-requests", pk=organisation.pk)


@login_required
def applications(request):
    if not request.user.has_perm("platform.add_organisation"):
        raise PermissionDenied
    rows = selectors.organisation_applications_visible_to(request.user)
    return render(request, "accounts/applications.html", {
        "page": paginate(request, rows.filter(status=OrganisationApplication.Status.PENDING)),
        "decided": rows.exclude(status=OrganisationApplication.Status.PENDING)[:20],
        "refuse_form": RefuseForm(),
    })


@login_required
@require_POST
def application_decide(request, pk, verdict):
    application = get_object_or_404(selectors.organisation_applications_visible_to(request.user), pk=pk)
    try:
        if verdict == "approve":
            organisation = services.organisation_application_approve(actor=request.user, application=application)
            messages.success(request, _("%(org)s was verified and created.") % {"org": organisation})
        elif verdict == "refuse":
            form = RefuseForm(request.POST)
            form.is_valid()
            services.organisation_application_refuse(actor=request.user, application=application,
                                                     reason=form.cleaned_data.get("reason", ""))
            messages.success(request, _("The application was refused."))
        else:
            raise Http404
    except ValidationError as exc:
        flash_service_error(request, exc)
    return redirect("accounts:applications")


# ------------------------------------------------------------------ API tokens


@login_required
@never_cache
def api_tokens(request):
    """Create (the token is shown on this answer only), list and revoke your API tokens."""
    form = ApiTokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            row, token = services.api_token_create(actor=request.user, days=form.cleaned_data["days"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            created = {"token": token, "row": row}
            form = ApiTokenForm()
    return render(request, "accounts/api_tokens.html", {
        "form": form, "created": created, "tokens": services.api_tokens_of(request.user),
    })


@login_required
@require_POST
def api_token_revoke(request, token_key):
    try:
        services.api_token_revoke(actor=request.user, token_key=token_key)
    except ObjectDoesNotExist:
        raise Http404
    messages.success(request, _("The token %(token)s… was revoked; programs using it are refused from now on.")
                     % {"token": token_key})
    return redirect("accounts:api-tokens")
