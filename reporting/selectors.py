"""Reads of the reporting app: every figure comes from the fact table (`DailyFigure`), never from the
apps' tables, except the drill-down lists, which read the records behind a figure through the apps'
`reporting_records()` selectors (non-confidential fields only).
"""
import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from platform_core.models import IndustryChain, IndustryNode, Organisation, Region

from . import metrics as m
from .filters import Filters
from .models import DailyFigure, RecomputeRun, StoredReport
from .permissions import led_organisation_ids, reads_everything
from .sources import BY_NAME, LIVE_CHALLENGE_STATUSES

ZERO = Decimal(0)


@dataclass(frozen=True)
class Scope:
    """What a reader may see: every organisation (`organisation_ids` None) or only theirs."""

    organisation_ids: frozenset | None


def figures_version() -> str:
    """Changes whenever the fact table was rebuilt (any finished run): the key of cached dashboards."""
    last = (RecomputeRun.objects.filter(status=RecomputeRun.Status.DONE).order_by("-finished_at", "-pk")
            .values_list("pk", "finished_at").first())
    return f"{last[0]}-{last[1].timestamp()}" if last else "none"


def cached(parts: list, compute):
    """`compute()` once per data version and key parts, for REPORTING_CACHE_SECONDS (0: never cached)."""
    seconds = getattr(settings, "REPORTING_CACHE_SECONDS", 300)
    if not seconds:
        return compute()
    key = "reporting:" + hashlib.sha256(repr([figures_version(), get_language(), *parts]).encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value


def cache_parts(scope: Scope, filters: Filters) -> list:
    return [sorted(scope.organisation_ids) if scope.organisation_ids is not None else None,
            sorted(filters.as_params().items())]


def scope_for(user) -> Scope | None:
    """None when the user may not read the dashboard at all."""
    if reads_everything(user):
        return Scope(None)
    led = led_organisation_ids(user)
    return Scope(frozenset(led)) if led else None


def check_filters(scope: Scope, filters: Filters) -> None:
    """A leader asks only for their own organisation."""
    if scope.organisation_ids is not None and filters.organisation is not None \
            and filters.organisation.pk not in scope.organisation_ids:
        raise PermissionDenied(_("You may read the figures of your own organisation only."))


def facts(scope: Scope, filters: Filters, *, dated: bool = True):
    """The fact rows in scope and matching the filters (in the period when `dated`)."""
    qs = DailyFigure.objects.all()
    if dated:
        qs = qs.filter(day__lte=filters.end)
        if filters.start:
            qs = qs.filter(day__gte=filters.start)
    organisations = None
    if filters.organisation is not None:
        organisations = {filters.organisation.pk}
    elif scope.organisation_ids is not None:
        organisations = set(scope.organisation_ids)
    if organisations is not None:
        qs = qs.filter(Q(organisation_id__in=organisations) | Q(partner_id__in=organisations))
    if filters.city:
        qs = qs.filter(region_id=filters.city.pk)
    elif filters.province:
        qs = qs.filter(province_id=filters.province.pk)
    if filters.node:
        qs = qs.filter(node_id=filters.node.pk)
    elif filters.chain:
        qs = qs.filter(chain_id=filters.chain.pk)
    if filters.mode:
        qs = qs.filter(mode=filters.mode)
    return qs.order_by()


def _totals(qs) -> dict[str, dict]:
    rows = qs.values("metric").annotate(total=Sum("value"), distinct=Count("subject_id", distinct=True))
    return {row["metric"]: row for row in rows}


def _value(totals: dict, code: str):
    row = totals.get(code)
    metric = m.METRICS[code]
    if row is None:
        return ZERO if metric.money else 0
    if metric.how == m.DISTINCT:
        return row["distinct"]
    total = row["total"] or ZERO
    return total if metric.money else int(total)


def _levels(qs, codes) -> dict[str, dict[int, int]]:
    found = defaultdict(dict)
    for metric, value, n in (qs.filter(metric__in=codes).values_list("metric", "value")
                             .annotate(n=Count("id")).values_list("metric", "value", "n")):
        found[metric][int(value)] = n
    return found


def _at_least(levels: dict[int, int], stage: int) -> int:
    return sum(n for level, n in levels.items() if level >= stage)


def in_force(scope: Scope, filters: Filters) -> dict[str, int]:
    """Mentor appointments in force and students in training on the last day of the period."""
    on = filters.end
    qs = (facts(scope, filters, dated=False).filter(metric__in=list(m.IN_FORCE), day__lte=on)
          .filter(Q(until__isnull=True) | Q(until__gte=on)))
    counted = dict(qs.values_list("metric").annotate(n=Count("subject_id", distinct=True)).values_list("metric", "n"))
    return {code: counted.get(code, 0) for code in m.IN_FORCE}


@dataclass
class Figure:
    code: str
    label: str
    value: object
    money: bool = False
    beside: list | None = None   # [(label, value)] shown beside the figure
    drill: str = ""              # the metric whose records the figure lists (default: its own)
    level: int | None = None     # …from this funnel stage on

    @property
    def drill_code(self) -> str:
        return self.drill or self.code


def dashboard(scope: Scope, filters: Filters) -> dict:
    """Every section of the dashboard, from the fact table (a handful of grouped queries)."""
    qs = facts(scope, filters)
    totals = _totals(qs)
    levels = _levels(qs, ["achievement.funnel", "challenge.funnel", "achievement.trl", "project.trl"])
    forced = in_force(scope, filters)
    value = lambda code: _value(totals, code)  # noqa: E731
    achievements = levels["achievement.funnel"]
    headline = [
        Figure("centers.signed", _("Joint centers (enterprises with a signed agreement)"), value("centers.signed"),
               beside=[(_("Fortune Global 500"), value("centers.fortune500")),
                       (_("China Top 500"), value("centers.china500"))]),
        Figure("consortia", _("Innovation consortia"), value("consortia")),
        Figure("challenge.solved", _("Enterprise technical problems solved"), value("challenge.solved")),
        Figure("mentor.appointed", _("Enterprise mentors appointed"), value("mentor.appointed"),
               beside=[(_("in force"), forced["mentor.appointed"])]),
        Figure("student.graduated", _("Engineering master's/PhD students trained"), value("student.graduated"),
               beside=[(_("in training"), forced["student.training"])]),
        Figure("broker", _("Professional technology brokers"), value("broker")),
        Figure("achievement.screened", _("Easy-to-transfer achievements sifted out of the stock"),
               _at_least(achievements, 3), drill="achievement.funnel", level=3,
               beside=[(_("screened"), value("achievement.screened")),
                       (_("achievements in the pool"), _at_least(achievements, 1))]),
        Figure("fund.seed_angel", _("Seed/angel funds brought in"), value("fund.seed_angel"),
               beside=[(_("financial institutions"), value("org.financial"))]),
        Figure("patent.transferred", _("Patents transferred or licensed"), value("patent.transferred")),
        Figure("company.incubated", _("Technology companies incubated"), value("company.incubated")),
        Figure("hire.effective", _("Shared high-level talent hired"), value("hire.effective")),
    ]
    challenges = levels["challenge.funnel"]
    uplift_total, finished = value("project.uplift"), value("project.finished")
    innovation = [
        Figure(f"challenge.state.{state}", str(label), value(f"challenge.state.{state}")) for state, label in m.CHALLENGE_STATES
    ] + [
        Figure("topic", _("Topics refined"), value("topic")),
        Figure("bid", _("Bids"), value("bid")),
        Figure("project", _("Projects started"), value("project")),
        Figure("milestone.accepted", _("Milestones accepted"), value("milestone.accepted")),
        Figure("project.finished", _("Projects finished"), finished),
        Figure("project.uplift", _("Average TRL uplift of finished projects"),
               round(uplift_total / finished, 1) if finished else 0),
    ]
    capital = [Figure(code, str(m.METRICS[code].label), value(code), money=True)
               for code in ("capital.enterprise_rd", "capital.subsidy", "capital.investment", "deal.income")]
    talent = [
        Figure("mentor.appointed", _("Enterprise mentors appointed"), value("mentor.appointed")),
        Figure("mentor.in_force", _("Mentor appointments in force"), forced["mentor.appointed"]),
        Figure("student.graduated", _("Dual-mentor students who finished"), value("student.graduated")),
        Figure("student.training", _("Dual-mentor students in training"), forced["student.training"]),
        Figure("hire.effective", _("Shared hires"), value("hire.effective")),
    ]
    return {
        "headline": headline,
        "innovation": innovation,
        "industrial": industrial_chain(qs),
        "capital": capital,
        "talent": talent,
        "funnels": {
            "challenge": [(str(label), _at_least(challenges, stage))
                          for stage, label in enumerate(m.CHALLENGE_FUNNEL, start=1)],
            "achievement": [(str(label), _at_least(achievements, stage))
                            for stage, label in enumerate(m.ACHIEVEMENT_FUNNEL, start=1)],
        },
        "trl": {
            "achievements": _bands(levels["achievement.trl"]),
            "projects": _bands(levels["project.trl"]),
            "uplift": round(uplift_total / finished, 1) if finished else 0,
        },
        "conversion": conversion_by_university(qs),
    }


def _bands(levels: dict[int, int]) -> list[tuple[str, int]]:
    return [(str(label), sum(n for level, n in levels.items() if low <= level <= high))
            for (low, high), label in m.TRL_BANDS]


def industrial_chain(qs) -> list[dict]:
    """产业链: demand (live challenges) and supply (available achievements) per chain and node; gap = demand − supply."""
    live = [f"challenge.state.{state}" for state in LIVE_CHALLENGE_STATUSES]
    rows = (qs.filter(metric__in=[*live, "achievement.available"]).exclude(node_id=None)
            .values_list("chain_id", "node_id", "metric").annotate(n=Count("id")))
    by_node = defaultdict(lambda: {"demand": 0, "supply": 0})
    for chain, node, metric, n in rows:
        by_node[(chain, node)]["supply" if metric == "achievement.available" else "demand"] += n
    if not by_node:
        return []
    nodes = {n.pk: n for n in IndustryNode.objects.filter(pk__in=[node for _chain, node in by_node])}
    chains = {c.pk: c for c in IndustryChain.objects.filter(pk__in={chain for chain, _node in by_node})}
    result = {}
    for (chain, node), figures in sorted(by_node.items(), key=lambda item: (item[0][0] or 0, nodes[item[0][1]].code)):
        entry = result.setdefault(chain, {"chain": chains.get(chain), "demand": 0, "supply": 0, "nodes": []})
        gap = figures["demand"] - figures["supply"]
        entry["nodes"].append({"node": nodes[node], **figures, "gap": gap})
        entry["demand"] += figures["demand"]
        entry["supply"] += figures["supply"]
    for entry in result.values():
        entry["gap"] = entry["demand"] - entry["supply"]
    return list(result.values())


def conversion_by_university(qs) -> list[dict]:
    """Patents transferred or licensed / granted patents, per university (percent)."""
    rows = (qs.filter(metric__in=["patent.granted", "patent.transferred"]).exclude(organisation_id=None)
            .values_list("organisation_id", "metric").annotate(n=Count("subject_id", distinct=True)))
    by_org = defaultdict(lambda: {"granted": 0, "transferred": 0})
    for org, metric, n in rows:
        by_org[org]["granted" if metric == "patent.granted" else "transferred"] = n
    universities = Organisation.objects.filter(pk__in=list(by_org), kind=Organisation.Kind.UNIVERSITY)
    result = []
    for university in universities.order_by("name_zh", "pk"):
        figures = by_org[university.pk]
        rate = round(100 * figures["transferred"] / figures["granted"], 1) if figures["granted"] else 0.0
        result.append({"organisation": university, **figures, "rate": rate})
    return sorted(result, key=lambda row: -row["rate"])


def _month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def series(scope: Scope, filters: Filters, *, by: str = "month") -> dict:
    """Monthly or quarterly trends of the trend metrics over the period, with year-on-year change.
    The year before the period is read too, for the change of its first months."""
    end = filters.end
    first = filters.start
    if first is None:
        first_day = facts(scope, filters).filter(metric__in=m.TREND_METRICS).order_by("day").values_list(
            "day", flat=True).first()
        first = first_day or end.replace(month=1, day=1)
    first = _month_start(first)
    previous = first.replace(year=first.year - 1)
    qs = (facts(scope, filters, dated=False).filter(day__gte=previous, day__lte=end, metric__in=m.TREND_METRICS)
          .annotate(month=TruncMonth("day")).values_list("metric", "month")
          .annotate(total=Sum("value"), distinct=Count("subject_id", distinct=True), n=Count("id")))
    values = defaultdict(dict)
    for metric, month, total, distinct, n in qs:
        month = month.date() if isinstance(month, datetime.datetime) else month
        key = _period_key(month, by)
        how = m.METRICS[metric].how
        amount = distinct if how == m.DISTINCT else n if how == m.LEVEL else (total or ZERO)
        values[metric][key] = values[metric].get(key, 0) + amount
    periods = _periods(first, end, by)
    result = {"by": by, "periods": [label for label, _key in periods], "series": []}
    for code in m.TREND_METRICS:
        metric = m.METRICS[code]
        points = []
        for _label, key in periods:
            now = values[code].get(key, 0)
            before = values[code].get((key[0] - 1, key[1]), 0)
            change = round(100 * (now - before) / before, 1) if before else None
            points.append({"value": float(now) if metric.money else int(now), "yoy": change})
        result["series"].append({"code": code, "label": str(metric.label), "money": metric.money, "points": points})
    return result


def _period_key(month: datetime.date, by: str) -> tuple[int, int]:
    return (month.year, (month.month - 1) // 3 + 1) if by == "quarter" else (month.year, month.month)


def _periods(first: datetime.date, end: datetime.date, by: str) -> list[tuple[str, tuple[int, int]]]:
    periods, day = [], first
    while day <= end:
        key = _period_key(day, by)
        label = f"{key[0]} Q{key[1]}" if by == "quarter" else f"{key[0]}-{key[1]:02d}"
        if not periods or periods[-1][1] != key:
            periods.append((label, key))
        day = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return periods


def provinces(scope: Scope, filters: Filters) -> dict:
    """The map: figures by province (the map's names are the regions' Chinese short names)."""
    qs = (facts(scope, filters).filter(metric__in=m.MAP_METRICS).exclude(province_id=None)
          .values_list("province_id", "metric").annotate(total=Sum("value"), n=Count("id")))
    by_province = defaultdict(dict)
    for province, metric, total, n in qs:
        by_province[province][metric] = float(total or 0) if m.METRICS[metric].money else n
    regions = Region.objects.filter(pk__in=list(by_province)).order_by("code")
    rows = [{"region": region, "map_name": map_name(region),
             "values": [by_province[region.pk].get(code, 0) for code in m.MAP_METRICS]} for region in regions]
    return {"metrics": [(code, str(m.METRICS[code].label)) for code in m.MAP_METRICS], "rows": rows}


PROVINCE_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")


def map_name(region: Region) -> str:
    """The province's name as the vendored China map spells it (陕西省 → 陕西, 广西壮族自治区 → 广西)."""
    name = region.name_zh
    for suffix in PROVINCE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def provinces_with_figures() -> list[Region]:
    ids = DailyFigure.objects.exclude(province_id=None).order_by().values_list("province_id", flat=True).distinct()
    return list(Region.objects.filter(pk__in=list(ids)).order_by("code"))


def report_title(period: str, start: datetime.date, end: datetime.date, region: Region | None) -> str:
    where = region.name_zh if region else _("Nationwide")
    if period == StoredReport.Period.MONTH:
        when = f"{start.year}-{start.month:02d}"
    elif period == StoredReport.Period.QUARTER:
        when = f"{start.year} Q{(start.month - 1) // 3 + 1}"
    else:
        when = f"{start.isoformat()} – {end.isoformat()}"
    return _("1121 report %(when)s · %(where)s") % {"when": when, "where": where}


def reports_visible_to(user):
    scope = scope_for(user)
    if scope is None:
        return StoredReport.objects.none()
    qs = StoredReport.objects.select_related("region").defer("content")
    if scope.organisation_ids is not None:
        qs = qs.filter(scope_organisation_id__in=scope.organisation_ids)
    return qs


# ---------------------------------------------------------------- drill-down


def drill_records(scope: Scope, filters: Filters, code: str, *, level: int | None = None):
    """The records behind one figure, newest day first: (source, queryset of non-confidential values).
    `level` picks a stage of a funnel or a TRL (records at that level or beyond for funnels)."""
    metric = m.METRICS[code]
    source = BY_NAME[metric.source]
    rows = facts(scope, filters).filter(metric=code)
    if level is not None:
        rows = rows.filter(value=level) if code.endswith(".trl") else rows.filter(value__gte=level)
    ids = rows.values("record_id")
    columns = [lookup for lookup, _label in source.columns]
    return source, source.records().filter(pk__in=ids).order_by("-pk").values("pk", *columns)
