from django.contrib.auth import get_user_model
from rest_framework import serializers

from consortia.selectors import centers_visible_to
from platform_core.api.serializers import UserBriefSerializer
from platform_core.visibility import VisibleRelatedField

from ..models import (
    Bid, BidMember, BidScore, Call, CallQuestion, Challenge, ChallengeAttachment, ConflictDeclaration, Document, Evaluation,
    Milestone, Mode, PanelMember, Project, Topic, TrlRecord, Undertaking,
)
from ..permissions import ChallengeAccess
from ..selectors import bidder_organisations, calls_visible_to, posting_organisations

User = get_user_model()


class TopicSerializer(serializers.ModelSerializer):
    class Meta:
        model = Topic
        fields = ["id", "title", "objectives", "deliverables", "status", "created_at"]
        read_only_fields = ["id", "status", "created_at"]


class PanelMemberSerializer(serializers.ModelSerializer):
    user = UserBriefSerializer(read_only=True)
    organisation_name = serializers.CharField(source="organisation.name_zh", read_only=True, allow_null=True)

    class Meta:
        model = PanelMember
        fields = ["id", "user", "organisation", "organisation_name", "is_outside_expert"]


class CriterionSerializer(serializers.Serializer):
    name = serializers.CharField()
    weight = serializers.IntegerField()


class CallSerializer(serializers.ModelSerializer):
    panel = PanelMemberSerializer(many=True, read_only=True)
    criteria = CriterionSerializer(many=True)

    class Meta:
        model = Call
        fields = ["id", "criteria", "closes_on", "winners", "questions_close_on", "organisation_conflicts", "stage_rules", "stage", "status", "opened_at", "panel"]


class ChallengeListSerializer(serializers.ListSerializer):
    """Reads where the user stands towards the whole page once, not once per challenge."""

    def to_representation(self, data):
        challenges = list(data.all() if hasattr(data, "all") else data)
        self.child.access = ChallengeAccess(self.context["request"].user, challenges)
        return super().to_representation(challenges)


class ChallengeSerializer(serializers.ModelSerializer):
    """Output drops `confidential_detail` for anyone without access (not merely hidden)."""

    poster_name = serializers.CharField(source="poster.name_zh", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    mode_display = serializers.CharField(source="get_mode_display", read_only=True)
    topic = TopicSerializer(read_only=True)
    call = CallSerializer(read_only=True)
    project = serializers.IntegerField(source="project.pk", read_only=True, allow_null=True,
                                       help_text="The project still running (赛马制).")
    projects = serializers.PrimaryKeyRelatedField(read_only=True, many=True)
    poster = VisibleRelatedField(posting_organisations)
    center = VisibleRelatedField(centers_visible_to, required=False, allow_null=True)
    confidential_detail = serializers.CharField(required=False, allow_blank=True,
                                                help_text="Only in the output for users with access.")

    class Meta:
        model = Challenge
        fields = ["id", "poster", "poster_name", "mode", "mode_display", "center", "partner", "posted_by",
                  "title_zh", "title_en", "summary_zh", "summary_en", "confidential_detail", "industry_node",
                  "field", "current_trl", "target_trl", "budget_min", "budget_max", "subsidy", "terms", "deadline",
                  "status", "status_display", "topic", "call", "project", "projects", "created_at", "updated_at"]
        read_only_fields = ["posted_by", "status", "created_at", "updated_at"]
        list_serializer_class = ChallengeListSerializer

    def to_representation(self, challenge):
        data = super().to_representation(challenge)
        access = getattr(self, "access", None) or ChallengeAccess(self.context["request"].user, [challenge])
        if not access.can_read_confidential(challenge):
            data.pop("confidential_detail", None)
        return data


class ChallengeCreateSerializer(ChallengeSerializer):
    mode = serializers.ChoiceField(choices=Mode.choices, required=False)


class ChallengeUpdateSerializer(ChallengeSerializer):
    poster = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta(ChallengeSerializer.Meta):
        read_only_fields = ChallengeSerializer.Meta.read_only_fields + ["poster", "mode"]


class AttachmentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ChallengeAttachment
        fields = ["id", "description", "is_confidential", "uploaded_by", "uploaded_at", "download_url"]
        read_only_fields = fields

    def get_download_url(self, attachment) -> str:
        from django.urls import reverse

        return reverse("projects:attachment-download", args=[attachment.pk])


class DocumentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = ["id", "kind", "call", "bid", "milestone", "project", "name", "size", "uploaded_by", "uploaded_at",
                  "download_url"]
        read_only_fields = fields

    def get_download_url(self, document) -> str:
        from django.urls import reverse

        return reverse("projects:document-download", args=[document.pk])


class DocumentUploadSerializer(serializers.Serializer):
    """A file for a record: `owner` is the id of the call (templates), bid (proposal), milestone (deliverable)
    or project (evaluation report), as `kind` says."""
    kind = serializers.ChoiceField(choices=Document.Kind.choices)
    owner = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    file = serializers.FileField()


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    description = serializers.CharField(required=False, allow_blank=True, default="")
    is_confidential = serializers.BooleanField(required=False, default=True)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class UndertakingInputSerializer(serializers.Serializer):
    statement = serializers.CharField()


class UndertakingSerializer(serializers.ModelSerializer):
    user = UserBriefSerializer(read_only=True)

    class Meta:
        model = Undertaking
        fields = ["id", "challenge", "user", "organisation", "statement", "status", "decided_by", "decided_at",
                  "created_at"]
        read_only_fields = fields


class DecisionSerializer(serializers.Serializer):
    accept = serializers.BooleanField()


class CallOpenSerializer(serializers.Serializer):
    closes_on = serializers.DateField()
    organisation_conflicts = serializers.BooleanField(required=False, default=False)
    questions_close_on = serializers.DateField(required=False, allow_null=True, default=None)
    winners = serializers.IntegerField(required=False, default=1, min_value=1, max_value=10)
    stage_rules = serializers.DictField(
        required=False, allow_null=True, default=None,
        help_text="Staged review: {expert_review: {weight, advance}, defence: {weight, scorers: panel | "
                  "panel_and_experts}}; weights add up to 100. Empty: one scoring round.")
    criteria = CriterionSerializer(many=True)
    panel = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), many=True)


