"""How every row of the fact table (`DailyFigure`) is derived from the apps' records.

A `Source` reads one kind of record through its app's `reporting_records()` selector, gives each
record the day it counts on, and emits one fact per metric with the record's dimensions:
organisation (the side that owns the figure) and partner (the other side), region (of the
organisation; province and city), industry-chain node (and its chain), collaboration mode.
DESIGN §5 "How the §1 figures are counted" is implemented here, once; `metrics.py` names the
metrics and how they add up.

`watch` says which changes (rows of the history tables since a moment) touch a source's records,
so that the incremental refresh recomputes only the days those records count on.
"""
import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Exists, F, Max, Min, OuterRef, Q
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext_lazy as _

from consortia import selectors as consortia_selectors
from funds import selectors as funds_selectors
from platform_core import selectors as core_selectors
from projects import selectors as projects_selectors
from talent import selectors as talent_selectors
from transfer import selectors as transfer_selectors

ENTERPRISE_LED = "enterprise_led"
LIVE_CHALLENGE_STATUSES = ("published", "refined", "open", "awarded", "in_progress", "under_evaluation")
AVAILABLE_ACHIEVEMENT_STATUSES = ("stock", "screened", "pushed", "negotiating")


def projects():
    return projects_selectors.reporting_records()


def transfer():
    return transfer_selectors.reporting_records()


def talent():
    return talent_selectors.reporting_records()


def funds():
    return funds_selectors.reporting_records()


def consortia():
    return consortia_selectors.reporting_records()


def core():
    return core_selectors.reporting_records()


@dataclass
class Dimensions:
    """What every fact needs besides its record: regions of organisations, chains of nodes."""

    org_region: dict = field(default_factory=dict)      # organisation id → (region id, province id)
    node_chain: dict = field(default_factory=dict)      # node id → chain id

    @classmethod
    def load(cls) -> "Dimensions":
        records = core()
        province_of = {pk: parent or pk for pk, parent in records["region"].values_list("pk", "parent_id")}
        org_region = {}
        for pk, region, parent_region in records["organisation"].values_list("pk", "region_id", "parent__region_id"):
            region = region or parent_region
            org_region[pk] = (region, province_of.get(region)) if region else (None, None)
        return cls(org_region=org_region, node_chain=dict(records["node"].values_list("pk", "chain_id")))


@dataclass
class Source:
    """One kind of record: how it is read, the day it counts on, the facts it emits."""

    name: str
    label: str
    records: Callable                      # () -> QuerySet of the records (already restricted)
    day: object                            # expression giving the day a record counts on
    values: dict                           # name → lookup/expression read for each record
    emit: Callable                         # (row) -> iterable of (metric, {fact fields}) pairs
    columns: list                          # drill-down: (lookup, label) of non-confidential fields
    watch: list = field(default_factory=list)   # (history queryset function, field giving the record id)

    def queryset(self, start: datetime.date | None, end: datetime.date | None):
        qs = self.records().annotate(_day=self.day).exclude(_day=None)
        if start is not None:
            qs = qs.filter(_day__gte=start)
        if end is not None:
            qs = qs.filter(_day__lte=end)
        # Prefixed: a name may not repeat a field of the model (`status` read as itself, `enterprise` as an id).
        return qs.order_by().values("pk", "_day", **{f"v_{name}": value for name, value in self.values.items()})

    def rows(self, start, end) -> Iterable[dict]:
        for row in self.queryset(start, end).iterator(chunk_size=2000):
            yield {name[2:] if name.startswith("v_") else name: value for name, value in row.items()}

    def facts(self, dims: Dimensions, start=None, end=None) -> Iterable[dict]:
        for row in self.rows(start, end):
            for metric, fact in self.emit(row):
                org = fact.get("organisation_id")
                region, province = dims.org_region.get(org, (None, None))
                node = fact.get("node_id")
                yield {
                    "metric": metric, "day": row["_day"], "source": self.name, "record_id": row["pk"],
                    "subject_id": fact.get("subject_id", row["pk"]), "organisation_id": org,
                    "partner_id": fact.get("partner_id"), "region_id": region, "province_id": province,
                    "node_id": node, "chain_id": dims.node_chain.get(node), "mode": fact.get("mode") or "",
                    "until": fact.get("until"), "value": fact.get("value", 1),
                }

    def days_of(self, record_ids) -> set:
        """The days the given records count on now."""
        return set(self.records().annotate(_day=self.day).filter(pk__in=record_ids).exclude(_day=None)
                   .order_by().values_list("_day", flat=True))


