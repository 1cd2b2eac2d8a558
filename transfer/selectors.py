"""Reads of technology transfer: rows a user may see, work queues and dashboard counts.

The `*_visible_to` selectors are the queryset form of the rules in `permissions.py`.
"""
import datetime
from dataclasses import dataclass

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
    """Granted patents whose next annual fee falls due within `days_ahead` and was not yet announced."""
    return Patent.objects.filter(
        legal_status=Patent.LegalStatus.GRANTED, next_fee_due__gte=today,
        next_fee_due__lte=today + datetime.timedelta(days=days_ahead),
    ).exclude(fee_reminder_sent_for=F("next_fee_due"))


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


def reporting_records() -> dict:
    """Every record of this app the reporting app aggregates and lists (issue 10): unscoped and read-only.
    Reporting applies its own scope (program officers read across organisations, leaders their own) and
    reads only non-confidential fields."""
    return {"achievement": Achievement.objects.all(), "patent": Patent.objects.all(), "push": Push.objects.all(),
            "deal": Deal.objects.all(), "company": IncubatedCompany.objects.all(),
            "patent_achievement": Patent.achievements.through.objects.all()}
