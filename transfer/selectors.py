"""Reads of technology transfer: rows a user may see, work queues and dashboard counts.

The `*_visible_to` selectors are the queryset form of the rules in `permissions.py`.
"""
import datetime
import statistics
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import BooleanField, Case, Count, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from consortia.models import JointCenter
from consortia.selectors import centers_visible_to
from platform_core.models import IndustryChain, IndustryNode, Membership, Organisation, Role
from platform_core.permissions import is_platform_admin, is_program_officer, member_organisation_ids
from projects.models import Challenge, Project
from projects.selectors import (
    challenges_visible_to,
    projects_visible_to,
    solved_projects_for_transfer,
)

from .models import Achievement, Deal, IncubatedCompany, Incubator, Patent, Push
from .permissions import (
    INCUBATOR_HOST_ROLES,
    INTERESTED_OR_LATER,
    PUBLIC_STATUSES,
    TRANSFER_ROLES,
    transfer_organisation_ids,
)

FEE_WINDOW_DAYS = 90
ACADEMIC_KINDS = ("university", "institute")


ACHIEVEMENT_LIST_RELATED = ("owner", "school", "industry_node__chain", "field", "broker")


def _read_once(user, key, read):
    """`read()` once per user object, that is once per request (each request has its own `request.user`): a page
    asks several selectors, which all filter by the same few organisation ids. As literal ids, not subqueries,
    they let the database estimate and index the filter, and let Django drop a branch that cannot match."""
    reads = getattr(user, "_transfer_reads", None)
    if reads is None:
        reads = user._transfer_reads = {}
    if key not in reads:
        reads[key] = read()
    return reads[key]


def _member_of(user, *roles) -> set[int]:
    """The organisations where `user` holds one of `roles` (any role when none)."""
    return _read_once(user, ("member", roles), lambda: member_organisation_ids(user, *roles))


def _transfer_units(user) -> set[int]:
    return _read_once(user, "transfer", lambda: transfer_organisation_ids(user))


def _managed_filter(user, prefix: str = "") -> Q:
    """Achievements (at `prefix`) whose owner or school the user serves as TTO staff or broker."""
    units = _transfer_units(user)
    return Q(**{f"{prefix}owner_id__in": units}) | Q(**{f"{prefix}school_id__in": units})


def _inventor_of(user) -> QuerySet:
    return Achievement.inventors.through.objects.filter(user_id=user.pk).values("achievement_id")


def achievements_managed_by(user) -> QuerySet[Achievement]:
    if is_platform_admin(user):
        return Achievement.objects.all()
    return Achievement.objects.filter(_managed_filter(user))


def achievements_visible_to(user) -> QuerySet[Achievement]:
    """The queryset form of `transfer.view_achievement`.

    One WHERE clause of the user's organisation ids and uncorrelated subqueries (each run once), without
    joins: no row is repeated, so no DISTINCT, and counting stays one scan."""
    qs = Achievement.objects.select_related(*ACHIEVEMENT_LIST_RELATED)
    if not user.is_authenticated:
        return qs.filter(status__in=PUBLIC_STATUSES)
    if is_platform_admin(user) or is_program_officer(user):
        return qs
    member_of = _member_of(user)
    return qs.filter(
        Q(status__in=PUBLIC_STATUSES)
        | _managed_filter(user)
        | Q(pk__in=_inventor_of(user))
        | Q(owner_id__in=member_of) | Q(school_id__in=member_of)
        | Q(pk__in=Achievement.co_owners.through.objects.filter(organisation_id__in=member_of).values("achievement_id"))
        | Q(pk__in=Push.objects.filter(enterprise_id__in=member_of).values("achievement_id"))
    )


def pool_achievements(user) -> QuerySet[Achievement]:
    """The pool page: what TTO staff and brokers manage, or what anyone else may see."""
    if user.has_perm("transfer.use_workbench"):
        return achievements_managed_by(user).select_related(*ACHIEVEMENT_LIST_RELATED)
    return achievements_visible_to(user)


def with_confidential_access(achievements: QuerySet[Achievement], user) -> QuerySet[Achievement]:
    """Annotate `confidential_open`: the queryset form of `transfer.view_confidential_achievement`, so that a
    list decides for every row in its one query."""
    if is_platform_admin(user) or not user.is_authenticated:
        opened = Value(is_platform_admin(user))
    else:
        interested = Push.objects.filter(enterprise_id__in=_member_of(user), status__in=INTERESTED_OR_LATER)
        opened = Case(  # not a bare boolean: a school-less row would read NULL (NULL IN (…)), not false
            When(_managed_filter(user) | Q(pk__in=_inventor_of(user)) | Q(pk__in=interested.values("achievement_id")),
                 then=True),
            default=False, output_field=BooleanField())
    return achievements.annotate(confidential_open=opened)


def supermarket_achievements(*, query: str = "", chain=None, node=None, field=None, min_trl=None,
                             licence_type: str = "", max_price=None) -> QuerySet:
    """技术成果超市: screened achievements open to everyone (confidential detail is never shown here)."""
    qs = Achievement.objects.filter(status__in=PUBLIC_STATUSES).select_related(
        "owner", "school", "industry_node__chain", "field"
    ).order_by("-screened_at", "-id")
    if query:
        qs = qs.filter(Q(title__icontains=query) | Q(abstract__icontains=query) | Q(keywords__icontains=query))
    if chain:
        qs = qs.filter(industry_node__chain=chain)
    if node:
        qs = qs.filter(industry_node=node)
    if field:
        qs = qs.filter(Q(field=field) | Q(field__parent=field))
    if min_trl:
        qs = qs.filter(trl__gte=min_trl)
    if licence_type:
        qs = qs.filter(licence_types__contains=f",{licence_type},")
    if max_price is not None:
        # Within budget: priced at most max_price, or negotiable (面议).
        qs = qs.filter(Q(asking_price__lte=max_price) | Q(price_negotiable=True))
    return qs