class BidMemberSerializer(serializers.ModelSerializer):
    user_detail = UserBriefSerializer(source="user", read_only=True)

    class Meta:
        model = BidMember
        fields = ["user", "user_detail", "role"]


class BidScoreSerializer(serializers.ModelSerializer):
    panelist = serializers.CharField(source="panelist.user", read_only=True)

    class Meta:
        model = BidScore
        fields = ["id", "panelist", "stage", "scores", "total", "comment", "scored_at"]
        read_only_fields = fields


class BidSerializer(serializers.ModelSerializer):
    lead = UserBriefSerializer(read_only=True)
    members = BidMemberSerializer(many=True, required=False)
    challenge = serializers.IntegerField(source="call.challenge_id", read_only=True)
    organisation = VisibleRelatedField(bidder_organisations)
    mean_score = serializers.SerializerMethodField()

    class Meta:
        model = Bid
        fields = ["id", "call", "challenge", "organisation", "lead", "team_name", "approach", "plan", "budget",
                  "members", "status", "formal_check", "formal_note", "shortlisted", "defence_at", "defence_place",
                  "submitted_at", "mean_score"]
        read_only_fields = ["call", "status", "formal_check", "formal_note", "shortlisted", "defence_at",
                            "defence_place", "submitted_at"]
        validators = []

    def get_mean_score(self, bid) -> float | None:
        totals = [s.total for s in bid.scores.all()]
        return float(sum(totals) / len(totals)) if totals else None


class QuestionListSerializer(serializers.ListSerializer):
    """Where the user stands towards the page's challenges is read once, not once per question."""

    def to_representation(self, data):
        questions = list(data.all() if hasattr(data, "all") else data)
        self.child.access = ChallengeAccess(self.context["request"].user, {q.call.challenge for q in questions})
        return super().to_representation(questions)