def _history(records_key: Callable):
    """The history rows of a model (simple_history) behind one of the apps' reporting querysets."""
    def history():
        return records_key().model.history.all()
    return history


def _watch(group: Callable, key: str, id_field: str = "id"):
    return (_history(lambda: group()[key]), id_field)


# ---------------------------------------------------------------- the sources


def _center_facts(row):
    org = {"organisation_id": row["enterprise"], "partner_id": row["university"], "node_id": row["node"],
           "mode": ENTERPRISE_LED, "subject_id": row["enterprise"]}
    yield "centers.signed", org
    if row["fortune"]:
        yield "centers.fortune500", org
    if row["china"]:
        yield "centers.china500", org


def _consortium_facts(row):
    yield "consortia", {"organisation_id": row["lead"], "node_id": row["node"], "mode": row["kind"]}


def _challenge_stage(row) -> int:
    """How far a challenge got: posted 1, published 2, bid on 3, awarded 4, solved 5."""
    stage = 1
    for reached in (row["status"] != "draft", row["has_bid"], row["has_project"], row["status"] == "solved"):
        if not reached:
            break
        stage += 1
    return stage


def _challenge_dims(row, prefix=""):
    return {"organisation_id": row[f"{prefix}poster"], "partner_id": row[f"{prefix}partner"],
            "node_id": row[f"{prefix}node"], "mode": row[f"{prefix}mode"]}


def _challenge_facts(row):
    dims = _challenge_dims(row)
    yield f"challenge.state.{row['status']}", dims
    yield "challenge.funnel", {**dims, "value": _challenge_stage(row)}


def _challenge_solved_facts(row):
    yield "challenge.solved", _challenge_dims(row)


def _topic_facts(row):
    yield "topic", _challenge_dims(row)


def _bid_facts(row):
    yield "bid", {"organisation_id": row["organisation"], "partner_id": row["poster"], "node_id": row["node"],
                  "mode": row["mode"]}


def _project_dims(row):
    return {"organisation_id": row["sponsor"], "partner_id": row["performer"], "node_id": row["node"],
            "mode": row["mode"]}


def _project_facts(row):
    dims = _project_dims(row)
    yield "project", dims
    yield "project.trl", {**dims, "value": row["trl"]}


def _project_finished_facts(row):
    dims = _project_dims(row)
    yield "project.finished", dims
    yield "project.uplift", {**dims, "value": row["trl"] - row["start_trl"]}


def _milestone_facts(row):
    yield "milestone.accepted", _project_dims(row)


PUSH_STAGES = (  # achievement funnel stages after "pushed": the push statuses that reach them
    ("viewed", ("viewed", "interested", "negotiating", "deal")),
    ("interested", ("interested", "negotiating", "deal")),
    ("negotiating", ("negotiating", "deal")),
    ("deal", ("deal",)),
)


def _achievement_stage(row) -> int:
    """In the pool 1, screened 2, pushed 3, viewed 4, interested 5, negotiating 6, deal 7."""
    stage = 1
    for reached in (row["status"] != "stock" or row["pushed"], row["pushed"], row["viewed"] or row["seen"],
                    row["interested"], row["negotiating"], row["deal"]):
        if not reached:
            break
        stage += 1
    return stage


def _achievement_facts(row):
    dims = {"organisation_id": row["owner"], "node_id": row["node"]}
    yield "achievement.funnel", {**dims, "value": _achievement_stage(row)}
    yield "achievement.trl", {**dims, "value": row["trl"]}
    if row["status"] in AVAILABLE_ACHIEVEMENT_STATUSES:
        yield "achievement.available", dims