def roadshows_visible_to(user) -> QuerySet:
    """Roadshows are public to signed-in users; each row carries its registration count."""
    from .models import Roadshow, RoadshowRegistration

    if not user.is_authenticated:
        return Roadshow.objects.none()
    mine = RoadshowRegistration.objects.filter(roadshow=OuterRef("pk"), user=user)
    return Roadshow.objects.select_related("organiser").annotate(registered=Count("registrations"),
                                                                 is_registered=Exists(mine)).order_by("-starts_at", "-id")


def screening_queue(user) -> QuerySet[Achievement]:
    """Stock achievements the user may screen, oldest first."""
    return achievements_managed_by(user).filter(status=Achievement.Status.STOCK).select_related(
        "owner", "school", "industry_node__chain"
    ).order_by("created_at", "id")


def broker_portfolio(user) -> QuerySet[Achievement]:
    return Achievement.objects.filter(broker=user).select_related("owner", "school", "industry_node__chain")


PUSH_LIST_RELATED = ("achievement__owner", "achievement__school", "achievement__industry_node__chain",
                     "achievement__field", "enterprise", "pushed_by")


def pushes_visible_to(user) -> QuerySet[Push]:
    qs = Push.objects.select_related(*PUSH_LIST_RELATED)
    if is_platform_admin(user):
        return qs
    return qs.filter(_managed_filter(user, "achievement__") | Q(enterprise_id__in=_member_of(user)))


def pushes_of_managed_achievements(user) -> QuerySet[Push]:
    """Pushes of the achievements the user manages (the workbench's funnel)."""
    return Push.objects.all() if is_platform_admin(user) else Push.objects.filter(_managed_filter(user, "achievement__"))


def pushes_received_by(user) -> QuerySet[Push]:
    """Pushes to the enterprises the user belongs to."""
    return Push.objects.filter(enterprise_id__in=_member_of(user)).select_related(
        "achievement__owner", "achievement__industry_node__chain", "enterprise"
    )


LIVE_PUSH_STATUSES = (Push.Status.PUSHED, Push.Status.VIEWED, Push.Status.INTERESTED, Push.Status.NEGOTIATING)


def pushes_awaiting_follow_up(user) -> QuerySet[Push]:
    """Live pushes of the user's achievements that need a broker's next step, oldest first."""
    return pushes_of_managed_achievements(user).filter(status__in=LIVE_PUSH_STATUSES).select_related(
        "achievement", "enterprise").order_by("created_at", "id")


def push_funnel(pushes: QuerySet[Push]) -> dict[str, int]:
    """How many pushes reached each stage (a push at 'deal' also counts as viewed, interested, negotiating)."""
    by_status = dict(pushes.values_list("status").annotate(n=Count("id")).order_by())
    reached = {
        "pushed": sum(by_status.values()),
        "viewed": 0, "interested": 0, "negotiating": 0,
        "deal": by_status.get("deal", 0), "declined": by_status.get("declined", 0),
    }
    later = ["viewed", "interested", "negotiating", "deal"]
    for index, stage in enumerate(later[:-1]):
        reached[stage] = sum(by_status.get(s, 0) for s in later[index:])
    return reached


def deals_visible_to(user) -> QuerySet[Deal]:
    qs = Deal.objects.select_related("achievement", "counterparty", "push").prefetch_related(
        "revenue_shares__beneficiary_user", "revenue_shares__beneficiary_organisation"
    )
    if is_platform_admin(user) or is_program_officer(user):
        return qs
    return qs.filter(
        _managed_filter(user, "achievement__")
        | Q(counterparty_id__in=_member_of(user))
        | Q(achievement_id__in=_inventor_of(user))
    )


def deals_of_managed_achievements(user) -> QuerySet[Deal]:
    """Deals on the achievements the user manages (the workbench)."""
    qs = Deal.objects.select_related("achievement")
    return qs if is_platform_admin(user) else qs.filter(_managed_filter(user, "achievement__"))


def patents_visible_to(user) -> QuerySet[Patent]:
    """Patents are published records: every signed-in user reads them."""
    return Patent.objects.select_related("owner")


def patents_managed_by(user) -> QuerySet[Patent]:
    if is_platform_admin(user):
        return Patent.objects.all()
    return Patent.objects.filter(owner_id__in=_transfer_units(user))


def fee_deadlines(user, *, days: int = FEE_WINDOW_DAYS, today: datetime.date | None = None) -> QuerySet[Patent]:
    today = today or timezone.localdate()
    return patents_managed_by(user).filter(
        legal_status=Patent.LegalStatus.GRANTED, next_fee_due__isnull=False,
        next_fee_due__lte=today + datetime.timedelta(days=days),
    ).select_related("owner").order_by("next_fee_due", "pk")


def patents_with_fee_due(*, today: datetime.date, days_ahead: int) -> QuerySet[Patent]:
    """Granted patents whose annual fee falls due within `days_ahead` or is unpaid in its grace period, and whose
    reminder for the current stage may not have gone out yet (the service decides, once per stage)."""
    from .fees import GRACE_MONTHS, add_months

    announced_before_due = Q(fee_reminder_sent_for=F("next_fee_due"), next_fee_due__gte=today)
    announced_last = Q(fee_reminder_sent_for=F("next_fee_due"), fee_reminder_stage="last_days")
    return Patent.objects.filter(
        legal_status=Patent.LegalStatus.GRANTED, next_fee_due__gte=add_months(today, -GRACE_MONTHS),
        next_fee_due__lte=today + datetime.timedelta(days=days_ahead),
    ).exclude(announced_before_due | announced_last)


