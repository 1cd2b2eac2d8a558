"""Pages of technology transfer: pool, supermarket, workbench, pushes, deals, patents, imports, incubators.

Views only read through selectors and write through services; a record the user may not
see is a 404, one they may see but not change is a 403.
"""
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from platform_core.audit import audit_trail
from platform_core.exports import bytes_response, pdf_bytes, rows_xlsx_response
from platform_core.forms import ImportForm
from platform_core.importing import import_template_response
from platform_core.models import ImportRun, IndustryChain, IndustryNode, Organisation
from platform_core.pages import add_service_errors, flash_service_error, paginate
from platform_core.permissions import is_platform_admin, is_program_officer

from . import selectors, services
from .forms import (
    AchievementForm,
    AnswerForm,
    BrokerForm,
    CompanyForm,
    CompanyStageForm,
    DealForm,
    IncubatorForm,
    InquiryForm,
    ListingTermsForm,
    PatentForm,
    PoolFilterForm,
    PushForm,
    ScreenForm,
    RoadshowForm,
    RoadshowRegisterForm,
    ShareFormSet,
    SupermarketFilterForm,
)
from .importers import AchievementImporter, PatentImporter
from .models import Achievement, Deal, IncubatedCompany, Incubator, Patent, Push
from .pagination import paginate_late
from .permissions import can_add_roadshow, inquiry_enterprises, roadshow_organisers, transfer_organisation_ids

SUB_LIST_SIZE = 20


def _pool_owners(user):
    if is_platform_admin(user):
        return Organisation.objects.filter(kind__in=[Organisation.Kind.UNIVERSITY, Organisation.Kind.RESEARCH_INSTITUTE])
    return Organisation.objects.filter(pk__in=transfer_organisation_ids(user))