def _achievement_screened_facts(row):
    yield "achievement.screened", {"organisation_id": row["owner"], "node_id": row["node"]}


def _patent_facts(row):
    yield "patent.granted", {"organisation_id": row["owner"]}


def _deal_patents(deal_ids) -> dict:
    """deal id → [(patent id, patentee id)] for assignment and licence deals."""
    links = (transfer()["patent_achievement"].filter(
        achievement__deals__pk__in=deal_ids, achievement__deals__kind__in=("assignment", "licence"))
        .values_list("achievement__deals__pk", "patent_id", "patent__owner_id"))
    found = defaultdict(list)
    for deal, patent, owner in links:
        found[deal].append((patent, owner))
    return found


class DealSource(Source):
    """Deals: income, and the distinct patents transferred or licensed (a patent counts through its patentee)."""

    def rows(self, start, end):
        rows = list(super().rows(start, end))
        for index in range(0, len(rows), 500):
            chunk = rows[index:index + 500]
            patents = _deal_patents([row["pk"] for row in chunk])
            for row in chunk:
                row["patents"] = patents.get(row["pk"], [])
        return rows


def _deal_facts(row):
    dims = {"organisation_id": row["owner"], "partner_id": row["counterparty"], "node_id": row["node"]}
    yield "deal.income", {**dims, "value": row["price"]}
    for patent, owner in row["patents"]:
        yield "patent.transferred", {**dims, "organisation_id": owner, "subject_id": patent}


def _company_facts(row):
    yield "company.incubated", {"organisation_id": row["host"], "partner_id": row["organisation"],
                                "node_id": row["node"]}


def _fund_facts(row):
    yield "fund.seed_angel", {"organisation_id": row["manager"]}


def _financial_facts(row):
    yield "org.financial", {"organisation_id": row["pk"]}


def _broker_facts(row):
    yield "broker", {"organisation_id": row["organisation"], "subject_id": row["user"]}


def _commitment_facts(row):
    metric = "capital.enterprise_rd" if row["kind"] == "enterprise_rd" else "capital.subsidy"
    yield metric, {"organisation_id": row["source_org"], "partner_id": row["partner"], "node_id": row["node"],
                   "mode": row["mode"] or (ENTERPRISE_LED if row["center"] else ""), "value": row["amount"]}


def _investment_facts(row):
    yield "capital.investment", {"organisation_id": row["manager"], "partner_id": row["partner"],
                                 "node_id": row["node"], "mode": row["mode"], "value": row["amount"]}


def _mentor_facts(row):
    yield "mentor.appointed", {"organisation_id": row["organisation"], "partner_id": row["university"],
                               "subject_id": row["user"], "until": row["term_end"]}


def _assignment_start_facts(row):
    # In training on day E when start ≤ E and (not ended or ended after E): `until` is the last day in training.
    until = row["ended_on"] - datetime.timedelta(days=1) if row["ended_on"] else None
    yield "student.training", {"organisation_id": row["university"], "partner_id": row["enterprise"],
                               "subject_id": row["student"], "until": until}


def _assignment_end_facts(row):
    yield "student.graduated", {"organisation_id": row["university"], "partner_id": row["enterprise"],
                                "subject_id": row["student"]}


def _hire_facts(row):
    yield "hire.effective", {"organisation_id": row["university"], "partner_id": row["enterprise"],
                             "subject_id": row["talent"]}


CHALLENGE_VALUES = {"poster": F("poster_id"), "partner": F("partner_id"), "node": F("industry_node_id"),
                    "mode": F("mode")}


def _challenge_of(prefix: str) -> dict:
    return {"poster": F(f"{prefix}poster_id"), "partner": F(f"{prefix}partner_id"),
            "node": F(f"{prefix}industry_node_id"), "mode": F(f"{prefix}mode")}


