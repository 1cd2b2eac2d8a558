"""Reads of the challenge → project chain, the parties that sign, and the hand-over to transfer."""
from django.contrib.auth import get_user_model
from django.db.models import Avg, Count, ExpressionWrapper, F, FloatField, Prefetch, Q, Value
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from consortia.models import CenterMember
from consortia.selectors import center_side_for_organisation, center_side_party, organisation_party
from platform_core.models import Membership, Organisation, Role
from platform_core.permissions import is_platform_admin
from platform_core.signoff import PartySpec, signoffs_for

from .conflicts import conflicted_calls
from .models import Bid, BidMember, Call, CallQuestion, Challenge, Milestone, PanelMember, Project, Undertaking
from .permissions import BIDDER_KINDS_BY_MODE, BIDDER_ROLES, CENTER_LEADERS, MANAGING_ROLES, POSTER_KINDS


def _managed_org_ids(user):
    return Membership.objects.active().filter(user=user, role__in=MANAGING_ROLES).values("organisation_id")


def _side_filter(user) -> Q:
    """Q over challenges where the user is on the poster or partner side (managers and center leaders).

    Built from id subqueries, not joins, so that it can be ORed with other conditions without
    duplicating rows (no DISTINCT) and each subquery is evaluated once.
    """
    managed = _managed_org_ids(user)
    led_centers = CenterMember.objects.filter(user=user, position__in=CENTER_LEADERS).values("center_id")
    return (Q(posted_by=user) | Q(poster_id__in=managed)
            | Q(poster_id__in=Organisation.objects.filter(parent_id__in=managed).values("pk"))
            | Q(partner_id__in=managed) | Q(center_id__in=led_centers))


def _side_challenges(user):
    return Challenge.objects.filter(_side_filter(user)).values("pk")


def challenges_visible_to(user):
    """Published challenges are public to signed-in users; drafts only to the two sides."""
    if not user.is_authenticated:
        return Challenge.objects.none()
    qs = Challenge.objects.select_related("poster", "partner", "center", "industry_node__chain", "field",
                                          "posted_by")
    if is_platform_admin(user):
        return qs
    member_centers = CenterMember.objects.filter(user=user).values("center_id")
    return qs.filter(~Q(status=Challenge.Status.DRAFT) | _side_filter(user) | Q(center_id__in=member_centers))


def challenge_with_chain(user):
    """Visible challenges with their topic, call (and its panel) and project, for a detail page."""
    return challenges_visible_to(user).select_related("topic", "call").prefetch_related("projects",
        Prefetch("call__panel", queryset=PanelMember.objects.select_related("user", "organisation")))


def attachments_visible_to(user, challenge: Challenge):
    """Public attachments to anyone who sees the challenge; confidential ones only with access to the detail."""
    attachments = challenge.attachments.all()
    if user.has_perm("projects.view_confidential", challenge):
        return attachments
    return attachments.filter(is_confidential=False)


def challenge_list(user, *, query: str = "", status: str = "", mode: str = "", node=None, field=None,
                   trl: int | None = None, poster=None):
    challenges = challenges_visible_to(user)
    if query:
        challenges = challenges.filter(Q(title_zh__icontains=query) | Q(title_en__icontains=query)
                                       | Q(summary_zh__icontains=query) | Q(summary_en__icontains=query)
                                       | Q(poster__name_zh__icontains=query))
    if status:
        challenges = challenges.filter(status=status)
    if mode:
        challenges = challenges.filter(mode=mode)
    if node:
        challenges = challenges.filter(industry_node=node)
    if field:
        challenges = challenges.filter(field=field)
    if trl:
        challenges = challenges.filter(current_trl__lte=trl, target_trl__gte=trl)
    if poster:
        challenges = challenges.filter(poster=poster)
    return challenges


def bidding_organisations(user, challenge: Challenge):
    """Organisations the user may lead a bid for on this challenge (not a school, never the poster)."""
    memberships = Membership.objects.active().filter(user=user, role__in=BIDDER_ROLES)
    return Organisation.objects.filter(
        Q(pk__in=memberships.values("organisation_id")) | Q(pk__in=memberships.values("organisation__parent_id")),
        kind__in=BIDDER_KINDS_BY_MODE[challenge.mode], parent__isnull=True,
    ).exclude(pk=challenge.poster_id)


