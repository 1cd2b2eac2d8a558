"""企业出题 → 校企共同凝练课题 → 揭榜挂帅领题 → 师生共同答题 → 校企共同评价.

Challenge (posted by an enterprise, university/institute or government agency) →
Topic (refined jointly, dual sign-off) → Call (揭榜挂帅: bids, panel scores, award by
dual sign-off) → Project (milestones accepted by dual sign-off, TRL progression) →
joint Evaluation (both sides score; final decision by dual sign-off).
The state machine lives in projects/services.py.
"""
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _, pgettext_lazy
from simple_history.models import HistoricalRecords

from consortia.models import JointCenter
from platform_core.models import IndustryNode, Organisation, TechField

MONEY = {"max_digits": 16, "decimal_places": 2}


def trl_range(field: str) -> Q:
    return Q(**{f"{field}__gte": 1, f"{field}__lte": 9})


class Mode(models.TextChoices):
    """Seed 003: who sets the direction and posts the call."""

    ENTERPRISE_LED = "enterprise_led", _("Enterprise-led")
    UNIVERSITY_LED = "university_led", _("University-led")
    GOVERNMENT_LED = "government_led", _("Government-led")


class Challenge(models.Model):
    """企业出题: a technical problem with a public summary and a confidential detail."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        REFINED = "refined", _("Topic refined")
        OPEN = "open", _("Open for bids")
        AWARDED = "awarded", _("Awarded")
        IN_PROGRESS = "in_progress", _("In progress")
        UNDER_EVALUATION = "under_evaluation", _("Under evaluation")
        SOLVED = "solved", _("Solved")
        CLOSED = "closed", _("Closed")

    poster = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="challenges",
                               verbose_name=_("posting organisation"))
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices, default=Mode.ENTERPRISE_LED)
    center = models.ForeignKey(JointCenter, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="challenges", verbose_name=_("joint center"))
    partner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="partner_challenges",
        verbose_name=_("co-refining partner"),
        help_text=_("The other side that refines the topic and co-signs; the center's other side by default."),
    )
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="challenges",
                                  verbose_name=_("posted by"))
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    summary_zh = models.TextField(_("public summary (Chinese)"))
    summary_en = models.TextField(_("public summary (English)"), blank=True)
    confidential_detail = models.TextField(
        _("confidential detail"), blank=True,
        help_text=_("Visible only to the posting side, its center partners and teams whose "
                    "confidentiality undertaking was accepted."),
    )
    industry_node = models.ForeignKey(IndustryNode, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="challenges", verbose_name=_("industry-chain node"))
    field = models.ForeignKey(TechField, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="challenges", verbose_name=_("technology field"))
    current_trl = models.PositiveSmallIntegerField(_("current TRL"), default=1)
    target_trl = models.PositiveSmallIntegerField(_("target TRL"), default=4)
    budget_min = models.DecimalField(_("budget from (CNY)"), default=0, **MONEY)
    budget_max = models.DecimalField(_("budget up to (CNY)"), default=0, **MONEY)
    subsidy = models.DecimalField(_("government subsidy (CNY)"), default=0, **MONEY,
                                  help_text=_("Government-led calls: the subsidy the agency grants."))
    terms = models.TextField(_("terms of the call"), blank=True)
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["-created_at", "-id"], name="challenge_newest_first"),
                   models.Index(fields=["status", "-created_at", "-id"], name="challenge_status_newest_first")]
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        constraints = [
            models.CheckConstraint(condition=trl_range("current_trl"), name="challenge_current_trl_1_9"),
            models.CheckConstraint(condition=trl_range("target_trl"), name="challenge_target_trl_1_9"),
            models.CheckConstraint(condition=Q(target_trl__gte=F("current_trl")), name="challenge_target_trl_ge"),
            models.CheckConstraint(condition=Q(budget_min__gte=0) & Q(subsidy__gte=0),
                                   name="challenge_money_not_negative"),
            models.CheckConstraint(condition=Q(budget_max__gte=F("budget_min")), name="challenge_budget_ordered"),
        ]

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "").startswith("en") and self.title_en:
            return self.title_en
        return self.title_zh

    @property
    def summary(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "").startswith("en") and self.summary_en:
            return self.summary_en
        return self.summary_zh

    @property
    def project(self):
        """The challenge's project: the one still running after a stage gate (赛马制), else the first; or None.

        Reads a `prefetch_related("projects")` when there is one.
        """
        projects = sorted(self.projects.all(), key=lambda p: p.pk)
        live = [p for p in projects if p.status != "closed"]
        return (live or projects or [None])[0]


class ChallengeAttachment(models.Model):
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="attachments",
                                  verbose_name=_("challenge"))
    file = models.FileField(_("file"), upload_to="challenges/%Y/%m/")
    description = models.CharField(pgettext_lazy("attachment", "description"), max_length=200, blank=True)
    is_confidential = models.BooleanField(_("confidential"), default=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.description or self.file.name


class Undertaking(models.Model):
    """保密承诺: a researcher's confidentiality undertaking, accepted or declined by the poster."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="undertakings",
                                  verbose_name=_("challenge"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="undertakings",
                             verbose_name=_("signed by"))
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("on behalf of"))
    statement = models.TextField(_("undertaking"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("confidentiality undertaking")
        verbose_name_plural = _("confidentiality undertakings")
        constraints = [models.UniqueConstraint(fields=["challenge", "user"], name="undertaking_one_per_user")]

    def __str__(self):
        return f"{self.user} · {self.challenge}"


class Topic(models.Model):
    """校企共同凝练课题: the refined research topic, approved by dual sign-off."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING = "pending", _("Awaiting signatures")
        APPROVED = "approved", _("Approved")

    challenge = models.OneToOneField(Challenge, on_delete=models.CASCADE, related_name="topic",
                                     verbose_name=_("challenge"))
    title = models.CharField(_("topic title"), max_length=200)
    objectives = models.TextField(_("objectives"))
    deliverables = models.TextField(_("expected deliverables"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("drafted by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.title


class Call(models.Model):
    """揭榜挂帅: the open call on a refined topic."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open for bids")
        CLOSED = "closed", _("Closed, under review")
        AWARDED = "awarded", _("Awarded")

    class Stage(models.TextChoices):
        """Staged review (projects.services.CALL_STAGES); a call without stage rules has one scoring round."""

        BIDDING = "bidding", _("Bidding")
        FORMAL_CHECK = "formal_check", _("Formal check")
        EXPERT_REVIEW = "expert_review", _("Expert review")
        DEFENCE = "defence", _("Defence")
        AWARD = "award", pgettext_lazy("review stage", "Award")

    challenge = models.OneToOneField(Challenge, on_delete=models.CASCADE, related_name="call",
                                     verbose_name=_("challenge"))
    criteria = models.JSONField(_("scoring criteria"), default=list,
                                help_text=_("List of {name, weight}; weights add up to 100."))
    closes_on = models.DateField(_("bids close on"))
    match_ratio = models.DecimalField(
        _("matched-funding ratio"), max_digits=5, decimal_places=2, null=True, blank=True,
        help_text=_("Government-led calls, 1+1 rule: public money per yuan the enterprise commits (1.00 = 1:1)."))
    match_cap = models.DecimalField(_("matched-funding cap (CNY)"), null=True, blank=True, **MONEY)
    winners = models.PositiveSmallIntegerField(
        _("teams that may be awarded"), default=1,
        help_text=_("赛马制: more than one team may be awarded, each with its own project; the total of their "
                    "budgets stays within the challenge's budget."))
    questions_close_on = models.DateField(
        _("questions close on"), null=True, blank=True,
        help_text=_("Last day bidders may ask questions; the day bids close when left empty."))
    organisation_conflicts = models.BooleanField(
        _("bidding organisation's people are conflicted"), default=False,
        help_text=_("Panel members who belong to a bidding team's organisation are recused too."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    stage_rules = models.JSONField(
        _("review stage rules"), default=dict, blank=True,
        help_text=_("Fixed when the call opens: expert review weight and how many advance; defence weight and "
                    "who scores it."))
    stage = models.CharField(_("review stage"), max_length=15, choices=Stage.choices, default=Stage.BIDDING)
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["opened_at"])

    class Meta:
        verbose_name = _("call for bids")
        verbose_name_plural = _("calls for bids")

    def __str__(self):
        return str(self.challenge)


class CallQuestion(models.Model):
    """答疑澄清: a bidder's private question; the posting side answers privately or to all bidders."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="questions", verbose_name=_("call"))
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="call_questions",
                                 verbose_name=_("asked by"))
    text = models.TextField(_("question"))
    asked_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    answer = models.TextField(_("answer"), blank=True)
    is_public = models.BooleanField(_("answered to all bidders"), default=False)
    public_text = models.TextField(
        _("question as published"), blank=True,
        help_text=_("The question as all bidders read it, without who asked; the question itself when empty."))
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("answered by"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["-asked_at", "-id"]
        indexes = [models.Index(fields=["call", "-asked_at", "-id"], name="call_question_newest_first")]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self):
        return self.published_question[:80]

    @property
    def published_question(self) -> str:
        return self.public_text or self.text


class PanelMember(models.Model):
    """A seat on the panel: a member of one side, or an outside expert who reviews only the bids assigned."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="panel", verbose_name=_("call"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="panel_seats",
                             verbose_name=_("panel member"))
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", null=True,
                                     blank=True, verbose_name=_("side"))
    is_outside_expert = models.BooleanField(_("outside expert"), default=False)
    assigned_bids = models.ManyToManyField("Bid", blank=True, related_name="assigned_experts",
                                           verbose_name=_("bids to review"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("panel member")
        verbose_name_plural = _("panel members")
        constraints = [models.UniqueConstraint(fields=["call", "user"], name="panel_member_unique")]

    def __str__(self):
        return f"{self.user} ({self.organisation})"


class Bid(models.Model):
    """揭榜: a team's bid, led by its lead PI (帅)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        PROPOSED = "proposed", _("Proposed for award")
        AWARDED = "awarded", _("Awarded")
        NOT_SELECTED = "not_selected", _("Not selected")

    class FormalCheck(models.TextChoices):
        PENDING = "pending", _("Not checked yet")
        PASSED = "passed", _("Passed the formal check")
        FAILED = "failed", _("Failed the formal check")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="bids", verbose_name=_("call"))
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="bids",
                                     verbose_name=_("bidding organisation"))
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bids_led",
                             verbose_name=_("lead PI (帅)"))
    team_name = models.CharField(_("team name"), max_length=200)
    approach = models.TextField(_("technical approach"))
    plan = models.TextField(_("work plan"))
    budget = models.DecimalField(_("requested budget (CNY)"), **MONEY)
    status = models.CharField(_("status"), max_length=15, choices=Status.choices, default=Status.SUBMITTED)
    formal_check = models.CharField(_("formal check"), max_length=10, choices=FormalCheck.choices,
                                    default=FormalCheck.PENDING)
    formal_note = models.TextField(_("formal check note"), blank=True)
    shortlisted = models.BooleanField(_("shortlisted for the defence"), default=False)
    defence_at = models.DateTimeField(_("defence slot"), null=True, blank=True)
    defence_place = models.CharField(_("defence place"), max_length=200, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["submitted_at"])

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["-submitted_at", "-id"], name="bid_newest_first")]
        verbose_name = _("bid")
        verbose_name_plural = _("bids")
        constraints = [
            # A team (identified by its lead PI) bids once per call.
            models.UniqueConstraint(fields=["call", "lead"], name="bid_one_per_team"),
            models.UniqueConstraint(fields=["call", "defence_at"], name="bid_defence_slot_unique"),
            models.CheckConstraint(condition=Q(budget__gte=0), name="bid_budget_not_negative"),
        ]

    def __str__(self):
        return f"{self.team_name} · {self.call}"


class BidMember(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("Team member")
        STUDENT = "student", _("Student")
        ENTERPRISE_MENTOR = "mentor", _("Enterprise mentor")

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="members", verbose_name=_("bid"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bid_memberships",
                             verbose_name=_("person"))
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        ordering = ["role", "id"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [models.UniqueConstraint(fields=["bid", "user"], name="bid_member_unique")]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()}"


class BidScore(models.Model):
    class Stage(models.TextChoices):
        EXPERT_REVIEW = "expert_review", _("Expert review")
        DEFENCE = "defence", _("Defence")

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="scores", verbose_name=_("bid"))
    stage = models.CharField(_("review stage"), max_length=15, choices=Stage.choices, default=Stage.EXPERT_REVIEW)
    panelist = models.ForeignKey(PanelMember, on_delete=models.CASCADE, related_name="scores",
                                 verbose_name=_("panel member"))
    scores = models.JSONField(_("scores by criterion"), default=dict)
    total = models.DecimalField(_("weighted total"), max_digits=5, decimal_places=2)
    comment = models.TextField(_("comment"), blank=True)
    scored_at = models.DateTimeField(_("scored at"), auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("bid score")
        verbose_name_plural = _("bid scores")
        constraints = [
            models.UniqueConstraint(fields=["bid", "panelist", "stage"], name="bid_score_one_per_panelist_stage"),
            models.CheckConstraint(condition=Q(total__gte=0) & Q(total__lte=100), name="bid_score_total_0_100"),
        ]


class ConflictDeclaration(models.Model):
    """利益冲突声明: a panel member's stake in a bid; the member is recused from the call's review."""

    class Stake(models.TextChoices):
        TEAM = "team", _("Member of the bidding team")
        ORGANISATION = "organisation", _("Member of the bidding organisation")
        OTHER = "other", _("Other interest")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="conflicts", verbose_name=_("call"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="conflicts_declared",
                             verbose_name=_("panel member"))
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="conflicts", verbose_name=_("bid"))
    stake = models.CharField(_("stake"), max_length=15, choices=Stake.choices)
    note = models.TextField(_("note"), blank=True)
    declared_at = models.DateTimeField(_("declared at"), auto_now_add=True)

    class Meta:
        ordering = ["declared_at", "id"]
        verbose_name = _("conflict-of-interest declaration")
        verbose_name_plural = _("conflict-of-interest declarations")
        constraints = [models.UniqueConstraint(fields=["call", "user", "bid"], name="conflict_one_per_bid")]

    def __str__(self):
        return f"{self.user} · {self.bid.team_name}"


class Project(models.Model):
    """师生共同答题: the awarded team's project."""

    class Status(models.TextChoices):
        PLANNING = "planning", _("Planning milestones")
        IN_PROGRESS = "in_progress", _("In progress")
        UNDER_EVALUATION = "under_evaluation", _("Under evaluation")
        SOLVED = "solved", _("Solved")
        CLOSED = "closed", _("Closed")

    # 赛马制: a call may award several teams, each with its own project; a stage gate later keeps one.
    challenge = models.ForeignKey(Challenge, on_delete=models.PROTECT, related_name="projects",
                                  verbose_name=_("challenge"))
    bid = models.OneToOneField(Bid, on_delete=models.PROTECT, related_name="project", verbose_name=_("winning bid"))
    title = models.CharField(_("title"), max_length=200)
    sponsor = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="sponsored_projects",
                                verbose_name=_("sponsor"))
    performer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="performed_projects",
                                  verbose_name=_("performing organisation"))
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="projects_led",
                             verbose_name=_("lead PI (帅)"))
    budget = models.DecimalField(_("budget (CNY)"), **MONEY)
    start_trl = models.PositiveSmallIntegerField(_("starting TRL"))
    current_trl = models.PositiveSmallIntegerField(_("current TRL"))
    target_trl = models.PositiveSmallIntegerField(_("target TRL"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNING,
                              db_index=True)
    result_abstract = models.TextField(_("result abstract"), blank=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    finished_on = models.DateField(_("finished on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["-created_at", "-id"], name="project_newest_first")]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.CheckConstraint(condition=trl_range("start_trl") & trl_range("current_trl")
                                   & trl_range("target_trl"), name="project_trl_1_9"),
            models.CheckConstraint(condition=Q(budget__gte=0), name="project_budget_not_negative"),
        ]

    def __str__(self):
        return self.title


class Milestone(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        SUBMITTED = "submitted", _("Submitted for acceptance")
        ACCEPTED = "accepted", _("Accepted")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones",
                                verbose_name=_("project"))
    title = models.CharField(_("title"), max_length=200)
    deliverables = models.TextField(_("deliverables"))
    due_on = models.DateField(_("due on"))
    tranche = models.DecimalField(_("budget tranche (CNY)"), default=0, **MONEY)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    report = models.TextField(_("delivery report"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    reminded_on = models.DateField(_("last reminder sent on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [models.CheckConstraint(condition=Q(tranche__gte=0), name="milestone_tranche_not_negative")]

    def __str__(self):
        return self.title

    @property
    def is_overdue(self) -> bool:
        from django.utils import timezone

        return self.status != self.Status.ACCEPTED and self.due_on < timezone.localdate()


class MilestoneAssessment(models.Model):
    """阶段考核: each side's score and verdict on a milestone submitted for acceptance. A milestone sent back and
    submitted again is assessed again; earlier rounds are kept (`submitted_at` names the round)."""

    class Verdict(models.TextChoices):
        PASS = "pass", _("Pass")
        REVISE = "revise", _("Pass after revision")
        FAIL = "fail", _("Fail")

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="assessments",
                                  verbose_name=_("milestone"))
    submitted_at = models.DateTimeField(_("submission assessed"))
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("side"))
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("assessor"))
    score = models.PositiveSmallIntegerField(_("score (0–100)"))
    verdict = models.CharField(pgettext_lazy("assessment", "verdict"), max_length=10, choices=Verdict.choices)
    comment = models.TextField(_("comment"), blank=True)
    assessed_at = models.DateTimeField(_("assessed at"), auto_now_add=True)

    class Meta:
        ordering = ["assessed_at", "id"]
        verbose_name = _("milestone assessment")
        verbose_name_plural = _("milestone assessments")
        constraints = [
            models.UniqueConstraint(fields=["milestone", "submitted_at", "organisation"],
                                    name="milestone_assessment_one_per_side_and_round"),
            models.CheckConstraint(condition=Q(score__lte=100), name="milestone_assessment_score_0_100"),
        ]

    def __str__(self):
        return f"{self.milestone} · {self.organisation}: {self.get_verdict_display()}"


class Document(models.Model):
    """A file kept with its record: the call's templates (申报书 and 承诺书), a bid's proposal (申报书), a milestone's
    deliverables and a project's evaluation reports. Checked on upload (platform_core.uploads) and served only by
    the permission-checked download (projects.views.document_download)."""

    class Kind(models.TextChoices):
        PROPOSAL_TEMPLATE = "proposal_template", _("Proposal template (申报书模板)")
        UNDERTAKING_TEMPLATE = "undertaking_template", _("Undertaking template (承诺书模板)")
        PROPOSAL = "proposal", _("Bid proposal (申报书)")
        DELIVERABLE = "deliverable", _("Milestone deliverable")
        EVALUATION_REPORT = "evaluation_report", _("Evaluation report")

    TEMPLATES = (Kind.PROPOSAL_TEMPLATE, Kind.UNDERTAKING_TEMPLATE)
    OWNER = {Kind.PROPOSAL_TEMPLATE: "call", Kind.UNDERTAKING_TEMPLATE: "call", Kind.PROPOSAL: "bid",
             Kind.DELIVERABLE: "milestone", Kind.EVALUATION_REPORT: "project"}

    kind = models.CharField(_("document type"), max_length=20, choices=Kind.choices)
    call = models.ForeignKey(Call, on_delete=models.CASCADE, null=True, blank=True, related_name="documents",
                             verbose_name=_("call"))
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, null=True, blank=True, related_name="documents",
                            verbose_name=_("bid"))
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="documents", verbose_name=_("milestone"))
    project = models.ForeignKey(Project, on_delete=models.CASCADE, null=True, blank=True, related_name="documents",
                                verbose_name=_("project"))
    file = models.FileField(_("file"), upload_to="projects/%Y/%m/")
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [models.CheckConstraint(name="document_has_the_owner_of_its_kind", condition=(
            Q(kind__in=["proposal_template", "undertaking_template"], call__isnull=False, bid=None, milestone=None,
              project=None)
            | Q(kind="proposal", bid__isnull=False, call=None, milestone=None, project=None)
            | Q(kind="deliverable", milestone__isnull=False, call=None, bid=None, project=None)
            | Q(kind="evaluation_report", project__isnull=False, call=None, bid=None, milestone=None)))]

    def __str__(self):
        return self.name


class TrlRecord(models.Model):
    """TRL progression with evidence (1–3 research, 4–6 the valley of death, 7–9 industrialisation)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="trl_records",
                                verbose_name=_("project"))
    trl = models.PositiveSmallIntegerField(_("TRL"))
    evidence = models.TextField(_("evidence"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = _("TRL record")
        verbose_name_plural = _("TRL records")
        constraints = [models.CheckConstraint(condition=trl_range("trl"), name="trl_record_1_9")]


class Evaluation(models.Model):
    """校企共同评价: one evaluation per side, then a dual sign-off on the result."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="evaluations",
                                verbose_name=_("project"))
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("side"))
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("evaluator"))
    technical_score = models.PositiveSmallIntegerField(_("technical achievement (0–100)"))
    application_score = models.PositiveSmallIntegerField(_("application value (0–100)"))
    management_score = models.PositiveSmallIntegerField(_("project management (0–100)"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("evaluated at"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.UniqueConstraint(fields=["project", "organisation"], name="evaluation_one_per_side"),
            models.CheckConstraint(condition=Q(technical_score__lte=100) & Q(application_score__lte=100)
                                   & Q(management_score__lte=100), name="evaluation_scores_0_100"),
        ]

    @property
    def overall(self) -> float:
        return round((self.technical_score + self.application_score + self.management_score) / 3, 1)
