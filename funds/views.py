"""Pages of the capital chain. Reads go through funds.selectors, writes through funds.services."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from platform_core.audit import audit_trail
from platform_core.pages import add_service_errors, flash_service_error, paginate
from platform_core.permissions import is_platform_admin, is_program_officer

from . import forms, selectors, services
from .models import Fund, FundingCommitment, Tranche
from .permissions import can_commit_funding, can_create_fund


def _fund(request, pk) -> Fund:
    return get_object_or_404(selectors.funds_visible_to(request.user), pk=pk)


def _commitment(request, pk) -> FundingCommitment:
    return get_object_or_404(selectors.commitments_visible_to(request.user), pk=pk)


def _fund_form_data(form) -> dict:
    data = dict(form.cleaned_data)
    data["focus_chains"] = list(data.get("focus_chains") or [])
    return data


# Funds


@login_required
def fund_list(request):
    form = forms.FundFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    funds = selectors.fund_list(request.user, query=filters.get("q", ""), kind=filters.get("kind", ""),
                                status=filters.get("status", ""), chain=filters.get("chain"))
    return render(request, "funds/fund_list.html", {
        "form": form, "page": paginate(request, funds),
        "can_create": can_create_fund(request.user),
        "managed_ids": set(selectors.funds_managed_by(request.user).values_list("pk", flat=True)),
    })


@login_required
def fund_create(request):
    if not can_create_fund(request.user):
        raise PermissionDenied(_("Only fund managers may create funds."))
    form = forms.FundForm(request.POST or None, user=request.user, initial={"vintage_year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            fund = services.fund_create(actor=request.user, **_fund_form_data(form))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Fund created."))
            return redirect("funds:fund-detail", fund.pk)
    return render(request, "funds/fund_form.html", {"form": form, "title": _("New fund")})


@login_required
def fund_edit(request, pk):
    fund = _fund(request, pk)
    if not request.user.has_perm("funds.change_fund", fund):
        raise PermissionDenied(_("Only the fund's managers may change it."))
    initial = {field: getattr(fund, field) for field in services.FUND_FIELDS - {"focus_chains"}}
    initial["focus_chains"] = list(fund.focus_chains.all())
    form = forms.FundForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.fund_update(actor=request.user, fund=fund, **_fund_form_data(form))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Fund saved."))
            return redirect("funds:fund-detail", fund.pk)
    return render(request, "funds/fund_form.html", {"form": form, "title": _("Edit fund"), "fund": fund})


@login_required
def fund_detail(request, pk):
    fund = _fund(request, pk)
    user = request.user
    can_manage = user.has_perm("funds.change_fund", fund)
    return render(request, "funds/fund_detail.html", {
        "fund": fund,
        "summary": selectors.fund_summary(fund) if user.has_perm("funds.view_portfolio", fund) else None,
        "page": paginate(request, selectors.portfolio(user, fund)),
        "can_manage": can_manage,
        "can_invest": user.has_perm("funds.add_investment", fund),
        "audit": audit_trail(fund)[:20] if can_manage else None,
    })


@login_required
def investment_create(request, pk):
    fund = _fund(request, pk)
    if not request.user.has_perm("funds.add_investment", fund):
        raise PermissionDenied(_("Only the fund's managers may record its investments."))
    initial = {"invested_on": timezone.localdate(), "company": request.GET.get("company"),
               "project": request.GET.get("project")}
    form = forms.InvestmentForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.investment_record(actor=request.user, fund=fund, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Investment recorded."))
            return redirect("funds:fund-detail", fund.pk)
    return render(request, "funds/investment_form.html", {
        "form": form, "fund": fund, "summary": selectors.fund_summary(fund)})


@login_required
def deal_flow(request):
    if not request.user.has_perm("funds.view_deal_flow"):
        raise PermissionDenied(_("The deal flow is for fund managers."))
    form = forms.FundFilterForm(request.GET or None)
    chain = form.cleaned_data.get("chain") if form.is_valid() else None
    flow = selectors.deal_flow(request.user, chain=chain)
    return render(request, "funds/deal_flow.html", {
        "form": form, "page": paginate(request, flow["companies"]), "achievements": flow["achievements"][:50],
        "funds": selectors.funds_managed_by(request.user).exclude(status__in=services.CLOSED_FUND_STATUSES),
    })


# Funding commitments and tranches


@login_required
def commitment_list(request):
    user = request.user
    reads_all = is_platform_admin(user) or is_program_officer(user)
    scope = "all" if reads_all and request.GET.get("scope") == "all" else "mine"
    commitments = selectors.commitments_visible_to(user) if scope == "all" \
        else selectors.commitments_of_my_organisations(user)
    kind = request.GET.get("kind", "")
    if kind in FundingCommitment.Kind.values:
        commitments = commitments.filter(kind=kind)
    return render(request, "funds/commitment_list.html", {
        "page": paginate(request, selectors.with_paid_totals(commitments)),
        "totals": {"committed": selectors.total(commitments),
                   "paid": selectors.total(Tranche.objects.filter(commitment__in=commitments.values("pk"),
                                                                  status=Tranche.Status.PAID))},
        "scope": scope, "reads_all": reads_all, "kind": kind, "kinds": FundingCommitment.Kind.choices,
        "can_create": can_commit_funding(user),
    })


@login_required
def commitment_create(request):
    if not can_commit_funding(request.user):
        raise PermissionDenied(_("You may commit money only for an enterprise or government agency where you "
                                 "hold a managing role."))
    initial = {"committed_on": timezone.localdate(), "center": request.GET.get("center"),
               "project": request.GET.get("project")}
    form = forms.CommitmentForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            commitment = services.commitment_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Commitment recorded. Now schedule its tranches."))
            return redirect("funds:commitment-detail", commitment.pk)
    return render(request, "funds/commitment_form.html", {"form": form})


@login_required
def commitment_detail(request, pk):
    commitment = _commitment(request, pk)
    can_manage = request.user.has_perm("funds.change_commitment", commitment)
    form = forms.TrancheForm(request.POST or None, user=request.user, commitment=commitment)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied(_("Only the source organisation may schedule tranches of its commitment."))
        if form.is_valid():
            try:
                services.tranche_add(actor=request.user, commitment=commitment, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Tranche scheduled."))
                return redirect("funds:commitment-detail", commitment.pk)
    return render(request, "funds/commitment_detail.html", {
        "commitment": commitment, "summary": selectors.commitment_summary(commitment),
        "page": paginate(request, commitment.tranches.select_related("milestone__project", "paid_by")),
        "form": form, "can_manage": can_manage, "today": timezone.localdate(),
        "audit": audit_trail(commitment)[:20],
    })


def _tranche_of_managed_commitment(request, pk) -> Tranche:
    tranche = get_object_or_404(selectors.tranches_visible_to(request.user), pk=pk)
    if not request.user.has_perm("funds.change_commitment", tranche.commitment):
        raise PermissionDenied(_("Only the source organisation may record its payments."))
    return tranche


@login_required
@require_POST
def tranche_pay(request, pk):
    tranche = _tranche_of_managed_commitment(request, pk)
    form = forms.PayForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["paid_on"])
        services.tranche_pay(actor=request.user, tranche=tranche, paid_on=form.cleaned_data["paid_on"])
    except ValidationError as exc:
        flash_service_error(request, exc)
    else:
        messages.success(request, _("Tranche recorded as paid."))
    return redirect("funds:commitment-detail", tranche.commitment_id)


@login_required
@require_POST
def tranche_remove(request, pk):
    tranche = _tranche_of_managed_commitment(request, pk)
    try:
        services.tranche_remove(actor=request.user, tranche=tranche)
    except ValidationError as exc:
        flash_service_error(request, exc)
    else:
        messages.success(request, _("Tranche removed."))
    return redirect("funds:commitment-detail", tranche.commitment_id)


# Capital view: all money flowing into one center or project, by source


@login_required
def center_capital(request, pk):
    center = selectors.center_for_capital_view(request.user, pk)
    if center is None:
        raise Http404
    flow = selectors.capital_inflow(request.user, center=center)
    return render(request, "funds/capital.html", {
        "target": center, "target_kind": _("Joint R&D center"), "is_center": True,
        "flow": flow, "page": paginate(request, flow["commitments"]),
        "can_commit": can_commit_funding(request.user),
    })


@login_required
def project_capital(request, pk):
    project = selectors.project_for_capital_view(request.user, pk)
    if project is None:
        raise Http404
    flow = selectors.capital_inflow(request.user, project=project)
    return render(request, "funds/capital.html", {
        "target": project, "target_kind": _("Project"), "is_center": False,
        "flow": flow, "page": paginate(request, flow["commitments"]),
        "can_commit": can_commit_funding(request.user),
        "invest_funds": [f for f in selectors.funds_managed_by(request.user)
                         if f.status not in services.CLOSED_FUND_STATUSES],
    })