# Who may sit on a bid's team in each role: people of the bidding organisation (or its schools)
# holding one of these roles there; brokers, TTO staff and administrators are not team material.
TEAM_ROLES = {
    BidMember.Role.MEMBER: (Role.RESEARCHER, Role.RD_MANAGER, Role.MENTOR),
    BidMember.Role.STUDENT: (Role.STUDENT,),
}


def team_candidates(organisations, role: str):
    """Users who may join a bid for one of `organisations` as `role` (a BidMember.Role in TEAM_ROLES)."""
    units = Organisation.objects.filter(Q(pk__in=organisations) | Q(parent__in=organisations)).values("pk")
    memberships = Membership.objects.active().filter(organisation__in=units, role__in=TEAM_ROLES[role])
    return get_user_model().objects.filter(pk__in=memberships.values("user_id")).order_by("username", "pk")


def challenges_posted_by_side(user):
    if not user.is_authenticated:
        return Challenge.objects.none()
    return Challenge.objects.filter(Q(posted_by=user) | Q(poster_id__in=_managed_org_ids(user))).select_related(
        "poster")


def open_challenges_for(user):
    return challenges_visible_to(user).filter(status=Challenge.Status.OPEN, call__closes_on__gte=timezone.localdate())


def _team_bids(user):
    return BidMember.objects.filter(user=user).values("bid_id")


def _reviewed_calls(user):
    """Calls on challenges of the user's side, or whose panel the user sits on, unless conflicted in them."""
    return (Call.objects.filter(Q(challenge_id__in=_side_challenges(user)) | Q(
        pk__in=PanelMember.objects.filter(user=user, is_outside_expert=False).values("call_id")))
            .exclude(pk__in=conflicted_calls(user)).values("pk"))


def _assigned_bids(user):
    """Bids assigned to the user as an outside expert (who sees only what they review), unless conflicted."""
    return (Bid.objects.filter(assigned_experts__user=user).exclude(call_id__in=conflicted_calls(user))
            .values("pk"))


def bids_visible_to(user):
    if not user.is_authenticated:
        return Bid.objects.none()
    qs = Bid.objects.select_related("call__challenge__poster", "organisation", "lead")
    if is_platform_admin(user):
        return qs
    return qs.filter(Q(lead=user) | Q(pk__in=_team_bids(user)) | Q(call_id__in=_reviewed_calls(user))
                     | Q(pk__in=_assigned_bids(user)))


def bids_on_panels_of(user):
    """Bids of the calls whose panel the user sits on: what a panel member may declare a stake in."""
    if not user.is_authenticated:
        return Bid.objects.none()
    return Bid.objects.filter(call_id__in=PanelMember.objects.filter(user=user).values("call_id")).select_related(
        "call__challenge")


def bids_to_review(user):
    """Bids on challenges the user manages, or sits on the panel of, while the call is not yet awarded."""
    return (Bid.objects.filter(Q(call_id__in=_reviewed_calls(user)) | Q(pk__in=_assigned_bids(user)),
                               status=Bid.Status.SUBMITTED,
                               call__status__in=[Call.Status.OPEN, Call.Status.CLOSED])
            .select_related("call__challenge", "organisation", "lead"))


def my_bids(user):
    return Bid.objects.filter(Q(lead=user) | Q(pk__in=_team_bids(user))).select_related(
        "call__challenge", "organisation")


def projects_visible_to(user):
    if not user.is_authenticated:
        return Project.objects.none()
    qs = Project.objects.select_related("challenge", "sponsor", "performer", "lead")
    if is_platform_admin(user):
        return qs
    return qs.filter(Q(lead=user) | Q(bid_id__in=_team_bids(user)) | Q(performer_id__in=_managed_org_ids(user))
                     | Q(challenge_id__in=_side_challenges(user)))


def my_projects(user):
    return Project.objects.filter(Q(lead=user) | Q(bid_id__in=_team_bids(user))).select_related(
        "challenge", "sponsor", "performer")


def milestones_due(user, within_days: int = 30, projects=None):
    """Open milestones due within the window, of `projects` (default: the projects the user sees)."""
    horizon = timezone.localdate() + timezone.timedelta(days=within_days)
    projects = projects_visible_to(user) if projects is None else projects
    return (Milestone.objects.filter(project__in=projects.values("pk"), due_on__lte=horizon)
            .exclude(status=Milestone.Status.ACCEPTED).select_related("project").order_by("due_on", "id"))