def patents_past_grace(*, today: datetime.date) -> QuerySet[Patent]:
    """Granted patents whose annual fee is unpaid after the grace period (they lapse)."""
    from .fees import GRACE_MONTHS, add_months

    return Patent.objects.filter(legal_status=Patent.LegalStatus.GRANTED,
                                 next_fee_due__lt=add_months(today, -GRACE_MONTHS))


def portfolio_fee_cost(patents: QuerySet[Patent], year: int) -> dict:
    """The annual fees the granted patents in force owe in `year` (each pays on its filing anniversary),
    computed from one grouped query: {"total", "patents", "by_type": {type: amount}}."""
    from .fees import annual_fee

    rows = (patents.filter(legal_status=Patent.LegalStatus.GRANTED, filing_date__year__lt=year)
            .values_list("patent_type", "filing_date__year", "filing_date__month", "filing_date__day")
            .annotate(n=Count("id")).order_by())
    by_type = {t: Decimal("0.00") for t in Patent.Type.values}
    count = 0
    for patent_type, filed_year, month, day, n in rows:
        fee = annual_fee(patent_type, year - filed_year + 1, datetime.date(filed_year, month, day))
        if fee is not None:
            by_type[patent_type] += fee * n
            count += n
    return {"year": year, "total": sum(by_type.values(), Decimal("0.00")), "patents": count, "by_type": by_type}


def incubators_visible_to(user) -> QuerySet[Incubator]:
    return Incubator.objects.select_related("host", "partner_university").annotate(
        company_count=Count("companies", distinct=True)
    ).order_by("name", "pk")  # Meta.ordering does not apply to a grouped query


def incubators_managed_by(user) -> QuerySet[Incubator]:
    """The queryset form of `transfer.change_incubator`: the host's managers, the partner university's TTO."""
    if is_platform_admin(user):
        return Incubator.objects.all()
    return Incubator.objects.filter(Q(host_id__in=_member_of(user, *INCUBATOR_HOST_ROLES))
                                    | Q(partner_university_id__in=_member_of(user, *TRANSFER_ROLES)))


def incubator_hosts_for(user) -> QuerySet[Organisation]:
    """Enterprises `user` may open an incubator for: those they administer (any, for platform administrators)."""
    enterprises = Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE)
    if is_platform_admin(user):
        return enterprises
    return enterprises.filter(pk__in=_member_of(user, Role.ORG_ADMIN))


def partner_universities() -> QuerySet[Organisation]:
    """Universities (not their schools) that may run an incubator with its host."""
    return Organisation.objects.filter(kind=Organisation.Kind.UNIVERSITY, parent__isnull=True)


def companies_visible_to(user) -> QuerySet[IncubatedCompany]:
    return IncubatedCompany.objects.select_related("incubator__host", "industry_node__chain", "organisation")


# Hand-over of solved projects to the pool (项目成果入库)


def project_university_side(project: Project) -> Organisation | None:
    """The university or institute party of a project: the performer usually, the sponsor in university-led calls."""
    for organisation in (project.performer, project.sponsor):
        if organisation.kind in ACADEMIC_KINDS:
            return organisation
    return None


def _university_side_filter(organisation_ids) -> Q:
    performer_is_academic = Q(performer__kind__in=ACADEMIC_KINDS)
    return ((performer_is_academic & Q(performer_id__in=organisation_ids))
            | (~performer_is_academic & Q(sponsor__kind__in=ACADEMIC_KINDS, sponsor_id__in=organisation_ids)))


def projects_handled_by(user) -> QuerySet[Project]:
    """Solved projects whose university side the user serves as technology-transfer staff or broker."""
    projects = solved_projects_for_transfer().select_related("sponsor", "performer", "lead", "challenge__industry_node")
    if is_platform_admin(user):
        return projects.filter(Q(performer__kind__in=ACADEMIC_KINDS) | Q(sponsor__kind__in=ACADEMIC_KINDS))
    return projects.filter(_university_side_filter(_transfer_units(user)))


def projects_awaiting_hand_over(user) -> QuerySet[Project]:
    return projects_handled_by(user).filter(pool_achievement__isnull=True)


def projects_for_hand_over_lookup(user) -> QuerySet[Project]:
    """Projects a hand-over request may name: handled by the user, or at least visible (then refused with 403)."""
    return Project.objects.filter(Q(pk__in=projects_handled_by(user).values("pk"))
                                  | Q(pk__in=projects_visible_to(user).values("pk")))


# Dashboard counts (for the reporting app). Each takes an optional queryset scope so
# reports can narrow by organisation, chain or date range before counting.

def count_stock_achievements(achievements: QuerySet | None = None) -> int:
    """Achievements still in stock, not yet screened."""
    qs = Achievement.objects.all() if achievements is None else achievements
    return qs.filter(status=Achievement.Status.STOCK).count()


def count_screened_achievements(achievements: QuerySet | None = None) -> int:
    """Achievements sifted out as easy to transfer (everything that left the stock)."""
    qs = Achievement.objects.all() if achievements is None else achievements
    return qs.exclude(status=Achievement.Status.STOCK).count()


def count_pushed_achievements(achievements: QuerySet | None = None) -> int:
    """Distinct achievements pushed to at least one enterprise."""
    qs = Achievement.objects.all() if achievements is None else achievements
    return qs.filter(pk__in=Push.objects.values("achievement_id")).count()


def count_deals_by_kind(deals: QuerySet | None = None) -> dict[str, int]:
    qs = Deal.objects.all() if deals is None else deals
    counts = dict(qs.values_list("kind").annotate(n=Count("id")).order_by())
    return {kind: counts.get(kind, 0) for kind in Deal.Kind.values}