def _back(request, default: str, **kwargs):
    """Return to the page the form was posted from (the workbench), or to `default`."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default, **kwargs)


def _require_perm(user, perm, obj=None):
    if not user.has_perm(perm, obj):
        raise PermissionDenied


# ---------------------------------------------------------------- pool and supermarket

@login_required
def pool(request):
    """The achievement pool the user may see, with stock vs screened."""
    form = PoolFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    user = request.user
    achievements = selectors.pool_achievements(user)
    summary = selectors.pool_summary(achievements)
    count = summary["total"]  # the summary has counted the pool, and each status, already
    if filters.get("status"):
        achievements = achievements.filter(status=filters["status"])
        count = summary["by_status"].get(filters["status"], 0)
    if filters.get("q"):
        achievements = achievements.filter(title__icontains=filters["q"])
        count = None
    if filters.get("chain"):
        achievements = achievements.filter(industry_node__chain=filters["chain"])
        count = None
    screened_share = round(100 * summary["screened"] / summary["total"], 1) if summary["total"] else 0
    return render(request, "transfer/pool.html", {
        "form": form, "page": paginate_late(request, achievements, count=count), "summary": summary,
        "screened_share": screened_share,
        "can_add": user.has_perm("transfer.import_pool"),
    })


def supermarket(request):
    """技术成果超市: open to everyone, public fields only."""
    form = SupermarketFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    achievements = selectors.supermarket_achievements(query=filters.get("q", ""), chain=filters.get("chain"),
                                                      min_trl=filters.get("min_trl"),
                                                      licence_type=filters.get("licence_type", ""),
                                                      max_price=filters.get("max_price"))
    return render(request, "transfer/supermarket.html", {"form": form,
                                                         "page": paginate_late(request, achievements, 12)})


def achievement_detail(request, pk):
    achievement = get_object_or_404(selectors.achievements_visible_to(request.user), pk=pk)
    user = request.user
    can_manage = user.has_perm("transfer.change_achievement", achievement)
    context = {
        "achievement": achievement,
        "can_manage": can_manage,
        "show_confidential": user.has_perm("transfer.view_confidential_achievement", achievement),
        "patents": achievement.patents.all(),
        "inventors": achievement.inventor_name_list,
    }
    if user.is_authenticated:
        context["pushes"] = paginate(request, selectors.pushes_visible_to(user).filter(achievement=achievement),
                                     SUB_LIST_SIZE, param="pushes")
        context["deals"] = paginate(request, selectors.deals_visible_to(user).filter(achievement=achievement),
                                    SUB_LIST_SIZE, param="deals")
    if user.has_perm("transfer.inquire_achievement", achievement):
        context["inquiry_form"] = InquiryForm(enterprises=_enterprises_of(user))
        context["my_inquiries"] = services.Inquiry.objects.filter(push__achievement=achievement, asked_by=user)
    if can_manage:
        context["terms_form"] = ListingTermsForm(initial={
            "asking_price": achievement.asking_price, "price_negotiable": achievement.price_negotiable,
            "licence_types": achievement.licence_type_list})
        context.update(
            screen_form=ScreenForm(), push_form=PushForm(user=user), broker_form=BrokerForm(achievement=achievement),
            audit=audit_trail(achievement)[:20], can_deal=achievement.pushes.filter(
                status=Push.Status.NEGOTIATING).exists() or achievement.status in ("screened", "pushed", "licensed"),
        )
    return render(request, "transfer/achievement_detail.html", context)


@login_required
def achievement_create(request):
    _require_perm(request.user, "transfer.import_pool")
    form = AchievementForm(request.POST or None, owners=_pool_owners(request.user))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            achievement = services.achievement_create(actor=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error("owner", str(exc))
        else:
            messages.success(request, _("Achievement added to the pool as stock."))
            return redirect("transfer:achievement-detail", pk=achievement.pk)
    return render(request, "transfer/form.html", {"form": form, "title": _("New achievement")})


@login_required
def achievement_edit(request, pk):
    achievement = get_object_or_404(selectors.achievements_visible_to(request.user), pk=pk)
    _require_perm(request.user, "transfer.change_achievement", achievement)
    form = AchievementForm(request.POST or None, instance=achievement, owners=_pool_owners(request.user))
    form.fields.pop("owner")
    if request.method == "POST" and form.is_valid():
        try:
            services.achievement_update(actor=request.user, achievement=Achievement.objects.get(pk=pk),
                                        **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Achievement saved."))
            return redirect("transfer:achievement-detail", pk=pk)
    return render(request, "transfer/form.html", {"form": form, "title": achievement.title})


def _managed_achievement(request, pk):
    achievement = get_object_or_404(selectors.achievements_visible_to(request.user), pk=pk)
    _require_perm(request.user, "transfer.change_achievement", achievement)
    return achievement


@login_required
@require_POST
def achievement_screen(request, pk):
    achievement = _managed_achievement(request, pk)
    form = ScreenForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say why this achievement is easy to transfer."))
        services.achievement_screen(actor=request.user, achievement=achievement, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        flash_service_error(request, exc)
    else:
        messages.success(request, _("Screened as easy to transfer."))
    return _back(request, "transfer:achievement-detail", pk=pk)


@login_required
@require_POST
def achievement_push(request, pk):
    achievement = _managed_achievement(request, pk)
    form = PushForm(request.POST, user=request.user)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose an enterprise."))
        push = services.push_create(actor=request.user, achievement=achievement, **form.cleaned_data)
    except ValidationError as exc:
        flash_service_error(request, exc)
        return redirect("transfer:achievement-detail", pk=pk)
    messages.success(request, _("Pushed to %(org)s.") % {"org": push.enterprise})
    return redirect("transfer:push-detail", pk=push.pk)


@login_required
@require_POST
def achievement_assign_broker(request, pk):
    achievement = _managed_achievement(request, pk)
    form = BrokerForm(request.POST, achievement=achievement)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose a broker of this school."))
        services.achievement_assign_broker(actor=request.user, achievement=achievement, broker=form.cleaned_data["broker"])
    except ValidationError as exc:
        flash_service_error(request, exc)
    else:
        messages.success(request, _("Broker assigned."))
    return redirect("transfer:achievement-detail", pk=pk)


# ---------------------------------------------------------------- workbench and pushes

@login_required
def workbench(request):
    user = request.user
    _require_perm(user, "transfer.use_workbench")
    summary = selectors.pool_summary(selectors.achievements_managed_by(user))
    deals = selectors.deals_of_managed_achievements(user)
    deal_counts = selectors.count_deals_by_kind(deals)
    return render(request, "transfer/workbench.html", {
        "portfolio": selectors.broker_portfolio(user)[:20],
        "queue": selectors.screening_queue(user)[:15],
        "queue_count": summary["stock"],
        "follow_up": selectors.pushes_awaiting_follow_up(user)[:20],
        "funnel": selectors.push_funnel(selectors.pushes_of_managed_achievements(user)),
        "deals": deals[:10],
        "deal_counts": [(Deal.Kind(kind).label, n) for kind, n in deal_counts.items() if n],
        "deal_total": sum(deal_counts.values()),
        "fees": selectors.fee_deadlines(user)[:20],
        "summary": summary,
        "screen_form": ScreenForm(),
        "hand_over": selectors.projects_awaiting_hand_over(user)[:20],
        "nodes": IndustryNode.objects.select_related("chain"),  # only read if a project's challenge has no node
        "school_kpis": selectors.transfer_kpis(user, by="school"),
        "broker_kpis": selectors.transfer_kpis(user, by="broker"),
    })


@login_required
@require_POST
def project_hand_over(request, pk):
    """"Add to pool": a solved project's result becomes a stock achievement (once)."""
    project = get_object_or_404(selectors.projects_for_hand_over_lookup(request.user), pk=pk)
    node = IndustryNode.objects.filter(pk=request.POST.get("industry_node") or None).first()
    try:
        achievement, created = services.achievement_create_from_project(actor=request.user, project=project,
                                                                         industry_node=node)
    except ValidationError as exc:
        flash_service_error(request, exc)
        return redirect("transfer:workbench")
    if created:
        messages.success(request, _("The result of “%(title)s” is now in the pool as stock.") % {"title": project})
    else:
        messages.info(request, _("This project's result was already in the pool."))
    return redirect("transfer:achievement-detail", pk=achievement.pk)