def undertakings_visible_to(user):
    """The user's own undertakings and those on challenges of their posting side."""
    if not user.is_authenticated:
        return Undertaking.objects.none()
    return Undertaking.objects.filter(
        Q(user=user) | Q(challenge__in=challenges_posted_by_side(user).values("pk"))).select_related("user")


def undertakings_to_decide(user):
    managed = _managed_org_ids(user)
    return Undertaking.objects.filter(Q(challenge__posted_by=user) | Q(challenge__poster_id__in=managed),
                                      status=Undertaking.Status.REQUESTED).select_related("challenge", "user")


def calls_visible_to(user):
    """Calls on the challenges the user may see."""
    return Call.objects.filter(challenge__in=challenges_visible_to(user).values("pk"))


def conflict_declarations_visible_to(user, call: Call):
    """Declarations on a call: all of them to the two sides; the team's own to a team; one's own to the declarant."""
    declarations = call.conflicts.select_related("user", "bid")
    challenge = call.challenge
    if is_platform_admin(user) or user.has_perm("projects.refine_challenge", challenge):
        return declarations
    return declarations.filter(Q(user=user) | Q(bid__lead=user) | Q(bid_id__in=_team_bids(user)))


def questions_visible_to(user):
    """Questions on calls: one's own, all on calls of one's side, and the ones answered to all bidders."""
    if not user.is_authenticated:
        return CallQuestion.objects.none()
    qs = CallQuestion.objects.select_related("call__challenge__poster", "call__challenge__partner",
                                             "call__challenge__center", "asked_by", "answered_by")
    if is_platform_admin(user):
        return qs
    return qs.filter(Q(asked_by=user) | Q(call__challenge_id__in=_side_challenges(user))
                     | Q(is_public=True, answered_at__isnull=False,
                         call__challenge_id__in=challenges_visible_to(user).values("pk")))


def may_ask_questions(user, call: Call) -> bool:
    """A team that may bid on this open call (or has), before questions close; the page asks this."""
    last_day = call.questions_close_on or call.closes_on
    return (call.status == Call.Status.OPEN and last_day >= timezone.localdate()
            and (bidding_organisations(user, call.challenge).exists()
                 or call.bids.filter(Q(lead=user) | Q(members__user=user)).exists()))


def ranked_bids(call: Call):
    """Bids with their panel's mean weighted score, best first.

    In a staged review the score is the stages' means (expert review, defence) weighted as the call's rules say.
    """
    bids = call.bids.exclude(status=Bid.Status.WITHDRAWN).select_related("organisation", "lead")
    if not call.stage_rules:
        return bids.annotate(mean_score=Avg("scores__total"), score_count=Count("scores")).order_by(
            "-mean_score", "submitted_at", "id")
    weights = {stage: rule["weight"] for stage, rule in call.stage_rules.items()}
    means = {f"{stage}_mean": Avg(Cast("scores__total", FloatField()), filter=Q(scores__stage=stage))
             for stage in weights}
    combined = sum((Coalesce(F(f"{stage}_mean"), Value(0.0)) * Value(weight / 100) for stage, weight in weights.items()),
                   Value(0.0))
    return (bids.annotate(score_count=Count("scores"), **means)
            .annotate(mean_score=ExpressionWrapper(combined, output_field=FloatField()))
            .order_by("-shortlisted", "-mean_score", "submitted_at", "id"))


def matched_funding(project: Project) -> dict:
    """Government money of a project: the agency's commitment, and under the call's 1+1 rule the public share
    the enterprise's commitments allow (min(ratio × enterprise committed, cap, the commitment))."""
    from decimal import Decimal

    from funds.models import FundingCommitment, Tranche

    call = project.challenge.call
    commitments = FundingCommitment.objects.filter(project=project)
    public = commitments.filter(kind=FundingCommitment.Kind.GOVERNMENT_SUBSIDY,
                                source_id=project.challenge.poster_id).first()
    enterprise = sum(commitments.filter(kind=FundingCommitment.Kind.ENTERPRISE_RD).values_list("amount", flat=True),
                     Decimal(0))
    scheduled = sum(Tranche.objects.filter(commitment=public).values_list("amount", flat=True), Decimal(0)) \
        if public else Decimal(0)
    rule = call.match_ratio is not None
    share = None
    if public is not None:
        share = min(enterprise * call.match_ratio, call.match_cap, public.amount) if rule else public.amount
    return {"commitment": public, "rule": rule, "ratio": call.match_ratio, "cap": call.match_cap,
            "enterprise": enterprise, "public_share": share, "scheduled": scheduled}