def _sources() -> list[Source]:
    achievement_values = {"owner": F("owner_id"), "node": F("industry_node_id"), "status": F("status"),
                          "trl": F("trl")}

    def achievements_with_pushes():
        qs = transfer()["achievement"]
        push = transfer()["push"]
        stages = {"pushed": Exists(push.filter(achievement=OuterRef("pk"))),
                  "seen": Exists(push.filter(achievement=OuterRef("pk"), viewed_at__isnull=False)),
                  "deal": Exists(push.filter(achievement=OuterRef("pk"), status="deal"))
                  | Exists(transfer()["deal"].filter(achievement=OuterRef("pk")))}
        for stage, statuses in PUSH_STAGES[:-1]:
            stages[stage] = Exists(push.filter(achievement=OuterRef("pk"), status__in=statuses))
        return qs.annotate(**stages)

    def challenges_with_progress():
        bids = projects()["bid"].filter(call__challenge=OuterRef("pk"))
        done = projects()["project"].filter(challenge=OuterRef("pk"))
        return projects()["challenge"].annotate(has_bid=Exists(bids), has_project=Exists(done))

    def commitments():
        return funds()["commitment"].filter(currency="CNY")

    def investments():
        return funds()["investment"].filter(fund__currency="CNY")

    def hires():
        return talent()["hire"].filter(status__in=("in_effect", "terminated")).annotate(
            enterprise=Min("shares__organisation_id", filter=Q(shares__role="enterprise")))

    challenge_columns = [("title_zh", _("title")), ("poster__name_zh", _("posting organisation")),
                         ("industry_node__name_zh", _("industry-chain node")), ("mode", _("mode")),
                         ("status", _("status")), ("created_at", _("created at"))]
    project_columns = [("title", _("title")), ("sponsor__name_zh", _("sponsor")),
                       ("performer__name_zh", _("performing organisation")), ("status", _("status")),
                       ("start_trl", _("starting TRL")), ("current_trl", _("current TRL"))]
    achievement_columns = [("title", _("title")), ("owner__name_zh", _("first owner")),
                           ("industry_node__name_zh", _("industry-chain node")), ("trl", _("TRL")), ("status", _("status"))]
    return [
        Source("center", "joint R&D centers", lambda: consortia()["center"].exclude(agreement_signed_on=None),
               F("agreement_signed_on"),
               {"enterprise": F("enterprise_id"), "university": F("university_id"),
                "fortune": F("enterprise__is_fortune_global_500"), "china": F("enterprise__is_china_top_500"),
                "node": Min("industry_nodes__id")},
               _center_facts,
               [("name_zh", _("name")), ("enterprise__name_zh", _("enterprise")), ("university__name_zh", _("university")),
                ("agreement_signed_on", _("agreement signed on")), ("status", _("status"))],
               [_watch(consortia, "center")]),
        Source("consortium", "innovation consortia", lambda: consortia()["consortium"].exclude(status="dissolved"),
               Coalesce("founded_on", TruncDate("created_at")),
               {"lead": F("lead_id"), "kind": F("kind"), "node": Min("industry_nodes__id")},
               _consortium_facts,
               [("name_zh", _("name")), ("lead__name_zh", _("lead organisation")), ("kind", _("type")),
                ("founded_on", _("founded on")), ("status", _("status"))],
               [_watch(consortia, "consortium")]),
        Source("challenge", "challenges", challenges_with_progress, TruncDate("created_at"),
               {**CHALLENGE_VALUES, "status": F("status"), "has_bid": F("has_bid"), "has_project": F("has_project")},
               _challenge_facts, challenge_columns,
               [_watch(projects, "challenge"), _watch(projects, "bid", "call__challenge_id"),
                _watch(projects, "project", "challenge_id")]),
        Source("challenge_solved", "problems solved", lambda: projects()["challenge"].filter(status="solved"),
               Coalesce(Max("projects__finished_on"), TruncDate("updated_at")), CHALLENGE_VALUES,
               _challenge_solved_facts, challenge_columns,
               [_watch(projects, "challenge"), _watch(projects, "project", "challenge_id")]),
        Source("topic", "topics", lambda: projects()["topic"], TruncDate("created_at"), _challenge_of("challenge__"),
               _topic_facts, [("title", _("topic title")), ("challenge__poster__name_zh", _("posting organisation")),
                              ("status", _("status"))],
               [_watch(projects, "topic")]),
        Source("bid", "bids", lambda: projects()["bid"], TruncDate("submitted_at"),
               {"organisation": F("organisation_id"), "poster": F("call__challenge__poster_id"),
                "node": F("call__challenge__industry_node_id"), "mode": F("call__challenge__mode")},
               _bid_facts,
               [("team_name", _("team name")), ("organisation__name_zh", _("bidding organisation")),
                ("call__challenge__title_zh", _("challenge")), ("status", _("status")), ("submitted_at", _("submitted at"))],
               [_watch(projects, "bid")]),
        Source("project", "projects", lambda: projects()["project"], TruncDate("created_at"),
               {"sponsor": F("sponsor_id"), "performer": F("performer_id"), "node": F("challenge__industry_node_id"),
                "mode": F("challenge__mode"), "trl": F("current_trl")},
               _project_facts, project_columns, [_watch(projects, "project")]),
        Source("project_finished", "finished projects",
               lambda: projects()["project"].filter(status="solved"), F("finished_on"),
               {"sponsor": F("sponsor_id"), "performer": F("performer_id"), "node": F("challenge__industry_node_id"),
                "mode": F("challenge__mode"), "trl": F("current_trl"), "start_trl": F("start_trl")},
               _project_finished_facts, project_columns, [_watch(projects, "project")]),
        Source("milestone", "milestones accepted", lambda: projects()["milestone"].filter(status="accepted"),
               TruncDate("accepted_at"),
               {"sponsor": F("project__sponsor_id"), "performer": F("project__performer_id"),
                "node": F("project__challenge__industry_node_id"), "mode": F("project__challenge__mode")},
               _milestone_facts,
               [("title", _("title")), ("project__title", _("project")), ("due_on", _("due on")),
                ("accepted_at", _("accepted at"))],
               [_watch(projects, "milestone")]),
        Source("achievement", "achievements", achievements_with_pushes, TruncDate("created_at"),
               {**achievement_values, **{k: F(k) for k in ("pushed", "seen", "viewed", "interested", "negotiating",
                                                             "deal")}},
               _achievement_facts, achievement_columns,
               [_watch(transfer, "achievement"), _watch(transfer, "push", "achievement_id"),
                _watch(transfer, "deal", "achievement_id")]),
        Source("achievement_screened", "achievements screened",
               lambda: transfer()["achievement"].exclude(status="stock"),
               Coalesce(TruncDate("screened_at"), TruncDate("created_at")), achievement_values,
               _achievement_screened_facts, achievement_columns, [_watch(transfer, "achievement")]),
        Source("patent", "granted patents", lambda: transfer()["patent"].exclude(grant_date=None), F("grant_date"),
               {"owner": F("owner_id")}, _patent_facts,
               [("title", _("title")), ("application_number", _("application number")), ("owner__name_zh", _("patentee")),
                ("grant_date", _("grant date")), ("legal_status", _("legal status"))],
               [_watch(transfer, "patent")]),
        DealSource("deal", "deals", lambda: transfer()["deal"], F("signed_on"),
                   {"owner": F("achievement__owner_id"), "counterparty": F("counterparty_id"),
                    "node": F("achievement__industry_node_id"), "price": F("price")},
                   _deal_facts,
                   [("achievement__title", _("achievement")), ("kind", _("deal type")),
                    ("counterparty__name_zh", _("counterparty")), ("price", _("price (CNY)")), ("signed_on", _("signed on"))],
                   [_watch(transfer, "deal")]),
        Source("company", "incubated companies", lambda: transfer()["company"], F("admitted_on"),
               {"host": F("incubator__host_id"), "organisation": F("organisation_id"), "node": F("industry_node_id")},
               _company_facts,
               [("name", _("company name")), ("incubator__name", _("incubator")), ("stage", _("stage")),
                ("admitted_on", _("admitted on"))],
               [_watch(transfer, "company")]),
        Source("fund", "seed and angel funds", lambda: funds()["fund"].filter(kind__in=funds_selectors.SEED_AND_ANGEL),
               TruncDate("created_at"), {"manager": F("manager_id")}, _fund_facts,
               [("name_zh", _("name")), ("kind", _("fund type")), ("manager__name_zh", _("manager")),
                ("vintage_year", _("vintage year"))],
               [_watch(funds, "fund")]),
        Source("financial", "financial institutions", lambda: core()["organisation"].filter(kind="financial"),
               TruncDate("created_at"), {}, _financial_facts,
               [("name_zh", _("name")), ("region__name_zh", _("region")), ("created_at", _("created at"))],
               [_watch(core, "organisation")]),
        Source("broker", "technology brokers",
               lambda: core()["membership"].filter(is_active=True, role="broker"), TruncDate("created_at"),
               {"organisation": F("organisation_id"), "user": F("user_id")}, _broker_facts,
               [("user__display_name", _("name")), ("user__username", _("user")), ("organisation__name_zh", _("organisation"))],
               [_watch(core, "membership")]),
        Source("commitment", "funding commitments", commitments, F("committed_on"),
               {"kind": F("kind"), "source_org": F("source_id"), "center": F("center_id"),
                "partner": Coalesce("center__university_id", "project__performer_id"),
                "node": F("project__challenge__industry_node_id"), "mode": F("project__challenge__mode"),
                "amount": F("amount")},
               _commitment_facts,
               [("title", _("title")), ("kind", _("kind")), ("source__name_zh", _("source organisation")),
                ("amount", _("committed amount")), ("committed_on", _("committed on"))],
               [_watch(funds, "commitment")]),
        Source("investment", "fund investments", investments, F("invested_on"),
               {"manager": F("fund__manager_id"), "partner": Coalesce("company__organisation_id", "project__performer_id"),
                "node": Coalesce("company__industry_node_id", "project__challenge__industry_node_id"),
                "mode": F("project__challenge__mode"), "amount": F("amount")},
               _investment_facts,
               [("fund__name_zh", _("fund")), ("company__name", _("incubated company")), ("project__title", _("project")),
                ("round", _("round")), ("invested_on", _("invested on"))],
               [_watch(funds, "investment")]),
        Source("mentor", "enterprise mentor appointments", lambda: talent()["mentor"], F("term_start"),
               {"organisation": F("organisation_id"), "university": F("university_id"), "user": F("user_id"),
                "term_end": F("term_end")},
               _mentor_facts,
               [("user__display_name", _("mentor")), ("organisation__name_zh", _("enterprise")),
                ("university__name_zh", _("appointing university")), ("term_start", _("term start")),
                ("term_end", _("term end"))],
               [_watch(talent, "mentor")]),
        Source("assignment", "dual-mentor students", lambda: talent()["assignment"], F("start_date"),
               {"university": F("university_id"), "enterprise": F("enterprise_id"), "student": F("student_id"),
                "ended_on": F("ended_on")},
               _assignment_start_facts,
               [("student__display_name", _("student")), ("degree", _("degree")), ("university__name_zh", _("university")),
                ("enterprise__name_zh", _("enterprise")), ("start_date", _("start")), ("status", _("status"))],
               [_watch(talent, "assignment")]),
        Source("graduation", "dual-mentor students who finished",
               lambda: talent()["assignment"].filter(status="graduated"), F("ended_on"),
               {"university": F("university_id"), "enterprise": F("enterprise_id"), "student": F("student_id")},
               _assignment_end_facts,
               [("student__display_name", _("student")), ("degree", _("degree")), ("university__name_zh", _("university")),
                ("enterprise__name_zh", _("enterprise")), ("ended_on", _("graduated or withdrew on"))],
               [_watch(talent, "assignment")]),
        Source("hire", "shared hires in effect", hires,
               Coalesce(TruncDate("effective_at"), F("start_date")),
               {"university": F("university_id"), "enterprise": F("enterprise"), "talent": F("talent_id")},
               _hire_facts,
               [("talent__name_zh", _("talent")), ("position", _("position")), ("university__name_zh", _("recruiting university")),
                ("start_date", _("contract start")), ("status", _("status"))],
               [_watch(talent, "hire")]),
    ]


SOURCES: list[Source] = _sources()
BY_NAME: dict[str, Source] = {source.name: source for source in SOURCES}