def count_patents_transferred_or_licensed(deals: QuerySet | None = None) -> int:
    """Distinct patents attached to an achievement that was assigned or licensed (专利转让许可数)."""
    qs = Deal.objects.all() if deals is None else deals
    deal_achievements = qs.filter(kind__in=[Deal.Kind.ASSIGNMENT, Deal.Kind.LICENCE]).values("achievement_id")
    links = Patent.achievements.through.objects.filter(achievement_id__in=deal_achievements)
    return Patent.objects.filter(pk__in=links.values("patent_id")).count()


def count_incubated_companies(companies: QuerySet | None = None) -> int:
    qs = IncubatedCompany.objects.all() if companies is None else companies
    return qs.count()


def pool_summary(achievements: QuerySet | None = None) -> dict[str, int]:
    """Stock vs screened, as on the pool page (the seed's 1,400 of 30,000)."""
    qs = Achievement.objects.all() if achievements is None else achievements
    by_status = dict(qs.values_list("status").annotate(n=Count("id")).order_by())
    total = sum(by_status.values())
    stock = by_status.get(Achievement.Status.STOCK, 0)
    return {"total": total, "stock": stock, "screened": total - stock, "by_status": by_status}


# 两围绕: the industry chain with demand and supply on each node.
#
# Demand: enterprises positioned on a node and their live challenges. Supply: achievements
# still available, universities and institutes with a capability there, joint centers and
# incubated companies. The counts are platform-wide (a figure, not a record); the lists of
# `node_detail` hold only what the user may see.

DEMAND_CHALLENGE_STATUSES = ("published", "refined", "open", "awarded", "in_progress", "under_evaluation")
AVAILABLE_ACHIEVEMENT_STATUSES = ("stock", "screened", "pushed", "negotiating")
LIVE_CENTER_STATUSES = ("preparing", "active")


@dataclass
class NodeFigures:
    node: IndustryNode
    enterprises: int = 0
    challenges: int = 0
    capabilities: int = 0
    achievements_stock: int = 0
    achievements_screened: int = 0
    centers: int = 0
    companies: int = 0

    @property
    def achievements(self) -> int:
        return self.achievements_stock + self.achievements_screened

    @property
    def demand(self) -> int:
        return self.enterprises + self.challenges

    @property
    def supply(self) -> int:
        return self.capabilities + self.achievements + self.centers + self.companies

    @property
    def gap(self) -> str | None:
        """'unmet_demand' when a node has demand but no supply, 'unused_supply' for supply without demand."""
        if self.demand and not self.supply:
            return "unmet_demand"
        if self.supply and not self.demand:
            return "unused_supply"
        return None


def _figures_by_node(nodes) -> dict[int, NodeFigures]:
    """The figures of the given nodes: one grouped query per kind of record, whatever the number of nodes."""
    figures = {node.pk: NodeFigures(node) for node in nodes}
    ids = list(figures)
    if not ids:
        return figures
    positions = (Organisation.industry_nodes.through.objects
                 .filter(industrynode_id__in=ids, organisation__kind__in=("enterprise", *ACADEMIC_KINDS))
                 .values_list("industrynode_id", "organisation__kind").annotate(n=Count("organisation_id")).order_by())
    for node_id, kind, n in positions:
        if kind == "enterprise":
            figures[node_id].enterprises += n
        else:
            figures[node_id].capabilities += n
    challenges = (Challenge.objects.filter(industry_node_id__in=ids, status__in=DEMAND_CHALLENGE_STATUSES)
                  .values_list("industry_node_id").annotate(n=Count("id")).order_by())
    for node_id, n in challenges:
        figures[node_id].challenges = n
    achievements = (Achievement.objects.filter(industry_node_id__in=ids, status__in=AVAILABLE_ACHIEVEMENT_STATUSES)
                    .values_list("industry_node_id", "status").annotate(n=Count("id")).order_by())
    for node_id, status, n in achievements:
        if status == Achievement.Status.STOCK:
            figures[node_id].achievements_stock += n
        else:
            figures[node_id].achievements_screened += n
    centers = (JointCenter.industry_nodes.through.objects
               .filter(industrynode_id__in=ids, jointcenter__status__in=LIVE_CENTER_STATUSES)
               .values_list("industrynode_id").annotate(n=Count("jointcenter_id")).order_by())
    for node_id, n in centers:
        figures[node_id].centers = n
    companies = (IncubatedCompany.objects.filter(industry_node_id__in=ids)
                 .exclude(stage=IncubatedCompany.Stage.EXITED)
                 .values_list("industry_node_id").annotate(n=Count("id")).order_by())
    for node_id, n in companies:
        figures[node_id].companies = n
    return figures


def _by_segment(figures: list[NodeFigures]) -> list[tuple[str, str, list[NodeFigures]]]:
    return [(segment, label, [f for f in figures if f.node.segment == segment])
            for segment, label in IndustryNode.Segment.choices]


def chain_overview(chain: IndustryChain) -> dict:
    """One chain: its nodes by segment with demand, supply and gaps, and totals."""
    nodes = list(chain.nodes.all())
    for node in nodes:
        node.chain = chain  # spares a query per node when the node is printed
    figures = list(_figures_by_node(nodes).values())
    return _overview(chain, figures)


SEGMENT_ORDER = {segment: index for index, segment in enumerate(IndustryNode.Segment.values)}


def _overview(chain, figures: list[NodeFigures]) -> dict:
    figures = sorted(figures, key=lambda f: (SEGMENT_ORDER[f.node.segment], f.node.code))
    return {
        "chain": chain,
        "nodes": figures,
        "segments": _by_segment(figures),
        "demand": sum(f.demand for f in figures),
        "supply": sum(f.supply for f in figures),
        "unmet_demand": [f for f in figures if f.gap == "unmet_demand"],
        "unused_supply": [f for f in figures if f.gap == "unused_supply"],
    }