def count_by_status(queryset) -> dict[str, int]:
    """{status: number of rows} of a queryset, in one query."""
    return dict(queryset.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n"))


def challenge_funnel():
    """Counts by status: the challenge → bid → project → solved funnel reporting uses."""
    return count_by_status(Challenge.objects.all())


# Who signs


def side_party(challenge: Challenge, organisation, label: str) -> PartySpec:
    """One side of a dual sign-off on this challenge's chain.

    Inside a joint center, that side's director and chief scientist sign (see
    consortia.selectors.center_side_signatories). Outside a center, the organisation's
    org admins sign; for the posting side, the person who posted the challenge also may.
    """
    center = challenge.center
    side = center_side_for_organisation(center, organisation) if center else None
    if side:
        return center_side_party(center, side, label)
    poster = [challenge.posted_by] if organisation.pk == challenge.poster_id else []
    return organisation_party(organisation, label, also=poster)


def refinement_parties(challenge: Challenge) -> list[PartySpec]:
    """Topic approval and award: the poster and the co-refining partner."""
    return [side_party(challenge, challenge.poster, _("Posting side")),
            side_party(challenge, challenge.partner, _("Partner side"))]


def delivery_parties(project: Project) -> list[PartySpec]:
    """Milestone acceptance, budget change and final evaluation: sponsor and performing team's organisation."""
    challenge = project.challenge
    return [side_party(challenge, project.sponsor, _("Sponsor side")),
            side_party(challenge, project.performer, _("Performing side"))]


def project_signoffs(project: Project, milestones):
    """The sign-offs on a project and on its milestones (acceptances), read together."""
    from django.contrib.contenttypes.models import ContentType

    from platform_core.models import SignoffRequest

    on_milestones = SignoffRequest.objects.filter(target_type=ContentType.objects.get_for_model(Milestone),
                                                  target_id__in=[str(m.pk) for m in milestones])
    return signoffs_for(project) | on_milestones


def can_sign_for(user, party: PartySpec) -> bool:
    return any(u.pk == user.pk for u in party.signatories)


def evaluation_side_of(user, project: Project):
    """The organisation the user may evaluate for (sponsor or performer), or None."""
    for party in delivery_parties(project):
        if can_sign_for(user, party):
            return party.organisation
    return None


def challenge_has_pending_signoff(challenge: Challenge) -> bool:
    from platform_core.models import SignoffRequest
    from django.contrib.contenttypes.models import ContentType

    targets = [(challenge, "projects.topic_approval"), (getattr(challenge, "call", None), "projects.bid_award")]
    for target, kind in targets:
        if target is not None and SignoffRequest.objects.filter(
            kind=kind, status="pending", target_type=ContentType.objects.get_for_model(target),
            target_id=str(target.pk),
        ).exists():
            return True
    return False


# Hand-over to the achievement pool (used by the transfer app; no import of transfer here).


def project_result_for_transfer(project: Project) -> dict:
    """What the transfer app needs to put a solved project's result into the achievement pool.

    Returns a plain dict (no model instances of this app leak out):
    ``title``, ``abstract``, ``owners`` (organisation ids: sponsor and performer),
    ``inventors`` (user ids: lead PI first, then team members), ``field`` (TechField id or None),
    ``industry_node`` (IndustryNode id or None), ``trl`` (current TRL), ``project_id``,
    ``challenge_id``, ``solved_on``. Raises ValueError if the project is not solved.
    """
    if project.status != Project.Status.SOLVED:
        raise ValueError("Only a solved project can hand its result to the achievement pool.")
    challenge = project.challenge
    team = [m.user_id for m in project.bid.members.all() if m.user_id != project.lead_id]
    return {
        "project_id": project.pk,
        "challenge_id": challenge.pk,
        "title": project.title,
        "abstract": project.result_abstract or challenge.summary_zh,
        "owners": [project.sponsor_id, project.performer_id],
        "inventors": [project.lead_id, *team],
        "field": challenge.field_id,
        "industry_node": challenge.industry_node_id,
        "trl": project.current_trl,
        "solved_on": project.finished_on,
    }


def solved_projects_for_transfer():
    """Solved projects, newest first: the transfer app iterates these and calls project_result_for_transfer."""
    return Project.objects.filter(status=Project.Status.SOLVED).select_related("challenge", "bid").order_by(
        "-finished_on", "-pk")


# What a writer may name in a related field (issue 12 §4): forms and API offer these rows only.


def posting_organisations(user):
    """Organisations the user may post a challenge for: a managing role there or in its university."""
    if is_platform_admin(user):
        return Organisation.objects.all()
    managed = _managed_org_ids(user)
    return Organisation.objects.filter(Q(pk__in=managed) | Q(parent_id__in=managed), kind__in=POSTER_KINDS)


def bidder_organisations(user):
    """Organisations the user may lead a bid for, on any call (the service narrows them to the call's mode)."""
    memberships = Membership.objects.active().filter(user=user, role__in=BIDDER_ROLES)
    return Organisation.objects.filter(
        Q(pk__in=memberships.values("organisation_id")) | Q(pk__in=memberships.values("organisation__parent_id")),
        parent__isnull=True)

def reporting_records() -> dict:
    """Every record of this app the reporting app aggregates and lists (issue 10): unscoped and read-only.
    Reporting applies its own scope (program officers read across organisations, leaders their own) and
    reads only non-confidential fields."""
    from .models import Topic

    return {"challenge": Challenge.objects.all(), "topic": Topic.objects.all(), "bid": Bid.objects.all(),
            "project": Project.objects.all(), "milestone": Milestone.objects.all()}


def project_performance_of(user) -> dict:
    """A researcher's record in 揭榜挂帅 projects (seed 003, for evaluation and rewards): the projects he led or
    worked on as a team member, how many were solved, the TRL uplift of the solved ones and the sides' average
    milestone-assessment score; one row per project (its team). Read by the talent profile's performance
    record; the caller decides who may see it."""
    from .models import MilestoneAssessment

    projects = (Project.objects.filter(Q(lead=user) | Q(bid__members__user=user)).distinct()
                .select_related("challenge", "performer")
                .annotate(assessment_mean=Avg("milestones__assessments__score"),
                          assessments=Count("milestones__assessments", distinct=True))
                .order_by("-created_at", "-id"))
    rows = [{"project": p, "led": p.lead_id == user.pk, "uplift": p.current_trl - p.start_trl,
             "assessment_mean": round(p.assessment_mean, 1) if p.assessment_mean is not None else None}
            for p in projects]
    solved = [r for r in rows if r["project"].status == Project.Status.SOLVED]
    scores = MilestoneAssessment.objects.filter(milestone__project__in=[r["project"].pk for r in rows])
    return {
        "projects": rows,
        "led": sum(1 for r in rows if r["led"]),
        "solved": len(solved),
        "in_progress": sum(1 for r in rows if r["project"].status == Project.Status.IN_PROGRESS),
        "trl_uplift": sum(r["uplift"] for r in solved),
        "assessment_mean": (round(v, 1) if (v := scores.aggregate(m=Avg("score"))["m"]) is not None else None),
        "assessments_failed": scores.filter(verdict=MilestoneAssessment.Verdict.FAIL).count(),
    }


def documents_visible_to(user):
    """Documents whose record the user may read: the call's templates by readers of the challenge, a proposal by
    readers of the bid (its team, the posting side's reviewers without a stake, the outside experts it is
    assigned to), deliverables and evaluation reports by the project's participants."""
    from .models import Document

    if not user.is_authenticated:
        return Document.objects.none()
    projects = projects_visible_to(user).values("pk")
    return Document.objects.filter(
        Q(call__challenge__in=challenges_visible_to(user).values("pk")) | Q(bid__in=bids_visible_to(user).values("pk"))
        | Q(milestone__project__in=projects) | Q(project__in=projects))


def document_owners_visible_to(user, owner: str):
    """The records of one kind (`call`, `bid`, `milestone`, `project`: Document.OWNER) a user may add a file to,
    among those he may see; the service decides whether he may add it."""
    if owner == "call":
        return calls_visible_to(user).select_related("challenge")
    if owner == "bid":
        return bids_visible_to(user)
    if owner == "milestone":
        return Milestone.objects.filter(project__in=projects_visible_to(user)).select_related("project")
    return projects_visible_to(user)
