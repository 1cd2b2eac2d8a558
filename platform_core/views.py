from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views import i18n as i18n_views
from django.views.decorators.http import require_POST

from . import selectors, services, signoff
from .audit import audit_trail
from .forms import (
    ImportForm, MemberAddForm, NotificationPreferencesForm, OrganisationFilterForm, OrganisationForm, RejectForm,
    SignConfirmForm,
)
from .importers import OrganisationImporter
from .importing import error_report_response, import_template_response
from .models import ImportRun, Membership, NotificationPreference, Organisation
from .navigation import home_panels_for
from .notifications import render_notifications
from .pages import add_service_errors, flash_service_error, paginate
from .permissions import member_organisation_ids, organisations_administered_by

AWAITING_SHOWN = 10  # sign-offs listed in the queue cards of the home and sign-off pages


FAVICON = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" '
           'fill="#0d6efd"/><text x="8" y="12" font-size="9" text-anchor="middle" fill="#fff" '
           'font-family="sans-serif">1121</text></svg>')


def favicon(request):
    """Browsers ask for /favicon.ico on every site; answer it rather than log a 404 in each console."""
    response = HttpResponse(FAVICON, content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@login_required
def home(request):
    user = request.user
    return render(request, "platform/home.html", {
        "organisations": selectors.user_organisations(user),
        "awaiting": signoff.signoffs_awaiting(user)[:AWAITING_SHOWN],
        "notifications": render_notifications(selectors.unread_notifications(user)[:8], reader=user),
        "panels": home_panels_for(request),
    })


@login_required
def organisation_list(request):
    form = OrganisationFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    organisations = selectors.organisation_list(
        query=filters.get("q", ""), kind=filters.get("kind", ""), region=filters.get("region"),
        chain=filters.get("chain"),
    )
    return render(request, "platform/organisation_list.html", {"form": form, "page": paginate(request, organisations)})


@login_required
def organisation_detail(request, pk):
    organisation = get_object_or_404(
        Organisation.objects.select_related("region", "parent").prefetch_related("industry_nodes__chain", "fields"),
        pk=pk,
    )
    user = request.user
    can_manage = user.has_perm("platform.manage_members", organisation)
    people = members = None
    if can_manage or organisation.pk in member_organisation_ids(user):
        people = paginate(request, selectors.organisation_people(organisation))
        members = selectors.members_by_person(organisation, people)
    return render(request, "platform/organisation_detail.html", {
        "organisation": organisation,
        "members": members,
        "page": people,
        "can_edit": user.has_perm("platform.change_organisation", organisation),
        "can_manage": can_manage,
        "audit": audit_trail(organisation)[:20] if can_manage else None,
        "units": organisation.units.all(),
    })


@login_required
def organisation_edit(request, pk):
    organisation = get_object_or_404(Organisation, pk=pk)
    if not request.user.has_perm("platform.change_organisation", organisation):
        raise PermissionDenied
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in {"industry_nodes", "fields"}}
        try:
            # Re-read: ModelForm validation already copied the values onto `organisation`.
            services.organisation_update(
                actor=request.user, organisation=Organisation.objects.get(pk=pk),
                industry_nodes=form.cleaned_data["industry_nodes"], fields=form.cleaned_data["fields"], **data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Organisation saved."))
            return redirect("platform:organisation-detail", pk=pk)
    return render(request, "platform/organisation_form.html", {"form": form, "organisation": organisation})


@login_required
def my_organisation(request):
    """The organisations the user administers, or belongs to, with their members."""
    administered = organisations_administered_by(request.user)
    if not request.user.is_staff and administered.count() == 1:
        return redirect("platform:organisation-members", pk=administered.get().pk)
    return render(request, "platform/my_organisation.html", {
        "administered": administered if not request.user.is_staff else administered.none(),
        "memberships": request.user.memberships.active().select_related("organisation"),
    })


@login_required
def organisation_members(request, pk):
    organisation = get_object_or_404(Organisation, pk=pk)
    if not request.user.has_perm("platform.manage_members", organisation):
        raise PermissionDenied
    form = MemberAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.find_user(form.cleaned_data["user"])
            services.membership_add(
                actor=request.user, organisation=organisation, user=user,
                role=form.cleaned_data["role"], title=form.cleaned_data["title"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(user)s was added.") % {"user": user})
            return redirect("platform:organisation-members", pk=pk)
    members = organisation.memberships.active().select_related("user").order_by("user__username", "role", "pk")
    return render(request, "platform/organisation_members.html", {
        "organisation": organisation, "page": paginate(request, members), "form": form,
    })


@login_required
@require_POST
def membership_remove(request, pk):
    membership = get_object_or_404(Membership.objects.select_related("organisation", "user"), pk=pk)
    if not request.user.has_perm("platform.manage_members", membership.organisation):
        raise PermissionDenied
    try:
        services.membership_remove(actor=request.user, membership=membership)
    except ValidationError as exc:
        flash_service_error(request, exc)
    else:
        messages.success(request, _("Role removed."))
    return redirect("platform:organisation-members", pk=membership.organisation_id)


@login_required
def notification_list(request):
    notifications = request.user.notifications.all()
    if request.GET.get("unread"):
        notifications = notifications.filter(read_at__isnull=True)
    page = paginate(request, notifications)
    render_notifications(page.object_list, reader=request.user)
    return render(request, "platform/notification_list.html", {"page": page})


@login_required
@require_POST
def notification_read(request, pk):
    notification = get_object_or_404(request.user.notifications, pk=pk)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return redirect(notification.url or "platform:notifications")


@login_required
@require_POST
def notification_read_all(request):
    request.user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
    return redirect("platform:notifications")


@login_required
def notification_preferences(request):
    form = NotificationPreferencesForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        choices = dict(form.cleaned_data)
        language = choices.pop(NotificationPreferencesForm.LANGUAGE, "")
        for event, delivery in choices.items():
            if not delivery:  # not submitted: keep what the user had
                continue
            NotificationPreference.objects.update_or_create(
                user=request.user, event=event, defaults={"delivery": delivery}
            )
        response = redirect("platform:notification-preferences")
        if language:
            services.user_set_language(user=request.user, language=language)
            translation.activate(language)
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
                                samesite=settings.LANGUAGE_COOKIE_SAMESITE)
        messages.success(request, _("Notification preferences saved."))
        return response
    return render(request, "platform/notification_preferences.html", {"form": form})


def set_language(request):
    """Django's language switch, which also keeps the signed-in user's language (notifications, e-mails)."""
    response = i18n_views.set_language(request)
    language = request.POST.get("language", "")
    if request.method == "POST" and request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.user_set_language(user=request.user, language=language)
    return response


@login_required
def signoff_list(request):
    """The user's queue (its first entries; `?awaiting=1` lists all of it) and every decision they are part of."""
    awaiting = signoff.signoffs_awaiting(request.user).select_related("created_by")
    only_awaiting = request.GET.get("awaiting") == "1"
    decisions = awaiting if only_awaiting else signoff.signoffs_visible_to(request.user).select_related("created_by")
    return render(request, "platform/signoff_list.html", {
        "awaiting": awaiting[:AWAITING_SHOWN], "awaiting_shown": AWAITING_SHOWN, "only_awaiting": only_awaiting,
        "page": paginate(request, decisions),
    })


@login_required
def signoff_detail(request, pk):
    obj = get_object_or_404(signoff.signoffs_visible_to(request.user), pk=pk)
    obj = signoff.signoffs_for(obj.target).get(pk=obj.pk)
    approving = request.method == "POST" and request.POST.get("verdict") == "approve"
    sign_form = SignConfirmForm(request.POST if approving else None)
    reject_form = RejectForm(request.POST if request.method == "POST" and not approving else None)
    if request.method == "POST":
        try:
            if approving:
                if sign_form.is_valid():
                    signoff.signoff_sign(actor=request.user, request_id=obj.pk)
                    messages.success(request, _("You signed."))
                    return redirect("platform:signoff-detail", pk=pk)
            elif reject_form.is_valid():
                signoff.signoff_reject(actor=request.user, request_id=obj.pk, reason=reject_form.cleaned_data["reason"])
                messages.success(request, _("You rejected the decision; it goes back."))
                return redirect("platform:signoff-detail", pk=pk)
        except ValidationError as exc:
            flash_service_error(request, exc)
    content = signoff.signoff_content(obj, request.user)
    return render(request, "platform/signoff_detail.html", {
        "signoff": obj,
        "content": content,
        "content_html": render_to_string(content["template"], content["context"], request=request),
        "can_sign": signoff.signoff_can_sign(obj, request.user),
        "sign_form": sign_form,
        "reject_form": reject_form,
        "audit": audit_trail(obj),
    })


@login_required
def organisation_import(request):
    if not request.user.has_perm("platform.import_organisations"):
        raise PermissionDenied
    importer = OrganisationImporter(actor=request.user)
    if request.GET.get("template") == "xlsx":
        return import_template_response(importer, _("organisations-import-template"))
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        run = importer.start(form.cleaned_data["file"])
        return redirect("platform:import-detail", pk=run.pk)
    runs = ImportRun.objects.filter(kind=OrganisationImporter.kind).defer("errors")[:10]
    return render(request, "platform/import_form.html", {
        "form": form, "runs": runs, "columns": importer.describe_columns(), "title": _("Import organisations"),
    })


def _visible_import(request, pk):
    runs = ImportRun.objects.all() if request.user.is_staff else ImportRun.objects.filter(actor=request.user)
    return get_object_or_404(runs, pk=pk)


@login_required
def import_detail(request, pk):
    run = _visible_import(request, pk)
    return render(request, "platform/import_detail.html", {"run": run, "page": paginate(request, run.errors)})


@login_required
def import_progress(request, pk):
    """What the import page polls while the run is queued or running."""
    run = _visible_import(request, pk)
    return JsonResponse({"status": run.status, "processed_rows": run.processed_rows, "total_rows": run.total_rows,
                         "percent": run.progress_percent, "finished": run.is_finished})


@login_required
def import_report(request, pk):
    return error_report_response(_visible_import(request, pk))