def chains_overview() -> list[dict]:
    """Every chain's overview, with the same number of queries as for one chain."""
    chains = list(IndustryChain.objects.all())
    nodes = list(IndustryNode.objects.filter(chain__in=chains))
    by_chain = {chain.pk: chain for chain in chains}
    for node in nodes:
        node.chain = by_chain[node.chain_id]
    figures = _figures_by_node(nodes)
    return [_overview(chain, [figures[n.pk] for n in nodes if n.chain_id == chain.pk]) for chain in chains]


def node_detail(node: IndustryNode, *, user, limit: int = 50) -> dict:
    """A node's figures (platform-wide) and the records there that `user` may see (at most `limit` of each)."""
    figures = _figures_by_node([node])[node.pk]
    organisations = Organisation.objects.filter(industry_nodes=node).select_related("region").order_by("name_zh")
    return {
        "node": node,
        "figures": figures,
        "enterprises": organisations.filter(kind="enterprise")[:limit],
        "capabilities": organisations.filter(kind__in=ACADEMIC_KINDS)[:limit],
        "challenges": challenges_visible_to(user).filter(industry_node=node)
        .exclude(status__in=["draft", "closed"]).order_by("-created_at", "-id")[:limit],
        "achievements": achievements_visible_to(user).filter(industry_node=node,
                                                             status__in=AVAILABLE_ACHIEVEMENT_STATUSES)
        .order_by("-created_at", "-id")[:limit],
        "centers": centers_visible_to(user).filter(industry_nodes=node, status__in=LIVE_CENTER_STATUSES)[:limit],
        "companies": companies_visible_to(user).filter(industry_node=node)
        .exclude(stage=IncubatedCompany.Stage.EXITED)[:limit],
    }


def count_brokers() -> int:
    """Professional technology brokers (技术经理人) on the platform: people holding the broker role somewhere."""
    return Membership.objects.active().filter(role=Role.BROKER).values("user").distinct().count()


# ---------------------------------------------------------------- income (issue 11)
# Contracts and receipts are read by those who read the deal (the parties, program officers);
# distributions, payouts and revenue splits only by the institution's TTO, the school's brokers and,
# for their own payouts, the people paid (permissions.py explains why).

from decimal import Decimal  # noqa: E402

from django.db.models import Max, Sum  # noqa: E402
from django.db.models.functions import Coalesce  # noqa: E402

from .models import (  # noqa: E402
    AnnualReport,
    Contract,
    ContractTeamShare,
    Distribution,
    DistributionRule,
    EquityHolding,
    Payout,
    Receipt,
)
from .permissions import income_units  # noqa: E402

ZERO = Decimal("0.00")
BAND = Decimal("1000000")  # the national report's band: contracts of ¥1 M and more
# The rule an institution starts with until its TTO edits it (《促进科技成果转化法》: at least 50 % to the team).
DEFAULT_RULE = {"inventors_percent": Decimal("70.00"), "school_percent": Decimal("10.00"),
                "tto_percent": Decimal("5.00"), "university_percent": Decimal("15.00"),
                "inventors_min": Decimal("50.00"), "inventors_max": Decimal("90.00")}
CONTRACT_RELATED = ("institution", "school", "counterparty", "achievement", "deal", "joint_center", "project")


def _income_filter(user, prefix: str = "") -> Q:
    tto, broker_schools = _read_once(user, "income", lambda: income_units(user))
    return (Q(**{f"{prefix}institution_id__in": tto}) | Q(**{f"{prefix}school_id__in": tto})
            | Q(**{f"{prefix}school_id__in": broker_schools}))


def contracts_handled_by(user) -> QuerySet[Contract]:
    qs = Contract.objects.select_related(*CONTRACT_RELATED)
    if is_platform_admin(user):
        return qs
    if not user.is_authenticated:
        return qs.none()
    return qs.filter(_income_filter(user))


def contracts_visible_to(user) -> QuerySet[Contract]:
    """The queryset form of `transfer.view_contract`."""
    qs = Contract.objects.select_related(*CONTRACT_RELATED)
    if not user.is_authenticated:
        return qs.none()
    if is_platform_admin(user) or is_program_officer(user):
        return qs
    return qs.filter(
        _income_filter(user) | Q(counterparty_id__in=_member_of(user))
        | Q(achievement_id__in=_inventor_of(user))
        | Q(pk__in=ContractTeamShare.objects.filter(person_id=user.pk).values("contract_id"))
    )


def receipts_visible_to(user) -> QuerySet[Receipt]:
    return Receipt.objects.filter(contract__in=contracts_visible_to(user).values("pk")).select_related("contract")


def distributions_visible_to(user) -> QuerySet[Distribution]:
    qs = Distribution.objects.select_related("receipt__contract")
    if is_platform_admin(user):
        return qs
    return qs.filter(receipt__contract__in=contracts_handled_by(user).values("pk"))


def payouts_visible_to(user) -> QuerySet[Payout]:
    """Every payout of the contracts the user handles, and the user's own."""
    qs = Payout.objects.select_related("person", "distribution__receipt__contract")
    if not user.is_authenticated:
        return qs.none()
    if is_platform_admin(user):
        return qs
    return qs.filter(Q(distribution__receipt__contract__in=contracts_handled_by(user).values("pk"))
                     | Q(person_id=user.pk))


