"""Pages of 一共享: talent pool, shared hires and their cost split, enterprise mentors, dual-mentor students."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from platform_core.audit import audit_trail
from platform_core.exports import csv_response
from platform_core.permissions import member_organisation_ids
from platform_core.pages import add_service_errors, flash_service_error, paginate
from platform_core.signoff import signoffs_for

from . import forms, selectors, services
from .models import SharedHire, TalentEvidence


def _hr_universities_or_403(request):
    universities = selectors.universities_for_hr(request.user)
    if not universities.exists():
        raise PermissionDenied(_("Only university HR or technology-transfer staff can do this."))
    return universities


# Talent pool


@login_required
def home(request):
    form = forms.TalentPoolFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    profiles = selectors.talent_pool_search(
        request.user, query=filters.get("q", ""), field=filters.get("field"),
        availability=filters.get("availability", ""),
    ).prefetch_related("fields")
    return render(request, "talent/pool.html", {
        "form": form, "page": paginate(request, profiles), "can_add": selectors.is_hr_anywhere(request.user),
    })


@login_required
def profile_create(request):
    universities = _hr_universities_or_403(request)
    form = forms.TalentProfileForm(request.POST or None, organisations=universities)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            profile = services.talent_profile_create(
                actor=request.user, fields=data.pop("fields"), industry_nodes=data.pop("industry_nodes"), **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Profile added to the talent pool."))
            return redirect("talent:profile-detail", pk=profile.pk)
    return render(request, "talent/form.html", {"form": form, "title": _("Add to the talent pool")})


@login_required
def profile_detail(request, pk):
    profile = get_object_or_404(selectors.talent_profiles_visible_to(request.user), pk=pk)
    can_edit = request.user.has_perm("talent.change_talentprofile", profile)
    evidence_form = forms.EvidenceForm(request.POST or None) if can_edit else None
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if evidence_form.is_valid():
            try:
                services.talent_evidence_add(actor=request.user, profile=profile, **evidence_form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(evidence_form, exc)
            else:
                messages.success(request, _("Evidence added."))
                return redirect("talent:profile-detail", pk=pk)
    hires = selectors.shared_hires_visible_to(request.user).filter(talent=profile)
    return render(request, "talent/profile_detail.html", {
        "profile": profile, "can_edit": can_edit, "evidence_form": evidence_form,
        "page": paginate(request, profile.evidence.all()), "hires": hires,
        "performance": selectors.performance_record(profile)
        if selectors.can_read_performance(request.user, profile) else None,
    })


@login_required
def profile_edit(request, pk):
    profile = get_object_or_404(selectors.talent_profiles_visible_to(request.user), pk=pk)
    if not request.user.has_perm("talent.change_talentprofile", profile):
        raise PermissionDenied
    form = forms.TalentProfileForm(request.POST or None, instance=profile,
                                   can_link_account=request.user.has_perm("talent.add_talentprofile",
                                                                          profile.organisation))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.talent_profile_update(actor=request.user, profile=profile, fields=data.pop("fields"),
                                           industry_nodes=data.pop("industry_nodes"), **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Profile saved."))
            return redirect("talent:profile-detail", pk=pk)
    return render(request, "talent/form.html", {"form": form, "title": _("Edit profile"), "cancel": profile})


@login_required
@require_POST
def evidence_remove(request, pk):
    evidence = get_object_or_404(TalentEvidence.objects.filter(
        profile__in=selectors.talent_profiles_visible_to(request.user)), pk=pk)
    services.talent_evidence_remove(actor=request.user, evidence=evidence)
    messages.success(request, _("Evidence removed."))
    return redirect("talent:profile-detail", pk=evidence.profile_id)


# Shared hires


@login_required
def hire_list(request):
    hires = selectors.with_shares(selectors.shared_hires_visible_to(request.user))
    status = request.GET.get("status", "")
    if status in SharedHire.Status.values:
        hires = hires.filter(status=status)
    return render(request, "talent/hire_list.html", {
        "page": paginate(request, hires), "statuses": SharedHire.Status.choices, "status": status,
        "can_add": selectors.is_hr_anywhere(request.user),
    })


def _hire_form_page(request, *, hire=None):
    universities = None if hire else _hr_universities_or_403(request)
    form = forms.SharedHireForm(request.POST or None, instance=hire, universities=universities, user=request.user)
    shares = forms.ShareFormSet(request.POST or None, prefix="shares", form_kwargs={"user": request.user},
                                initial=forms.share_initial(hire) if hire else None)
    if request.method == "POST" and form.is_valid() and shares.is_valid():
        try:
            if hire:
                hire = services.shared_hire_update(actor=request.user, hire=hire,
                                                   shares=forms.share_specs(shares), **form.cleaned_data)
            else:
                hire = services.shared_hire_create(actor=request.user, shares=forms.share_specs(shares),
                                                   **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Agreement saved as a draft. Send it for signature when it is complete."))
            return redirect("talent:hire-detail", pk=hire.pk)
    return render(request, "talent/hire_form.html", {"form": form, "shares": shares, "hire": hire})


@login_required
def hire_create(request):
    return _hire_form_page(request)


def _visible_hire(request, pk):
    return get_object_or_404(selectors.with_shares(selectors.shared_hires_visible_to(request.user)), pk=pk)


@login_required
def hire_edit(request, pk):
    hire = _visible_hire(request, pk)
    if not request.user.has_perm("talent.change_sharedhire", hire):
        raise PermissionDenied
    if hire.status != SharedHire.Status.DRAFT:
        messages.error(request, _("Only a draft agreement can be changed."))
        return redirect("talent:hire-detail", pk=pk)
    return _hire_form_page(request, hire=hire)


@login_required
def hire_detail(request, pk):
    hire = _visible_hire(request, pk)
    can_change = request.user.has_perm("talent.change_sharedhire", hire)
    lines = selectors.hire_cost_lines(hire)
    years = sorted({line.year for line in lines})
    shares = list(hire.shares.all())
    cost_table = [
        {"share": share, "amounts": [next(li.amount for li in lines if li.year == y and li.share.pk == share.pk)
                                     for y in years]}
        for share in shares
    ]
    totals = [sum(li.amount for li in lines if li.year == y) for y in years]
    return render(request, "talent/hire_detail.html", {
        "hire": hire, "shares": shares, "can_change": can_change, "years": years, "cost_table": cost_table,
        "totals": totals, "signoffs": signoffs_for(hire), "renewals": hire.renewals.all(),
        "renew_form": forms.RenewForm(), "terminate_form": forms.TerminateForm(),
        "audit": audit_trail(hire)[:20] if can_change else None,
    })


def _hire_action(request, pk, run, form_class=None):
    hire = _visible_hire(request, pk)
    if not request.user.has_perm("talent.change_sharedhire", hire):
        raise PermissionDenied
    data = {}
    if form_class:
        form = form_class(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect("talent:hire-detail", pk=pk)
        data = form.cleaned_data
    try:
        result = run(hire, data)
    except ValidationError as exc:
        flash_service_error(request, exc)
        return redirect("talent:hire-detail", pk=pk)
    return redirect("talent:hire-detail", pk=result.pk)


@login_required
@require_POST
def hire_submit(request, pk):
    def run(hire, data):
        hire = services.shared_hire_submit(actor=request.user, hire=hire)
        messages.success(request, _("Sent to every party for signature."))
        return hire
    return _hire_action(request, pk, run)


@login_required
@require_POST
def hire_renew(request, pk):
    def run(hire, data):
        if data.get("annual_cost") is None:
            data.pop("annual_cost", None)
        renewal = services.shared_hire_renew(actor=request.user, hire=hire, **data)
        messages.success(request, _("Renewal drafted; check it and send it for signature."))
        return renewal
    return _hire_action(request, pk, run, forms.RenewForm)


@login_required
@require_POST
def hire_terminate(request, pk):
    def run(hire, data):
        hire = services.shared_hire_terminate(actor=request.user, hire=hire, **data)
        messages.success(request, _("Agreement terminated."))
        return hire
    return _hire_action(request, pk, run, forms.TerminateForm)


def _csv_response(rows, filename):
    headers = [_("Year"), _("Party"), _("Role"), _("Agreements"), _("Amount (CNY)")]
    return csv_response(headers, selectors.cost_report_rows(rows), filename)


@login_required
def hire_costs_csv(request, pk):
    hire = _visible_hire(request, pk)
    rows = selectors.cost_report(SharedHire.objects.filter(pk=hire.pk))
    return _csv_response(rows, f"shared-hire-{hire.pk}-costs.csv")


@login_required
def cost_report(request):
    form = forms.CostReportFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    hires = selectors.cost_report_hires_visible_to(request.user, organisation=filters.get("organisation"),
                                                   year=filters.get("year"))
    rows = selectors.cost_report(hires)
    if filters.get("year"):
        rows = [r for r in rows if r["year"] == filters["year"]]
    if filters.get("organisation"):
        rows = [r for r in rows if r["organisation"] == filters["organisation"]]
    if request.GET.get("format") == "csv":
        return _csv_response(rows, "shared-talent-costs.csv")
    return render(request, "talent/cost_report.html", {
        "form": form, "page": paginate(request, rows), "total": sum(r["amount"] for r in rows),
        "csv_query": request.GET.urlencode(),
    })


# Enterprise mentors


@login_required
def mentor_list(request):
    mentors = selectors.enterprise_mentors_visible_to(request.user).prefetch_related("fields")
    if request.GET.get("mine"):
        mentors = mentors.filter(organisation_id__in=member_organisation_ids(request.user))
    return render(request, "talent/mentor_list.html", {
        "page": paginate(request, mentors), "mine": bool(request.GET.get("mine")),
        "can_add": selectors.is_hr_anywhere(request.user),
    })


@login_required
def mentor_create(request):
    universities = _hr_universities_or_403(request)
    form = forms.MentorForm(request.POST or None, universities=universities, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.mentor_appoint(actor=request.user, fields=data.pop("fields"), **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Enterprise mentor appointed."))
            return redirect("talent:mentor-list")
    return render(request, "talent/form.html", {"form": form, "title": _("Appoint an enterprise mentor")})


# Dual-mentor training


@login_required
def assignment_list(request):
    show_all = request.GET.get("all") == "1"
    assignments = selectors.assignments_visible_to(request.user) if show_all \
        else selectors.my_assignments(request.user)
    return render(request, "talent/assignment_list.html", {
        "page": paginate(request, assignments), "show_all": show_all,
        "can_add": selectors.is_hr_anywhere(request.user),
    })


@login_required
def assignment_create(request):
    universities = _hr_universities_or_403(request)
    form = forms.AssignmentForm(request.POST or None, universities=universities, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            assignment = services.assignment_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Dual-mentor assignment created."))
            return redirect("talent:assignment-detail", pk=assignment.pk)
    return render(request, "talent/form.html", {"form": form, "title": _("Assign dual mentors")})


@login_required
def assignment_detail(request, pk):
    assignment = get_object_or_404(selectors.assignments_visible_to(request.user), pk=pk)
    can_change = request.user.has_perm("talent.change_dualmentorassignment", assignment)
    form = forms.CloseAssignmentForm(request.POST or None)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.assignment_close(actor=request.user, assignment=assignment, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Outcome recorded."))
                return redirect("talent:assignment-detail", pk=pk)
    return render(request, "talent/assignment_detail.html", {
        "assignment": assignment, "can_change": can_change, "form": form,
        "audit": audit_trail(assignment)[:20] if can_change else None,
    })