@login_required
def enterprise_pushes(request):
    pushes = selectors.pushes_received_by(request.user)
    return render(request, "transfer/enterprise_pushes.html", {
        "page": paginate_late(request, pushes), "funnel": selectors.push_funnel(pushes),
    })


@login_required
def push_detail(request, pk):
    push = get_object_or_404(selectors.pushes_visible_to(request.user), pk=pk)
    user = request.user
    if user.has_perm("transfer.mark_push_viewed", push):
        push = services.push_mark_viewed(actor=user, push=push)
    achievement = push.achievement
    return render(request, "transfer/push_detail.html", {
        "push": push, "achievement": achievement,
        "show_confidential": user.has_perm("transfer.view_confidential_achievement", achievement),
        "can_answer": user.has_perm("transfer.answer_push", push),
        "can_negotiate": user.has_perm("transfer.negotiate_push", push),
        "answer_form": AnswerForm(),
        "inquiries": push.inquiries.select_related("asked_by")[:20],
        "audit": audit_trail(push)[:20] if user.has_perm("transfer.negotiate_push", push) else None,
    })


@login_required
@require_POST
def push_answer(request, pk, answer):
    push = get_object_or_404(selectors.pushes_visible_to(request.user), pk=pk)
    form = AnswerForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    actions = {
        "interest": lambda: services.push_express_interest(actor=request.user, push=push, note=note),
        "decline": lambda: services.push_decline(actor=request.user, push=push, reason=note),
        "negotiate": lambda: services.push_start_negotiation(actor=request.user, push=push),
    }
    if answer not in actions:
        raise Http404
    try:
        actions[answer]()
    except ValidationError as exc:
        flash_service_error(request, exc)
    else:
        messages.success(request, _("Saved."))
    return redirect("transfer:push-detail", pk=pk)


# ---------------------------------------------------------------- deals

def _resolve_share(text: str, achievement) -> dict:
    """A beneficiary typed as a username, an organisation name or a plain name."""
    User = get_user_model()
    user = User.objects.filter(username=text).first()
    if user:
        return {"user": user}
    organisation = Organisation.objects.filter(name_zh=text).first()
    if organisation:
        return {"organisation": organisation}
    return {"name": text}