def with_split_access(deals: QuerySet[Deal], user) -> QuerySet[Deal]:
    """Annotate `split_open`: the queryset form of `transfer.view_revenue_split` for a list of deals."""
    if is_platform_admin(user) or not user.is_authenticated:
        return deals.annotate(split_open=Value(is_platform_admin(user), output_field=BooleanField()))
    tto, broker_schools = _read_once(user, "income", lambda: income_units(user))
    opened = (Q(achievement__owner_id__in=tto) | Q(achievement__owner__parent_id__in=tto)
              | Q(achievement__school_id__in=tto) | Q(achievement__school_id__in=broker_schools)
              | Q(achievement_id__in=_inventor_of(user)))
    return deals.annotate(split_open=Case(When(opened, then=True), default=False, output_field=BooleanField()))


def distribution_rule_of(institution: Organisation) -> DistributionRule:
    """The institution's rule, or the default one (unsaved) until its TTO sets its own."""
    rule = DistributionRule.objects.filter(institution=institution).first()
    return rule or DistributionRule(institution=institution, **DEFAULT_RULE)


def contract_team(contract: Contract) -> list:
    """The people who may be paid from a contract: the achievement's inventors, or the project's lead."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    if contract.achievement_id:
        return list(contract.achievement.inventors.order_by("pk"))
    if contract.project_id:
        return list(User.objects.filter(pk=contract.project.lead_id))
    return []


def contract_received(contract: Contract) -> Decimal:
    return contract.receipts.aggregate(total=Coalesce(Sum("amount"), ZERO))["total"]


def with_received(contracts: QuerySet[Contract]) -> QuerySet[Contract]:
    return contracts.annotate(received=Coalesce(Sum("receipts__amount"), ZERO))


def contract_for_deal_lookup(deal: Deal) -> Contract | None:
    return Contract.objects.filter(deal=deal).first()


def annual_reports_visible_to(user) -> QuerySet[AnnualReport]:
    """TTO staff read their institution's reports; program officers the reports submitted to their agency."""
    qs = AnnualReport.objects.select_related("institution", "submitted_to", "created_by")
    if not user.is_authenticated:
        return qs.none()
    if is_platform_admin(user):
        return qs
    return qs.filter(Q(institution_id__in=_member_of(user, Role.TTO_STAFF))
                     | Q(submitted_to_id__in=_member_of(user, Role.PROGRAM_OFFICER), status=AnnualReport.Status.SUBMITTED))


def annual_report_summary(user, year: int) -> list[AnnualReport]:
    """For a program officer: the latest submitted version of each institution's report for `year`."""
    submitted = annual_reports_visible_to(user).filter(year=year, status=AnnualReport.Status.SUBMITTED)
    latest = submitted.values("institution_id").annotate(v=Max("version"))
    wanted = Q(pk__in=[])
    for row in latest:
        wanted |= Q(institution_id=row["institution_id"], version=row["v"])
    return list(submitted.filter(wanted).order_by("institution__name_zh"))


def _money(value) -> str:
    return str((value or ZERO).quantize(Decimal("0.01")))