class QuestionSerializer(serializers.ModelSerializer):
    """Who asked, and the question as asked, only to the two sides and the asker; others read it anonymised."""

    call = VisibleRelatedField(calls_visible_to)  # a question is asked only on a call the asker can see
    asked_by = UserBriefSerializer(read_only=True)

    class Meta:
        model = CallQuestion
        fields = ["id", "call", "text", "asked_by", "asked_at", "answer", "is_public", "public_text", "answered_at"]
        read_only_fields = ["asked_by", "asked_at", "answer", "is_public", "public_text", "answered_at"]
        list_serializer_class = QuestionListSerializer

    def to_representation(self, question):
        data = super().to_representation(question)
        user = self.context["request"].user
        access = getattr(self, "access", None) or ChallengeAccess(user, [question.call.challenge])
        challenge = question.call.challenge
        if not (access.is_poster_side(challenge) or access.is_partner_side(challenge)):
            data.pop("public_text")
            if question.asked_by_id != user.pk:
                data.pop("asked_by")
                data["text"] = question.published_question
        return data


class AnswerInputSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=4000)
    public = serializers.BooleanField(default=False)
    public_text = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class BidIdsSerializer(serializers.Serializer):
    bids = serializers.ListField(child=serializers.IntegerField(), allow_empty=False, max_length=500)


class ExpertInviteSerializer(BidIdsSerializer):
    user = serializers.IntegerField()


class FormalCheckSerializer(serializers.Serializer):
    passed = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class DefenceSlotSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    place = serializers.CharField(max_length=200)


class ConflictInputSerializer(serializers.Serializer):
    stake = serializers.ChoiceField(choices=ConflictDeclaration.Stake.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ConflictDeclarationSerializer(serializers.ModelSerializer):
    user = UserBriefSerializer(read_only=True)
    team_name = serializers.CharField(source="bid.team_name", read_only=True)

    class Meta:
        model = ConflictDeclaration
        fields = ["id", "call", "bid", "team_name", "user", "stake", "note", "declared_at"]
        read_only_fields = fields


class ScoreInputSerializer(serializers.Serializer):
    scores = serializers.DictField(child=serializers.DecimalField(max_digits=5, decimal_places=2))
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class MilestoneSerializer(serializers.ModelSerializer):
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Milestone
        fields = ["id", "title", "deliverables", "due_on", "tranche", "status", "report", "submitted_at",
                  "accepted_at", "is_overdue"]
        read_only_fields = ["status", "report", "submitted_at", "accepted_at"]


class TrlRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = TrlRecord
        fields = ["id", "trl", "evidence", "recorded_by", "recorded_at"]
        read_only_fields = ["recorded_by", "recorded_at"]


class EvaluationSerializer(serializers.ModelSerializer):
    overall = serializers.FloatField(read_only=True)

    class Meta:
        model = Evaluation
        fields = ["id", "organisation", "evaluator", "technical_score", "application_score", "management_score",
                  "overall", "comment", "created_at"]
        read_only_fields = ["organisation", "evaluator", "created_at"]


class ProjectSerializer(serializers.ModelSerializer):
    milestones = MilestoneSerializer(many=True, read_only=True)
    trl_records = TrlRecordSerializer(many=True, read_only=True)
    evaluations = EvaluationSerializer(many=True, read_only=True)
    lead = UserBriefSerializer(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Project
        fields = ["id", "challenge", "bid", "title", "sponsor", "performer", "lead", "budget", "start_trl",
                  "current_trl", "target_trl", "status", "status_display", "result_abstract", "started_on",
                  "finished_on", "milestones", "trl_records", "evaluations", "created_at"]
        read_only_fields = fields


class BudgetChangeSerializer(serializers.Serializer):
    new_budget = serializers.DecimalField(max_digits=16, decimal_places=2)
    reason = serializers.CharField()


class ResultSerializer(serializers.Serializer):
    result_abstract = serializers.CharField()


class ReportSerializer(serializers.Serializer):
    report = serializers.CharField()


class SignoffRefSerializer(serializers.Serializer):
    signoff = serializers.IntegerField()


class TransferResultSerializer(serializers.Serializer):
    project_id = serializers.IntegerField()
    challenge_id = serializers.IntegerField()
    title = serializers.CharField()
    abstract = serializers.CharField()
    owners = serializers.ListField(child=serializers.IntegerField())
    inventors = serializers.ListField(child=serializers.IntegerField())
    field = serializers.IntegerField(allow_null=True)
    industry_node = serializers.IntegerField(allow_null=True)
    trl = serializers.IntegerField()
    solved_on = serializers.DateField(allow_null=True)
