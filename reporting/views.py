"""Pages of the reporting dashboard. Figures come from the fact table (reporting.selectors); writes
(report requests, a recompute) go through reporting.services."""
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from platform_core.exports import bytes_response, pdf_bytes
from platform_core.pages import paginate

from . import documents, selectors, services
from . import metrics as m
from .filters import ReportFilterForm
from .models import RecomputeRun, StoredReport


def refusals_shown(view):
    """A refusal reads as its reason (another organisation's figures, a role without the dashboard), status 403."""
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            return render(request, "reporting/refused.html", {"reason": str(exc)}, status=403)
    return wrapped


def _scope(request):
    scope = selectors.scope_for(request.user)
    if scope is None:
        raise PermissionDenied(_("The reporting dashboard is for program officers, platform administrators and "
                                 "the leaders of universities, enterprises and joint centers."))
    return scope


def _filters(request, scope):
    """(form, filters or None): filters are None when the form has errors (shown on the page, status 400)."""
    form = ReportFilterForm(request.GET or None, user=request.user)
    if request.GET and not form.is_valid():
        return form, None
    if not request.GET:
        form = ReportFilterForm({}, user=request.user)
        form.is_valid()
    filters = form.filters()
    selectors.check_filters(scope, filters)
    return form, filters


def _charts(data: dict) -> dict:
    """What the page's ECharts script draws (the same numbers as the tables beside the charts)."""
    board = data["board"]
    return {
        "innovation": [[f.label, f.value] for f in board["innovation"][: len(m.CHALLENGE_STATES)]],
        "industrial": [{"chain": c["chain"].name if c["chain"] else "", "nodes": [
            [n["node"].name, n["demand"], n["supply"]] for n in c["nodes"]]} for c in board["industrial"]],
        "capital": [[f.label, float(f.value)] for f in board["capital"]],
        "talent": [[f.label, f.value] for f in board["talent"]],
        "challenge_funnel": board["funnels"]["challenge"],
        "achievement_funnel": board["funnels"]["achievement"],
        "trl": {"bands": [label for label, _n in board["trl"]["achievements"]],
                "achievements": [n for _label, n in board["trl"]["achievements"]],
                "projects": [n for _label, n in board["trl"]["projects"]]},
        "conversion": {"names": [row["organisation"].name for row in board["conversion"]],
                       "rates": [row["rate"] for row in board["conversion"]],
                       "references": [[str(label), rate] for label, rate in m.REFERENCE_RATES]},
        "trend": {"periods": data["trend"]["periods"],
                  "series": [{"label": s["label"], "money": s["money"], "values": [p["value"] for p in s["points"]]}
                             for s in data["trend"]["series"]]},
        "provinces": {"metrics": [label for _code, label in data["provinces"]["metrics"]],
                      "rows": [[row["map_name"], *row["values"]] for row in data["provinces"]["rows"]]},
    }


@login_required
@require_GET
@refusals_shown
def dashboard(request):
    scope = _scope(request)
    form, filters = _filters(request, scope)
    context = {"form": form, "scope": scope, "can_recompute": request.user.has_perm("reporting.recompute")}
    if filters is None:
        return render(request, "reporting/dashboard.html", context, status=400)
    by = "quarter" if request.GET.get("by") == "quarter" else "month"
    params = urlencode(filters.as_params())

    def board_html():
        data = documents.build(scope, filters, by=by)
        return render_to_string("reporting/_board.html", {
            **data, "params": params, "by": by, "charts": _charts(data),
            "tables": {section.key: section for section in data["sections"]},
        })  # no request: the context processors (counters of the top bar) already ran for the page

    context.update({
        "filters": filters, "stated": filters.stated(), "params": params, "by": by,
        "board_html": mark_safe(selectors.cached(["page", by, *selectors.cache_parts(scope, filters)],
                                                 board_html)),
        "reports": selectors.reports_visible_to(request.user).filter(status=StoredReport.Status.DONE)[:8],
        "last_run": RecomputeRun.objects.filter(status=RecomputeRun.Status.DONE).first(),
        "running": RecomputeRun.objects.filter(
            kind=RecomputeRun.Kind.FULL, status__in=[RecomputeRun.Status.QUEUED, RecomputeRun.Status.RUNNING]).first(),
    })
    return render(request, "reporting/dashboard.html", context)


@login_required
@require_GET
@refusals_shown
def drill(request, code):
    """The records behind one figure (read-only, paginated; non-confidential fields only)."""
    if code not in m.METRICS:
        raise Http404(_("Unknown figure."))
    scope = _scope(request)
    form, filters = _filters(request, scope)
    if filters is None:
        return render(request, "reporting/dashboard.html", {"form": form, "scope": scope}, status=400)
    try:
        level = int(request.GET["level"]) if request.GET.get("level") else None
    except ValueError:
        level = None
    source, records = selectors.drill_records(scope, filters, code, level=level)
    page = paginate(request, records, per_page=25)
    columns = [label for _lookup, label in source.columns]
    lookups = [lookup for lookup, _label in source.columns]
    rows = [[record[lookup] for lookup in lookups] for record in page.object_list]
    return render(request, "reporting/drill.html", {
        "metric": m.METRICS[code], "source": source, "columns": columns, "rows": rows, "page": page,
        "stated": filters.stated(), "params": urlencode(filters.as_params()),
    })