def _year_range(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def institution_scope(institution: Organisation) -> list[int]:
    """The institution and its schools."""
    return [institution.pk, *Organisation.objects.filter(parent=institution).values_list("pk", flat=True)]


def _contract_rows(contracts: QuerySet[Contract], year: int, kinds) -> dict:
    """Per kind: contracts signed in the year (count, amount), money received in the year, the ≥ ¥1 M band."""
    start, end = _year_range(year)
    signed = contracts.filter(signed_on__range=(start, end))
    rows = {kind: {"count": 0, "amount": ZERO, "received": ZERO, "band_count": 0, "band_amount": ZERO,
                   "band_received": ZERO} for kind in kinds}
    for kind, n, amount in signed.values_list("kind").annotate(n=Count("id"), a=Sum("amount")).order_by():
        if kind in rows:
            rows[kind].update(count=n, amount=amount or ZERO)
    for kind, n, amount in (signed.filter(amount__gte=BAND).values_list("kind")
                            .annotate(n=Count("id"), a=Sum("amount")).order_by()):
        if kind in rows:
            rows[kind].update(band_count=n, band_amount=amount or ZERO)
    receipts = Receipt.objects.filter(contract__in=contracts.values("pk"), received_on__range=(start, end))
    for kind, amount in receipts.values_list("contract__kind").annotate(a=Sum("amount")).order_by():
        if kind in rows:
            rows[kind]["received"] = amount or ZERO
    for kind, amount in (receipts.filter(contract__amount__gte=BAND).values_list("contract__kind")
                         .annotate(a=Sum("amount")).order_by()):
        if kind in rows:
            rows[kind]["band_received"] = amount or ZERO
    total = {key: sum((row[key] for row in rows.values()), 0 if key.endswith("count") else ZERO)
             for key in ("count", "amount", "received", "band_count", "band_amount", "band_received")}
    as_text = {kind: {k: (v if k.endswith("count") else _money(v)) for k, v in row.items()} for kind, row in rows.items()}
    return {"rows": as_text, "total": {k: (v if k.endswith("count") else _money(v)) for k, v in total.items()}}


def annual_report_figures(institution: Organisation, year: int, progress=None) -> dict:
    """Parts 2–6 of the 科技成果转化年度报告, computed from the records (amounts as strings of Decimal).

    Part 3 and part 4's contracts count contracts signed in the year with their amounts, and the money
    received in the year under any of the institution's contracts (also those signed earlier)."""
    from consortia.models import JointCenter

    step = progress or (lambda _percent: None)
    start, end = _year_range(year)
    scope = institution_scope(institution)
    contracts = Contract.objects.filter(institution=institution)

    patents = Patent.objects.filter(owner_id__in=scope)
    filed = dict(patents.filter(filing_date__range=(start, end)).values_list("patent_type")
                 .annotate(n=Count("id")).order_by())
    granted = dict(patents.filter(grant_date__range=(start, end)).values_list("patent_type")
                   .annotate(n=Count("id")).order_by())
    added = dict(Achievement.objects.filter(owner_id__in=scope, created_at__date__range=(start, end))
                 .values_list("source").annotate(n=Count("id")).order_by())
    part2 = {
        "patents": {t: {"filed": filed.get(t, 0), "granted": granted.get(t, 0)} for t in Patent.Type.values},
        "achievements": {s: added.get(s, 0) for s in Achievement.Source.values},
    }
    part2["patents_total"] = {"filed": sum(filed.values()), "granted": sum(granted.values())}
    part2["achievements_total"] = sum(added.values())
    step(20)

    part3 = _contract_rows(contracts, year, Contract.TRANSFORMATION_KINDS)
    licence_types = dict(contracts.filter(kind=Contract.Kind.LICENCE, signed_on__range=(start, end))
                         .values_list("licence_type").annotate(n=Count("id")).order_by())
    part3["licence_types"] = {t: licence_types.get(t, 0) for t in Contract.LicenceType.values}
    step(40)

    centers = JointCenter.objects.filter(university_id__in=scope)
    roles = dict(Membership.objects.active().filter(organisation_id__in=scope, role__in=TRANSFER_ROLES)
                 .values_list("role").annotate(n=Count("user_id", distinct=True)).order_by())
    companies = IncubatedCompany.objects.filter(spin_off_deal__achievement__owner_id__in=scope)
    holdings = []
    for holding in (EquityHolding.objects.filter(contract__institution=institution, acquired_on__lte=end)
                    .annotate(disposed=Coalesce(Sum("disposals__shares", filter=Q(disposals__disposed_on__lte=end)),
                                                Decimal("0"))).order_by("company_name", "pk")):
        held = holding.shares - holding.disposed
        if held > 0:
            holdings.append({"company": holding.company_name, "shares": str(held)})
    part4 = {
        "centers": {"total": centers.count(), "signed_in_year": centers.filter(agreement_signed_on__range=(start, end)).count()},
        "tto_staff": roles.get(Role.TTO_STAFF, 0), "brokers": roles.get(Role.BROKER, 0),
        "contracts": _contract_rows(contracts, year, Contract.COLLABORATION_KINDS),
        "companies_created": companies.filter(admitted_on__range=(start, end)).count(),
        "companies_held": len(holdings), "holdings": holdings,
    }
    step(60)

    in_year = Distribution.objects.filter(receipt__contract__institution=institution,
                                          receipt__received_on__range=(start, end))
    parts = in_year.aggregate(**{name: Coalesce(Sum(f"{name}_amount"), ZERO)
                                 for name in ("inventors", "school", "tto", "university")})
    payouts = Payout.objects.filter(distribution__in=in_year.values("pk"))
    by_kind = dict(payouts.values_list("kind").annotate(a=Sum("amount")).order_by())
    people = dict(payouts.values_list("kind").annotate(n=Count("person_id", distinct=True)).order_by())
    received = Receipt.objects.filter(contract__institution=institution, received_on__range=(start, end)) \
        .aggregate(total=Coalesce(Sum("amount"), ZERO))["total"]
    part5 = {
        "received": _money(received), **{name: _money(value) for name, value in parts.items()},
        "cash_rewards": _money(by_kind.get(Payout.Kind.CASH)), "equity_rewards": _money(by_kind.get(Payout.Kind.EQUITY)),
        "cash_people": people.get(Payout.Kind.CASH, 0), "equity_people": people.get(Payout.Kind.EQUITY, 0),
        "rewards_total": _money(sum(by_kind.values(), ZERO)),
        "people": payouts.values("person_id").distinct().count(),
    }
    step(80)

    year_receipts = Receipt.objects.filter(contract=OuterRef("pk"), received_on__range=(start, end))
    listed = (contracts.filter(Q(signed_on__range=(start, end)) | Q(Exists(year_receipts)))
              .select_related("counterparty")
              .annotate(received=Coalesce(Sum("receipts__amount", filter=Q(receipts__received_on__range=(start, end))),
                                          ZERO))
              .order_by("signed_on", "pk"))
    part6 = [{"id": c.pk, "title": c.title, "kind": c.kind, "licence_type": c.licence_type,
              "counterparty": c.counterparty.name_zh if c.counterparty_id else "", "amount": _money(c.amount),
              "received": _money(c.received), "signed_on": c.signed_on.isoformat(),
              "registration_number": c.registration_number} for c in listed]
    empty = not (part2["patents_total"]["filed"] or part2["patents_total"]["granted"] or part2["achievements_total"]
                 or part6 or part4["centers"]["total"] or holdings)
    step(100)
    return {"year": year, "part2": part2, "part3": part3, "part4": part4, "part5": part5, "part6": part6,
            "empty": empty}


def achievement_lineage(achievement: Achievement, *, user) -> dict:
    """One achievement's path, each step as the user may see it: patents → deals and contracts → receipts
    and payouts → spin-off companies → fund investments into them (funds' own selector decides those)."""
    from funds.selectors import investments_visible_to

    contracts = list(with_received(contracts_visible_to(user).filter(achievement=achievement)).order_by("signed_on", "pk"))
    handled = set(contracts_handled_by(user).filter(achievement=achievement).values_list("pk", flat=True))
    deals = list(deals_visible_to(user).filter(achievement=achievement).order_by("signed_on", "pk"))
    companies = list(companies_visible_to(user).filter(Q(achievements=achievement)
                                                       | Q(spin_off_deal__achievement=achievement)).distinct())
    payouts = list(payouts_visible_to(user).filter(distribution__receipt__contract__achievement=achievement)
                   .order_by("distribution__receipt__received_on", "pk"))
    return {
        "achievement": achievement,
        "patents": list(achievement.patents.order_by("filing_date", "pk")),
        "deals": deals,
        "contracts": contracts,
        "handled": handled,
        "receipts": list(Receipt.objects.filter(contract__in=[c.pk for c in contracts])
                         .select_related("contract").order_by("received_on", "pk")),
        "payouts": payouts,
        "payout_total": sum((p.amount for p in payouts), ZERO),
        "companies": companies,
        "investments": list(investments_visible_to(user).filter(company__in=[c.pk for c in companies])
                            .order_by("invested_on", "pk")),
    }


def screening_candidates(user, *, min_trl=None, max_trl=None, school=None, field=None, node=None) -> QuerySet:
    """The screening queue narrowed by TRL, school, field and chain node (batch screening)."""
    qs = screening_queue(user).select_related("field")
    if min_trl:
        qs = qs.filter(trl__gte=min_trl)
    if max_trl:
        qs = qs.filter(trl__lte=max_trl)
    if school:
        qs = qs.filter(school=school)
    if field:
        qs = qs.filter(Q(field=field) | Q(field__parent=field))
    if node:
        qs = qs.filter(industry_node=node)
    return qs


KPI_GROUPS = ("school", "broker")


def transfer_kpis(user, by: str = "school") -> list[dict]:
    """Per school, or per broker (the achievement's technology broker, else whoever screened it), of the
    achievements the user manages: screened, pushes, answered pushes (response rate), deals, money received and
    the median days from screening to a signed deal. Grouped queries, one per figure, whatever the number of
    schools or brokers."""
    if by not in KPI_GROUPS:
        raise ValueError(by)
    managed = achievements_managed_by(user).annotate(
        kpi_group=F("school_id") if by == "school" else Coalesce("broker_id", "screened_by_id"))
    keys = managed.values("kpi_group")
    if by == "school":
        names = dict(Organisation.objects.filter(pk__in=keys).values_list("pk", "name_zh"))
    else:
        names = {u.pk: u.get_full_name() or u.username for u in get_user_model().objects.filter(pk__in=keys)}
    rows = {pk: {"name": name, "screened": 0, "pushes": 0, "answered": 0, "deals": 0, "received": ZERO,
                 "days_to_deal": None} for pk, name in names.items()}
    group_of = dict(managed.values_list("pk", "kpi_group"))

    def add(pairs, key):
        for achievement, value in pairs:
            row = rows.get(group_of.get(achievement))
            if row is not None:
                row[key] += value

    for key, n in (managed.exclude(status=Achievement.Status.STOCK).values_list("kpi_group")
                   .annotate(n=Count("id")).order_by()):
        if key in rows:
            rows[key]["screened"] = n
    pushes = (Push.objects.filter(achievement__in=managed.values("pk")).values_list("achievement_id")
              .annotate(n=Count("id"), a=Count("id", filter=~Q(status__in=("pushed", "viewed")))).order_by())
    for achievement, n, answered in pushes:
        add([(achievement, n)], "pushes")
        add([(achievement, answered)], "answered")
    deals = list(Deal.objects.filter(achievement__in=managed.values("pk"))
                 .values_list("achievement_id", "signed_on", "achievement__screened_at"))
    add([(achievement, 1) for achievement, _signed, _screened in deals], "deals")
    add(Receipt.objects.filter(contract__achievement__in=managed.values("pk")).values_list("contract__achievement_id")
        .annotate(a=Sum("amount")).order_by(), "received")
    waits: dict[int, list[int]] = {}
    for achievement, signed, screened in deals:
        if screened is not None and group_of.get(achievement) in rows:
            waits.setdefault(group_of[achievement], []).append((signed - timezone.localdate(screened)).days)
    for pk, row in rows.items():
        row["response_rate"] = round(100 * row["answered"] / row["pushes"]) if row["pushes"] else None
        if waits.get(pk):
            row["days_to_deal"] = max(0, round(statistics.median(waits[pk])))
    return sorted(rows.values(), key=lambda r: (-r["deals"], -r["received"], r["name"]))


def owner_organisations_for(user) -> QuerySet[Organisation]:
    """Organisations the user may name as an achievement's or patent's owner: where he is TTO staff or broker
    (and their schools); any, for platform staff (issue 12 §4: writes reach only what the writer acts for)."""
    if is_platform_admin(user):
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=transfer_organisation_ids(user))