@login_required
def deal_create(request, pk):
    achievement = _managed_achievement(request, pk)
    form = DealForm(request.POST or None, achievement=achievement, user=request.user,
                    initial={"push": achievement.pushes.filter(status=Push.Status.NEGOTIATING).first()})
    shares = ShareFormSet(request.POST or None, prefix="shares")
    if request.method == "POST" and form.is_valid() and shares.is_valid():
        data = dict(form.cleaned_data)
        incubator, company_name = data.pop("company_incubator"), data.pop("company_name")
        share_rows = [{**_resolve_share(s["beneficiary"].strip(), achievement), "percent": s["percent"]}
                      for s in shares.cleaned_data if s and s.get("beneficiary", "").strip()]
        company = {"incubator": incubator, "name": company_name} if incubator and company_name else None
        try:
            deal = services.deal_create(actor=request.user, achievement=achievement, shares=share_rows,
                                        company=company, counterparty=None, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Deal recorded."))
            return redirect("transfer:deal-detail", pk=deal.pk)
    return render(request, "transfer/deal_form.html", {"form": form, "shares": shares, "achievement": achievement})


@login_required
def deal_detail(request, pk):
    deal = get_object_or_404(selectors.with_split_access(selectors.deals_visible_to(request.user), request.user),
                             pk=pk)
    return render(request, "transfer/deal_detail.html", {
        "deal": deal, "company": IncubatedCompany.objects.filter(spin_off_deal=deal).first(),
        "contract": selectors.contract_for_deal_lookup(deal),
        "audit": audit_trail(deal) if request.user.has_perm("transfer.add_deal", deal.achievement) else None,
    })


# ---------------------------------------------------------------- patents

@login_required
def patent_list(request):
    patents = selectors.patents_visible_to(request.user)
    q = request.GET.get("q", "").strip()
    if q:
        patents = patents.filter(title__icontains=q) | patents.filter(application_number__icontains=q)
    mine = request.GET.get("mine") and request.user.has_perm("transfer.use_workbench")
    if mine:
        patents = patents.filter(pk__in=selectors.patents_managed_by(request.user).values("pk"))
    cost = None
    if request.user.has_perm("transfer.use_workbench"):
        cost = selectors.portfolio_fee_cost(selectors.patents_managed_by(request.user), timezone.localdate().year)
    return render(request, "transfer/patent_list.html", {
        "page": paginate(request, patents), "q": q, "can_add": request.user.has_perm("transfer.import_pool"),
        "fee_cost": cost,
    })


@login_required
def patent_detail(request, pk):
    patent = get_object_or_404(selectors.patents_visible_to(request.user), pk=pk)
    visible = selectors.achievements_visible_to(request.user)
    from . import fees

    fee = grace = None
    if patent.next_fee_due:
        fee = fees.annual_fee(patent.patent_type, fees.year_of_term(patent.filing_date, patent.next_fee_due),
                              patent.filing_date)
        grace = fees.grace_ends(patent.next_fee_due)
    return render(request, "transfer/patent_detail.html", {
        "patent": patent, "achievements": patent.achievements.filter(pk__in=visible.values("pk")),
        "next_fee": fee, "grace_ends": grace, "status_history": patent.status_history.all()[:SUB_LIST_SIZE],
        "can_manage": request.user.has_perm("transfer.change_patent", patent),
        "audit": audit_trail(patent)[:20] if request.user.has_perm("transfer.change_patent", patent) else None,
    })


@login_required
def patent_create(request):
    _require_perm(request.user, "transfer.import_pool")
    form = PatentForm(request.POST or None, owners=_pool_owners(request.user), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            patent = services.patent_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error("owner", str(exc))
        else:
            messages.success(request, _("Patent added."))
            return redirect("transfer:patent-detail", pk=patent.pk)
    return render(request, "transfer/form.html", {"form": form, "title": _("New patent")})


@login_required
@require_POST
def patent_fee_paid(request, pk):
    patent = get_object_or_404(Patent, pk=pk)
    _require_perm(request.user, "transfer.change_patent", patent)
    try:
        services.patent_record_fee_paid(actor=request.user, patent=patent)
    except ValidationError as exc:
        flash_service_error(request, exc)
    else:
        messages.success(request, _("Annual fee recorded as paid."))
    return _back(request, "transfer:patent-detail", pk=pk)


# ---------------------------------------------------------------- imports

@login_required
def pool_import(request, kind):
    importer = {"achievements": AchievementImporter, "patents": PatentImporter}.get(kind)
    if importer is None:
        raise Http404
    _require_perm(request.user, "transfer.import_pool")
    importer = importer(actor=request.user)
    if request.GET.get("template") == "xlsx":
        return import_template_response(importer, _("achievements-import-template") if kind == "achievements"
                                        else _("patents-import-template"))
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        run = importer.start(form.cleaned_data["file"])
        return redirect("platform:import-detail", pk=run.pk)
    title = _("Import achievements") if kind == "achievements" else _("Import patents")
    return render(request, "platform/import_form.html", {
        "form": form, "columns": importer.describe_columns(), "title": title,
        "runs": ImportRun.objects.filter(kind=importer.kind, actor=request.user)[:10],
    })


# ---------------------------------------------------------------- incubators

@login_required
def incubator_list(request):
    return render(request, "transfer/incubator_list.html", {
        "page": paginate(request, selectors.incubators_visible_to(request.user)),
        "can_add": request.user.has_perm("transfer.add_incubator"),
        "company_count": selectors.count_incubated_companies(),
    })


@login_required
def incubator_create(request):
    _require_perm(request.user, "transfer.add_incubator")
    form = IncubatorForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            incubator = services.incubator_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Incubator created."))
            return redirect("transfer:incubator-detail", pk=incubator.pk)
    return render(request, "transfer/form.html", {"form": form, "title": _("New incubator")})


@login_required
def incubator_detail(request, pk):
    incubator = get_object_or_404(selectors.incubators_visible_to(request.user).prefetch_related(
        Prefetch("industry_nodes", queryset=IndustryNode.objects.select_related("chain"))), pk=pk)
    companies = incubator.companies.select_related("industry_node__chain").prefetch_related("founders")
    return render(request, "transfer/incubator_detail.html", {
        "incubator": incubator, "page": paginate(request, companies),
        "can_manage": request.user.has_perm("transfer.change_incubator", incubator),
    })


@login_required
def company_admit(request, pk):
    incubator = get_object_or_404(Incubator, pk=pk)
    _require_perm(request.user, "transfer.change_incubator", incubator)
    form = CompanyForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            company = services.company_admit(actor=request.user, incubator=incubator, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Company admitted."))
            return redirect("transfer:company-detail", pk=company.pk)
    return render(request, "transfer/form.html", {"form": form, "title": _("Admit a company to %(name)s")
                                                  % {"name": incubator.name}})


@login_required
def company_detail(request, pk):
    company = get_object_or_404(selectors.companies_visible_to(request.user), pk=pk)
    can_manage = request.user.has_perm("transfer.change_incubatedcompany", company)
    form = CompanyStageForm(request.POST or None, initial={"stage": company.stage,
                                                          "graduated_on": company.graduated_on})
    if request.method == "POST":
        _require_perm(request.user, "transfer.change_incubatedcompany", company)
        if form.is_valid():
            try:
                services.company_update(actor=request.user, company=company, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Stage saved."))
                return redirect("transfer:company-detail", pk=pk)
    visible = selectors.achievements_visible_to(request.user)
    return render(request, "transfer/company_detail.html", {
        "company": company, "form": form, "can_manage": can_manage,
        "achievements": company.achievements.filter(pk__in=visible.values("pk")),
        "audit": audit_trail(company)[:20] if can_manage else None,
    })



# ---------------------------------------------------------------- 两围绕: industry chains

@login_required
def chain_index(request):
    return render(request, "transfer/chain_index.html", {"overviews": selectors.chains_overview()})


@login_required
def chain_detail(request, pk):
    chain = get_object_or_404(IndustryChain, pk=pk)
    overview = selectors.chain_overview(chain)
    return render(request, "transfer/chain_detail.html", {
        **overview, "chart": _demand_supply_chart(overview["nodes"]),
        "other_chains": IndustryChain.objects.exclude(pk=chain.pk),
    })


def _demand_supply_chart(figures) -> dict:
    """Chart.js data: per node, a demand stack (enterprises, challenges) beside a supply stack."""
    parts = [
        ("demand", _("Enterprises"), "enterprises", "#c0392b"), ("demand", _("Challenges"), "challenges", "#e67e22"),
        ("supply", _("Screened achievements"), "achievements_screened", "#1f6fb2"),
        ("supply", _("Stock achievements"), "achievements_stock", "#7fb3e0"),
        ("supply", _("University and institute capabilities"), "capabilities", "#16a085"),
        ("supply", _("Joint centers"), "centers", "#8e44ad"), ("supply", _("Incubated companies"), "companies", "#2c3e50"),
    ]
    return {
        "labels": [f.node.name for f in figures],
        "datasets": [{"label": str(label), "stack": stack, "backgroundColor": colour,
                      "data": [getattr(f, attribute) for f in figures]}
                     for stack, label, attribute, colour in parts],
    }


@login_required
def node_detail(request, pk):
    node = get_object_or_404(IndustryNode.objects.select_related("chain"), pk=pk)
    return render(request, "transfer/node_detail.html", selectors.node_detail(node, user=request.user))


# ---------------------------------------------------------------- listing terms, inquiries, roadshows

def _enterprises_of(user):
    return Organisation.objects.filter(pk__in=inquiry_enterprises(user)).order_by("name_zh")


def _submit(request, form, service, success_message) -> None:
    """A small form posted from a detail page: its errors or the service's become messages there."""
    if not form.is_valid():
        messages.error(request, "; ".join(e for errors in form.errors.values() for e in errors))
        return
    try:
        service(form.cleaned_data)
    except ValidationError as exc:
        flash_service_error(request, exc)
    else:
        messages.success(request, success_message)


@login_required
@require_POST
def achievement_terms(request, pk):
    achievement = get_object_or_404(selectors.achievements_visible_to(request.user), pk=pk)
    _require_perm(request.user, "transfer.set_listing_terms", achievement)
    form = ListingTermsForm(request.POST)
    _submit(request, form, lambda data: services.achievement_set_terms(
        actor=request.user, achievement=achievement, **data), _("Listing terms saved."))
    return redirect("transfer:achievement-detail", pk=pk)


@login_required
@require_POST
def achievement_inquire(request, pk):
    achievement = get_object_or_404(selectors.achievements_visible_to(request.user), pk=pk)
    _require_perm(request.user, "transfer.inquire_achievement", achievement)
    form = InquiryForm(request.POST, enterprises=_enterprises_of(request.user))
    _submit(request, form, lambda data: services.achievement_inquire(
        actor=request.user, achievement=achievement, **data),
        _("Your question was sent to the technology-transfer office; they will answer through the push page."))
    return redirect("transfer:achievement-detail", pk=pk)


@login_required
def roadshow_list(request):
    roadshows = selectors.roadshows_visible_to(request.user)
    return render(request, "transfer/roadshow_list.html", {
        "page": paginate(request, roadshows), "can_add": can_add_roadshow(request.user),
        "now": timezone.now(),
    })


def _roadshow_organisers(user):
    if is_platform_admin(user):
        return Organisation.objects.filter(kind__in=[Organisation.Kind.UNIVERSITY, Organisation.Kind.RESEARCH_INSTITUTE,
                                                     Organisation.Kind.ENTERPRISE, Organisation.Kind.INTERMEDIARY])
    return Organisation.objects.filter(pk__in=roadshow_organisers(user))


@login_required
def roadshow_create(request):
    if not can_add_roadshow(request.user):
        raise PermissionDenied(_("Only technology-transfer staff and brokers can organise roadshows."))
    form = RoadshowForm(request.POST or None, user=request.user, organisers=_roadshow_organisers(request.user))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            roadshow = services.roadshow_create(actor=request.user, organiser=data.pop("organiser"),
                                                achievements=data.pop("achievements"), **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Roadshow published."))
            return redirect("transfer:roadshow-detail", pk=roadshow.pk)
    return render(request, "transfer/form.html", {"form": form, "title": _("Organise a roadshow")})


@login_required
def roadshow_detail(request, pk):
    roadshow = get_object_or_404(selectors.roadshows_visible_to(request.user), pk=pk)
    user = request.user
    can_manage = user.has_perm("transfer.change_roadshow", roadshow)
    mine = roadshow.registrations.filter(user=user).select_related("enterprise").first()
    now = timezone.now()
    return render(request, "transfer/roadshow_detail.html", {
        "roadshow": roadshow, "can_manage": can_manage, "mine": mine, "now": now,
        "achievements": roadshow.achievements.select_related("owner", "industry_node"),
        "can_register": (mine is None and user.has_perm("transfer.register_roadshow", roadshow)
                         and now <= roadshow.registration_deadline and roadshow.registered < roadshow.capacity),
        "register_form": RoadshowRegisterForm(enterprises=_enterprises_of(user)),
        "registrations": (paginate(request, roadshow.registrations.select_related("user", "enterprise"))
                          if can_manage else None),
    })


@login_required
@require_POST
def roadshow_register(request, pk):
    roadshow = get_object_or_404(selectors.roadshows_visible_to(request.user), pk=pk)
    _require_perm(request.user, "transfer.register_roadshow", roadshow)
    form = RoadshowRegisterForm(request.POST, enterprises=_enterprises_of(request.user))
    _submit(request, form, lambda data: services.roadshow_register(
        actor=request.user, roadshow=roadshow, **data), _("You are registered."))
    return redirect("transfer:roadshow-detail", pk=pk)


@login_required
@require_POST
def roadshow_cancel(request, pk):
    roadshow = get_object_or_404(selectors.roadshows_visible_to(request.user), pk=pk)
    try:
        services.roadshow_cancel(actor=request.user, roadshow=roadshow)
    except ValidationError as exc:
        flash_service_error(request, exc)
    else:
        messages.success(request, _("Your registration was cancelled."))
    return redirect("transfer:roadshow-detail", pk=pk)


@login_required
def roadshow_export(request, pk):
    roadshow = get_object_or_404(selectors.roadshows_visible_to(request.user), pk=pk)
    _require_perm(request.user, "transfer.change_roadshow", roadshow)
    rows = [[r.user.get_full_name() or str(r.user), r.user.username, r.user.email, r.enterprise.name_zh,
             timezone.localtime(r.created_at).strftime("%Y-%m-%d %H:%M")]
            for r in roadshow.registrations.select_related("user", "enterprise")]
    return rows_xlsx_response([_("Name"), _("Username"), _("E-mail"), _("Enterprise"), _("Registered at")], rows,
                              f"{roadshow.title}.xlsx", title=_("Registrations"))


# ---------------------------------------------------------------- income (issue 11)

from decimal import Decimal  # noqa: E402

from django.db.models import Q, Sum  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402

from . import annual_report as report_output  # noqa: E402
from .forms import (  # noqa: E402
    AnnualReportForm,
    AnnualReportSubmitForm,
    AnnualReportTextForm,
    ContractForm,
    DistributionRuleForm,
    EquityDisposalForm,
    EquityHoldingForm,
    FourSharesForm,
    PayoutPaidForm,
    ReceiptForm,
    RegistrationForm,
    RoyaltyReportForm,
    TeamSplitForm,
)
from .models import AnnualReport, Contract, Payout  # noqa: E402
from .permissions import reads_annual_reports, report_institutions, uses_income  # noqa: E402


def _require_income(user):
    if not uses_income(user):
        raise PermissionDenied


@login_required
def contract_list(request):
    """Technology contracts the user may see, with the money received on each."""
    _require_income(request.user)
    contracts = selectors.with_received(selectors.contracts_visible_to(request.user)).order_by("-signed_on", "-id")
    kind = request.GET.get("kind", "")
    if kind in Contract.Kind.values:
        contracts = contracts.filter(kind=kind)
    q = request.GET.get("q", "").strip()
    if q:
        contracts = contracts.filter(Q(title__icontains=q) | Q(registration_number__icontains=q))
    can_add = report_institutions(request.user).exists()
    return render(request, "transfer/contract_list.html", {
        "page": paginate(request, contracts), "kinds": Contract.Kind.choices, "kind": kind, "q": q,
        "can_add": can_add, "rule_institutions": report_institutions(request.user),
    })


@login_required
def contract_create(request):
    institutions = report_institutions(request.user)
    if not institutions.exists():
        raise PermissionDenied
    form = ContractForm(request.POST or None, user=request.user, institutions=institutions)
    if request.method == "POST" and form.is_valid():
        try:
            contract = services.contract_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Contract recorded."))
            return redirect("transfer:contract-detail", pk=contract.pk)
    return render(request, "transfer/form.html", {"form": form, "title": _("New technology contract")})


CONTRACT_FORMS = {"receipt": ReceiptForm, "royalty": RoyaltyReportForm, "holding": EquityHoldingForm,
                  "disposal": EquityDisposalForm, "registration": RegistrationForm, "shares": FourSharesForm}


def _contract_action(request, contract, action, form):
    data = form.cleaned_data
    user = request.user
    if action == "receipt":
        services.receipt_record(actor=user, contract=contract, **data)
        return _("Receipt recorded and distributed.")
    if action == "royalty":
        services.royalty_report_record(actor=user, contract=contract, **data)
        return _("Royalty report recorded and distributed.")
    if action == "holding":
        services.equity_holding_record(actor=user, contract=contract, **data)
        return _("Shares recorded and distributed as equity rewards.")
    if action == "disposal":
        services.equity_disposal_record(actor=user, holding=contract.holding, **data)
        return _("Disposal recorded.")
    if action == "registration":
        services.contract_set_registration(actor=user, contract=contract, **data)
        return _("Registration saved.")
    if action == "shares":
        services.contract_set_distribution(actor=user, contract=contract, shares=data)
        return _("Distribution of this contract saved.")
    if action == "team":
        services.contract_set_distribution(actor=user, contract=contract, team=form.entries())
        return _("Team split saved.")
    raise Http404


@login_required
def contract_detail(request, pk):
    contract = get_object_or_404(selectors.contracts_visible_to(request.user), pk=pk)
    user = request.user
    can_change = user.has_perm("transfer.change_contract", contract)
    split_open = user.has_perm("transfer.view_income_split", contract)
    team = selectors.contract_team(contract)
    forms_by_action = {name: cls(prefix=name) for name, cls in CONTRACT_FORMS.items()}
    forms_by_action["team"] = TeamSplitForm(prefix="team", team=team, initial={
        f"person_{row.person_id}": row.percent for row in contract.team_shares.all()})
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        action = request.POST.get("action", "")
        if action not in forms_by_action:
            raise Http404
        if action == "team":
            form = TeamSplitForm(request.POST, prefix="team", team=team)
        else:
            form = CONTRACT_FORMS[action](request.POST, prefix=action)
        forms_by_action[action] = form
        if form.is_valid():
            try:
                message = _contract_action(request, contract, action, form)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, message)
                return redirect("transfer:contract-detail", pk=contract.pk)
    receipts = contract.receipts.select_related("distribution", "royalty_report").order_by("-received_on", "-id")
    payouts = (selectors.payouts_visible_to(user).filter(distribution__receipt__contract=contract)
               .select_related("person", "distribution__receipt").order_by("-distribution__receipt__received_on", "pk"))
    received = selectors.contract_received(contract)
    return render(request, "transfer/contract_detail.html", {
        "contract": contract, "can_change": can_change, "split_open": split_open,
        "receipts": paginate(request, receipts, param="receipts"), "received": received,
        "outstanding": max(contract.amount - received, Decimal("0")),
        "payouts": paginate(request, payouts, param="payouts"),
        "rule": selectors.distribution_rule_of(contract.institution), "team": team,
        "holding": getattr(contract, "holding", None) if contract.kind == Contract.Kind.EQUITY else None,
        "royalties": contract.royalty_reports.all()[:SUB_LIST_SIZE] if contract.kind == Contract.Kind.LICENCE else (),
        "forms": forms_by_action, "paid_form": PayoutPaidForm(),
        "audit": audit_trail(contract) if can_change else None,
    })


@login_required
def payout_list(request):
    """Payouts: every payout of the contracts the user handles (TTO), or the user's own (inventors)."""
    payouts = selectors.payouts_visible_to(request.user).select_related(
        "distribution__receipt__contract__institution").order_by("-created_at", "-id")
    status = request.GET.get("status", "")
    if status in Payout.Status.values:
        payouts = payouts.filter(status=status)
    if request.GET.get("mine"):
        payouts = payouts.filter(person=request.user)
    by_status = dict(payouts.values_list("status").annotate(total=Sum("amount")).order_by())
    totals = [(label, by_status.get(code) or Decimal("0")) for code, label in Payout.Status.choices]
    return render(request, "transfer/payout_list.html", {
        "page": paginate(request, payouts), "status": status, "statuses": Payout.Status.choices,
        "totals": totals, "paid_form": PayoutPaidForm(),
    })


@login_required
@require_POST
def payout_action(request, pk, action):
    payout = get_object_or_404(selectors.payouts_visible_to(request.user), pk=pk)
    try:
        if action == "approve":
            services.payout_approve(actor=request.user, payout=payout,
                                    tax_treatment=request.POST.get("tax_treatment") or None)
            messages.success(request, _("Payout approved."))
        elif action == "paid":
            form = PayoutPaidForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Give the date of payment."))
            services.payout_mark_paid(actor=request.user, payout=payout, paid_on=form.cleaned_data["paid_on"])
            messages.success(request, _("Payout recorded as paid."))
        else:
            raise Http404
    except ValidationError as exc:
        flash_service_error(request, exc)
    return _back(request, "transfer:payout-list")


@login_required
def distribution_rule_edit(request, pk):
    institution = get_object_or_404(report_institutions(request.user), pk=pk)
    _require_perm(request.user, "transfer.set_distribution_rule", institution)
    rule = selectors.distribution_rule_of(institution)
    initial = {name: getattr(rule, name) for name in DistributionRuleForm.base_fields}
    form = DistributionRuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.distribution_rule_set(actor=request.user, institution=institution, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Distribution rule saved; it applies to receipts recorded from now on."))
            return redirect("transfer:contract-list")
    return render(request, "transfer/form.html", {
        "form": form, "title": _("Income-distribution rule of %(org)s") % {"org": institution}})


@login_required
def report_list(request):
    """Annual reports: the TTO's own, with the form to generate one; a program officer's submitted ones."""
    user = request.user
    reports = selectors.annual_reports_visible_to(user)
    institutions = report_institutions(user)
    form = AnnualReportForm(request.POST or None, institutions=institutions,
                            initial={"year": timezone.localdate().year - 1})
    if request.method == "POST":
        if not institutions.exists():
            raise PermissionDenied
        if form.is_valid():
            try:
                report = services.annual_report_generate(actor=user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return redirect("transfer:report-detail", pk=report.pk)
    try:
        year = int(request.GET.get("year") or timezone.localdate().year - 1)
    except ValueError:
        year = timezone.localdate().year - 1
    if not reads_annual_reports(user):
        raise PermissionDenied
    summary = selectors.annual_report_summary(user, year) if is_program_officer(user) else []
    return render(request, "transfer/report_list.html", {
        "page": paginate(request, reports), "form": form if institutions.exists() else None,
        "summary": summary, "year": year, "is_officer": is_program_officer(user),
        "rule_institutions": institutions,
    })


def _report_for(request, pk) -> AnnualReport:
    return get_object_or_404(selectors.annual_reports_visible_to(request.user), pk=pk)


@login_required
def report_detail(request, pk):
    report = _report_for(request, pk)
    can_change = request.user.has_perm("transfer.change_annual_report", report)
    text_form = AnnualReportTextForm(request.POST or None, initial={"narrative": report.narrative,
                                                                   "notes": report.notes})
    submit_form = AnnualReportSubmitForm(user=request.user)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        try:
            if request.POST.get("action") == "submit":
                submit_form = AnnualReportSubmitForm(request.POST, user=request.user)
                if submit_form.is_valid():
                    services.annual_report_submit(actor=request.user, report=report, **submit_form.cleaned_data)
                    messages.success(request, _("Report submitted."))
                    return redirect("transfer:report-detail", pk=report.pk)
            elif text_form.is_valid():
                services.annual_report_edit(actor=request.user, report=report, **text_form.cleaned_data)
                messages.success(request, _("Text saved."))
                return redirect("transfer:report-detail", pk=report.pk)
        except ValidationError as exc:
            add_service_errors(submit_form if request.POST.get("action") == "submit" else text_form, exc)
    return render(request, "transfer/report_detail.html", {
        "report": report, "parts": report_output.parts(report), "can_change": can_change,
        "text_form": text_form, "submit_form": submit_form,
        "versions": AnnualReport.objects.filter(institution=report.institution, year=report.year).order_by("-version"),
        "print": request.GET.get("print") == "1",
    })


@login_required
def report_xlsx(request, pk):
    report = _report_for(request, pk)
    if report.status not in (AnnualReport.Status.READY, AnnualReport.Status.SUBMITTED):
        raise Http404
    return report_output.report_xlsx_response(report)


@login_required
def report_pdf(request, pk):
    report = _report_for(request, pk)
    if report.status not in (AnnualReport.Status.READY, AnnualReport.Status.SUBMITTED):
        raise Http404
    html = render_to_string("transfer/report_print.html", {"report": report, "parts": report_output.parts(report)},
                            request=request)
    return bytes_response(pdf_bytes(html, base_url=request.build_absolute_uri("/")),
                          f"{report.institution.name_zh}-{report.year}-v{report.version}.pdf")


@login_required
def lineage(request, pk):
    """One achievement's path: patents → deals and contracts → receipts and payouts → spin-off → investments."""
    achievement = get_object_or_404(selectors.achievements_visible_to(request.user), pk=pk)
    return render(request, "transfer/lineage.html", selectors.achievement_lineage(achievement, user=request.user))


@login_required
def batch_screening(request):
    """Batch screening: filter the stock, select many, give one reason, apply one action; per-school figures."""
    from .forms import BatchScreenFilterForm, BatchScreenForm

    user = request.user
    _require_perm(user, "transfer.use_workbench")
    filters = BatchScreenFilterForm(request.GET or None, user=user)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    candidates = selectors.screening_candidates(user, **{k: v for k, v in chosen.items() if v})
    form = BatchScreenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ids = [int(pk) for pk in request.POST.getlist("selected") if pk.isdigit()]
        picked = list(selectors.achievements_managed_by(user).filter(pk__in=ids))
        try:
            if len(picked) != len(set(ids)):
                raise Http404
            done = services.achievements_screen_batch(actor=user, achievements=picked, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("You do not have permission to do this."))
        else:
            messages.success(request, _("%(n)s achievements done.") % {"n": done})
            return redirect(request.get_full_path())
    return render(request, "transfer/batch_screening.html", {
        "filters": filters, "form": form, "page": paginate(request, candidates, per_page=50),
        "kpis": selectors.transfer_kpis(user, by="school"),
    })