def _export_name(filters, extension: str) -> str:
    return f"1121-{filters.start.isoformat() if filters.start else 'all'}-{filters.end.isoformat()}.{extension}"


@login_required
@require_GET
@refusals_shown
def export(request, fmt):
    if fmt not in ("xlsx", "csv"):
        raise Http404(_("Unknown export format."))
    scope = _scope(request)
    form, filters = _filters(request, scope)
    if filters is None:
        return render(request, "reporting/dashboard.html", {"form": form, "scope": scope}, status=400)
    if fmt == "xlsx":
        return documents.xlsx_export(scope, filters, _export_name(filters, "xlsx"))
    return documents.csv_export(scope, filters, _export_name(filters, "csv"))


@login_required
@require_GET
@refusals_shown
def printable(request):
    scope = _scope(request)
    form, filters = _filters(request, scope)
    if filters is None:
        return render(request, "reporting/dashboard.html", {"form": form, "scope": scope}, status=400)
    if request.GET.get("format") == "pdf":
        html = documents.printable_html(scope, filters, request=request)
        return bytes_response(pdf_bytes(html), _export_name(filters, "pdf"))
    return render(request, "reporting/print.html", {**documents.build(scope, filters), "filters": filters,
                                                    "stated": filters.stated(),
                                                    "params": urlencode(filters.as_params())})


@login_required
@require_POST
def report_request(request):
    scope = _scope(request)
    form, filters = _filters(request, scope)
    if filters is None:
        return JsonResponse({"errors": form.errors}, status=400)
    org = filters.organisation.pk if filters.organisation else (
        min(scope.organisation_ids) if scope.organisation_ids else None)
    data = {"start": filters.start or filters.end.replace(year=filters.end.year - 1), "end": filters.end,
            **{k: v for k, v in filters.as_params().items() if k not in {"start", "end"}}}
    try:
        report = services.report_request(actor=request.user, filters=data, scope_organisation_id=org,
                                         fmt=request.POST.get("format", "xlsx"),
                                         title=_("1121 report %(period)s") % {"period": filters.stated()[0][1]})
    except ValidationError as exc:
        return JsonResponse({"errors": exc.messages}, status=400)
    return JsonResponse({"id": report.pk, "status_url": reverse("reporting:report-status", args=[report.pk])},
                        status=202)


def _report(request, pk) -> StoredReport:
    _scope(request)
    report = get_object_or_404(selectors.reports_visible_to(request.user), pk=pk)
    services.assert_may_read(request.user, report)
    return report


@login_required
@require_GET
def report_status(request, pk):
    report = _report(request, pk)
    return JsonResponse({"id": report.pk, "status": report.status, "progress": report.progress,
                         "title": report.title, "error": report.error,
                         "download_url": reverse("reporting:report-download", args=[report.pk])
                         if report.status == StoredReport.Status.DONE else None})


@login_required
@require_GET
@refusals_shown
def report_download(request, pk):
    report = _report(request, pk)
    if report.status != StoredReport.Status.DONE:
        raise Http404(_("This report is not ready yet."))
    content = StoredReport.objects.filter(pk=report.pk).values_list("content", flat=True).get()
    return bytes_response(content, report.filename or f"report.{report.format}")


@login_required
@require_GET
@refusals_shown
def report_list(request):
    _scope(request)
    reports = selectors.reports_visible_to(request.user)
    return render(request, "reporting/report_list.html", {"page": paginate(request, reports)})


@login_required
@require_POST
def recompute(request):
    """A platform administrator starts a full recompute: 202 and the URL of its progress."""
    try:
        run = services.recompute_request(actor=request.user)
    except ValidationError as exc:
        if request.headers.get("Accept", "").startswith("application/json"):
            return JsonResponse({"errors": exc.messages}, status=409)
        messages.error(request, " ".join(exc.messages))
        return redirect("reporting:dashboard")
    status_url = reverse("reporting:recompute-status", args=[run.pk])
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"id": run.pk, "status_url": status_url}, status=202)
    messages.info(request, _("The full recompute runs in the background."))
    return redirect(f"{reverse('reporting:dashboard')}?{urlencode({'run': run.pk})}")


@login_required
@require_GET
def recompute_status(request, pk):
    if not request.user.has_perm("reporting.recompute"):
        raise PermissionDenied(_("Only platform administrators may recompute the figures."))
    run = get_object_or_404(RecomputeRun, pk=pk)
    return JsonResponse({"id": run.pk, "status": run.status, "progress": run.progress, "rows": run.rows,
                         "error": run.error})
