from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from platform_core.audit import audit_trail
from platform_core.pages import add_service_errors, flash_service_error, paginate
from talent.selectors import center_students

from . import forms, selectors, services
from .models import Consortium, JointCenter
from .permissions import can_register_center, can_register_consortium


@login_required
def center_list(request):
    form = forms.CenterFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    centers = selectors.center_list(request.user, query=filters.get("q", ""), status=filters.get("status", ""))
    return render(request, "consortia/center_list.html", {
        "form": form, "page": paginate(request, centers), "can_add": can_register_center(request.user),
    })


@login_required
def center_detail(request, pk):
    center = get_object_or_404(selectors.centers_visible_to(request.user).prefetch_related(selectors.NODES_WITH_CHAIN),
                               pk=pk)
    can_change = request.user.has_perm("consortia.change_center", center)
    appoint_form = forms.AppointForm(request.POST or None, user=request.user, center=center) if can_change else None
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if appoint_form.is_valid():
            try:
                services.center_appoint(actor=request.user, center=center, **appoint_form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(appoint_form, exc)
            else:
                messages.success(request, _("Appointment saved."))
                return redirect("consortia:center-detail", pk=pk)
    return render(request, "consortia/center_detail.html", {
        "center": center, "can_change": can_change, "appoint_form": appoint_form,
        "sides": selectors.center_sides(center),
        "page": paginate(request, selectors.center_members(center)),
        "students": center_students(request.user, center)[:20],
        "decisions": center.decisions.select_related("co_signer")[:10] if selectors.is_center_participant(
            request.user, center) or can_change else None,
        "decision_form": forms.CenterDecisionForm(user=request.user) if can_change else None,
        "audit": audit_trail(center)[:20] if can_change else None,
    })


@login_required
@require_POST
def center_decision_propose(request, pk):
    center = get_object_or_404(selectors.centers_visible_to(request.user), pk=pk)
    form = forms.CenterDecisionForm(request.POST, user=request.user)
    try:
        if not form.is_valid():
            raise ValidationError([f"{form.fields[f].label}: {' '.join(e)}" if f in form.fields else " ".join(e)
                                   for f, e in form.errors.items()])
        services.center_decision_propose(actor=request.user, center=center, **form.cleaned_data)
    except ValidationError as exc:
        flash_service_error(request, exc)
    else:
        messages.success(request, _("The decision was sent to the sides for signatures."))
    return redirect("consortia:center-detail", pk=pk)


@login_required
def center_create(request):
    if not can_register_center(request.user):
        raise PermissionDenied(_("Only an organisation administrator of an enterprise, university or institute "
                                 "may register a joint center."))
    form = forms.CenterForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        nodes, fields = data.pop("industry_nodes"), data.pop("fields")
        try:
            center = services.center_create(actor=request.user, industry_nodes=nodes, fields=fields, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Center registered."))
            return redirect("consortia:center-detail", pk=center.pk)
    return render(request, "consortia/form.html", {"form": form, "title": _("Register a joint R&D center")})


@login_required
def center_edit(request, pk):
    center = get_object_or_404(selectors.centers_visible_to(request.user), pk=pk)
    if not request.user.has_perm("consortia.change_center", center):
        raise PermissionDenied
    form = forms.CenterForm(request.POST or None, user=request.user, instance=center)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        nodes, fields = data.pop("industry_nodes"), data.pop("fields")
        try:
            services.center_update(actor=request.user, center=JointCenter.objects.get(pk=pk),
                                   industry_nodes=nodes, fields=fields, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Center saved."))
            return redirect("consortia:center-detail", pk=pk)
    return render(request, "consortia/form.html", {"form": form, "title": center.name})


@login_required
def consortium_list(request):
    query, kind = request.GET.get("q", "").strip(), request.GET.get("kind", "")
    consortia = selectors.consortium_list(request.user, query=query, kind=kind)
    return render(request, "consortia/consortium_list.html", {
        "page": paginate(request, consortia), "query": query, "kind": kind,
        "kinds": Consortium.Kind.choices, "can_add": can_register_consortium(request.user),
    })


@login_required
def consortium_detail(request, pk):
    consortium = get_object_or_404(
        selectors.consortia_visible_to(request.user).prefetch_related(selectors.NODES_WITH_CHAIN), pk=pk)
    can_change = request.user.has_perm("consortia.change_consortium", consortium)
    member_form = forms.ConsortiumMemberForm(request.POST if "add_member" in request.POST else None, user=request.user)
    council_form = forms.CouncilForm(request.POST if "add_council" in request.POST else None, user=request.user,
                                     consortium=consortium)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        form = member_form if "add_member" in request.POST else council_form
        if form.is_valid():
            try:
                if form is member_form:
                    services.consortium_member_add(actor=request.user, consortium=consortium, **form.cleaned_data)
                else:
                    services.council_member_add(actor=request.user, consortium=consortium, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("consortia:consortium-detail", pk=pk)
    return render(request, "consortia/consortium_detail.html", {
        "consortium": consortium, "can_change": can_change, "member_form": member_form,
        "council_form": council_form,
        "page": paginate(request, consortium.members.select_related("organisation")),
        "council": consortium.council.select_related("user", "organisation"),
        "audit": audit_trail(consortium)[:20] if can_change else None,
    })


@login_required
def consortium_create(request):
    if not can_register_consortium(request.user):
        raise PermissionDenied(_("Only an organisation administrator may register a consortium."))
    form = forms.ConsortiumForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        nodes = data.pop("industry_nodes")
        try:
            consortium = services.consortium_create(actor=request.user, industry_nodes=nodes, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Consortium registered."))
            return redirect("consortia:consortium-detail", pk=consortium.pk)
    return render(request, "consortia/form.html", {"form": form, "title": _("Register an innovation consortium")})