def reporting_records() -> dict:
    """Every record of this app the reporting app aggregates and lists (issue 10): unscoped and read-only.
    Reporting applies its own scope (program officers read across organisations, leaders their own) and
    reads only non-confidential fields."""
    return {"achievement": Achievement.objects.all(), "patent": Patent.objects.all(), "push": Push.objects.all(),
            "deal": Deal.objects.all(), "company": IncubatedCompany.objects.all(),
            "patent_achievement": Patent.achievements.through.objects.all()}


def transfer_performance_of(user) -> dict:
    """A researcher's record in technology transfer: achievements he invented, how many were converted (a deal
    signed), the money received under their contracts, and the rewards paid or due to him (cash and equity).
    Read by the talent profile's performance record; the caller decides who may see it."""
    invented = Achievement.objects.filter(inventors=user)
    received = (Receipt.objects.filter(contract__achievement__in=invented.values("pk"))
                .aggregate(total=Coalesce(Sum("amount"), ZERO))["total"])
    rewards = dict(Payout.objects.filter(person=user).values_list("kind").annotate(a=Sum("amount")).order_by())
    return {
        "achievements": invented.count(),
        "converted": invented.filter(deals__isnull=False).distinct().count(),
        "received": received,
        "cash_rewards": rewards.get(Payout.Kind.CASH, ZERO),
        "equity_rewards": rewards.get(Payout.Kind.EQUITY, ZERO),
    }
