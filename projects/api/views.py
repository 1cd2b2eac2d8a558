"""REST API of the challenge → project chain; the same services and rules as the pages.

Signing is done through the core's /api/signoffs/<id>/sign/ and /reject/; the actions
here that open a decision answer with the sign-off id.
"""
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404  # a malformed id is a 404, not a 500
from rest_framework.response import Response

from platform_core.api.permissions import ObjectRulesPermission
from platform_core.exports import file_response

from .. import selectors, services
from ..models import Call, Document, Milestone
from . import serializers as s


def _created(serializer_class, instance, request):
    return Response(serializer_class(instance, context={"request": request}).data, status=status.HTTP_201_CREATED)


def _signoff(request_obj):
    return Response({"signoff": request_obj.pk}, status=status.HTTP_201_CREATED)


class ChallengeViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Challenges (企业出题). Drafts are visible to the two sides only; confidential detail to those with access."""

    permission_classes = viewsets.ModelViewSet.permission_classes + [ObjectRulesPermission]
    object_perms = {"PUT": "projects.change_challenge", "PATCH": "projects.change_challenge"}
    filterset_fields = ["status", "mode", "poster", "center", "industry_node", "field"]
    search_fields = ["title_zh", "title_en", "summary_zh", "summary_en", "poster__name_zh"]
    ordering_fields = ["created_at", "deadline", "budget_max", "current_trl"]

    def get_queryset(self):
        return selectors.challenge_with_chain(self.request.user)

    def get_serializer_class(self):
        if self.action == "create":
            return s.ChallengeCreateSerializer
        if self.action in {"update", "partial_update"}:
            return s.ChallengeUpdateSerializer
        return s.ChallengeSerializer

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.challenge_create(
            actor=self.request.user, poster=data.pop("poster"), mode=data.pop("mode", None), **data)

    def perform_update(self, serializer):
        serializer.instance = services.challenge_update(
            actor=self.request.user, challenge=serializer.instance, **serializer.validated_data)

    def _respond(self, challenge):
        return Response(s.ChallengeSerializer(self.get_queryset().get(pk=challenge.pk),
                                              context={"request": self.request}).data)

    @extend_schema(request=None, responses=s.ChallengeSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._respond(services.challenge_publish(actor=request.user, challenge=self.get_object()))

    @extend_schema(request=s.ReasonSerializer, responses=s.ChallengeSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        data = s.ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._respond(services.challenge_close(actor=request.user, challenge=self.get_object(),
                                                      reason=data.validated_data["reason"]))

    @extend_schema(request=s.TopicSerializer, responses=s.TopicSerializer)
    @action(detail=True, methods=["post"])
    def topic(self, request, pk=None):
        """Save the refined topic (both sides may edit it while it is a draft)."""
        data = s.TopicSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        topic = services.topic_save(actor=request.user, challenge=self.get_object(), **data.validated_data)
        return Response(s.TopicSerializer(topic).data)

    @extend_schema(request=None, responses={201: s.SignoffRefSerializer})
    @action(detail=True, methods=["post"], url_path="submit-topic")
    def submit_topic(self, request, pk=None):
        return _signoff(services.topic_submit(actor=request.user, challenge=self.get_object()))

    @extend_schema(request=s.CallOpenSerializer, responses={201: s.CallSerializer})
    @action(detail=True, methods=["post"], url_path="open-call")
    def open_call(self, request, pk=None):
        data = s.CallOpenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        call = services.call_open(actor=request.user, challenge=self.get_object(), **data.validated_data)
        return _created(s.CallSerializer, call, request)

    @extend_schema(request=None, responses=s.CallSerializer)
    @action(detail=True, methods=["post"], url_path="close-call")
    def close_call(self, request, pk=None):
        challenge = self.get_object()
        call = get_object_or_404(Call, challenge=challenge)
        return Response(s.CallSerializer(services.call_close(actor=request.user, call=call)).data)

    @extend_schema(request=s.UndertakingInputSerializer, responses={201: s.UndertakingSerializer})
    @action(detail=True, methods=["post"])
    def undertaking(self, request, pk=None):
        """Sign a confidentiality undertaking to ask for the confidential detail."""
        data = s.UndertakingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        undertaking = services.undertaking_request(actor=request.user, challenge=self.get_object(),
                                                   statement=data.validated_data["statement"])
        return _created(s.UndertakingSerializer, undertaking, request)

    @extend_schema(request=None, responses=s.AttachmentSerializer(many=True))
    @action(detail=True, methods=["get"])
    def attachments(self, request, pk=None):
        """Attachments you may read (confidential ones only with access to the confidential detail)."""
        attachments = selectors.attachments_visible_to(request.user, self.get_object())
        return Response(s.AttachmentSerializer(attachments, many=True).data)

    @extend_schema(request={"multipart/form-data": s.AttachmentUploadSerializer},
                   responses={201: s.AttachmentSerializer})
    @attachments.mapping.post
    def add_attachment(self, request, pk=None):
        data = s.AttachmentUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        attachment = services.attachment_add(actor=request.user, challenge=self.get_object(), **data.validated_data)
        return _created(s.AttachmentSerializer, attachment, request)

    def _call(self):
        return get_object_or_404(Call, challenge=self.get_object())

    @extend_schema(request=None, responses=s.CallSerializer)
    @action(detail=True, methods=["post"], url_path="advance-review")
    def advance_review(self, request, pk=None):
        """Staged review: bidding → formal check → expert review; defence → award."""
        return Response(s.CallSerializer(services.review_advance(actor=request.user, call=self._call())).data)

    @extend_schema(request=s.BidIdsSerializer, responses=s.CallSerializer)
    @action(detail=True, methods=["post"])
    def shortlist(self, request, pk=None):
        call = self._call()
        data = s.BidIdsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        bids = list(call.bids.filter(pk__in=data.validated_data["bids"]))
        if len(bids) != len(set(data.validated_data["bids"])):
            return Response({"bids": ["这些揭榜申请不属于本榜单。/ These bids are not of this call."]},
                            status=status.HTTP_400_BAD_REQUEST)
        return Response(s.CallSerializer(services.shortlist(actor=request.user, call=call, bids=bids)).data)

    @extend_schema(request=s.ExpertInviteSerializer, responses={201: s.PanelMemberSerializer})
    @action(detail=True, methods=["post"], url_path="invite-expert")
    def invite_expert(self, request, pk=None):
        """An outside expert from the talent pool reviews only the bids assigned."""
        from platform_core.autocomplete import choices_for

        challenge = self.get_object()
        call = get_object_or_404(Call, challenge=challenge)
        data = s.ExpertInviteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        expert = get_object_or_404(choices_for("projects-experts", user=request.user,
                                               params={"challenge": str(challenge.pk)}), pk=data.validated_data["user"])
        bids = list(call.bids.filter(pk__in=data.validated_data["bids"]))
        if len(bids) != len(set(data.validated_data["bids"])):
            return Response({"bids": ["这些揭榜申请不属于本榜单。/ These bids are not of this call."]},
                            status=status.HTTP_400_BAD_REQUEST)
        panelist = services.expert_invite(actor=request.user, call=call, user=expert, bids=bids)
        return _created(s.PanelMemberSerializer, panelist, request)

    @extend_schema(request=s.BidIdsSerializer, responses={201: s.SignoffRefSerializer})
    @action(detail=True, methods=["post"], url_path="propose-award")
    def propose_award(self, request, pk=None):
        """赛马制: propose the award to several teams at once (each gets its own project)."""
        call = self._call()
        data = s.BidIdsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        bids = list(call.bids.filter(pk__in=data.validated_data["bids"]))
        if len(bids) != len(set(data.validated_data["bids"])):
            return Response({"bids": ["这些揭榜申请不属于本榜单。/ These bids are not of this call."]},
                            status=status.HTTP_400_BAD_REQUEST)
        return _signoff(services.award_propose(actor=request.user, bids=bids))

    @extend_schema(request=None, responses=s.ConflictDeclarationSerializer(many=True))
    @action(detail=True, methods=["get"])
    def conflicts(self, request, pk=None):
        """Conflict-of-interest declarations on the call: all to the two sides, a team's own to the team."""
        call = get_object_or_404(Call, challenge=self.get_object())
        return Response(s.ConflictDeclarationSerializer(
            selectors.conflict_declarations_visible_to(request.user, call), many=True).data)

    @extend_schema(request=s.BidSerializer, responses={201: s.BidSerializer})
    @action(detail=True, methods=["post"])
    def bid(self, request, pk=None):
        """揭榜: bid as lead PI on this challenge's open call."""
        challenge = self.get_object()
        call = get_object_or_404(Call, challenge=challenge)
        data = s.BidSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        members = [(m["user"], m.get("role", "member")) for m in values.pop("members", [])]
        bid = services.bid_submit(actor=request.user, call=call, members=members, **values)
        return _created(s.BidSerializer, bid, request)


class QuestionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Questions and clarifications (答疑) on calls: ask privately, the posting side answers privately or to all."""

    serializer_class = s.QuestionSerializer
    filterset_fields = ["call", "is_public"]

    def get_queryset(self):
        return selectors.questions_visible_to(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.question_ask(actor=self.request.user, call=serializer.validated_data["call"],
                                                    text=serializer.validated_data["text"])

    @extend_schema(request=s.AnswerInputSerializer, responses=s.QuestionSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        data = s.AnswerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        question = services.question_answer(actor=request.user, question=self.get_object(), **data.validated_data)
        return Response(self.get_serializer(question).data)


class UndertakingViewSet(viewsets.ReadOnlyModelViewSet):
    """Your own undertakings, and those awaiting your decision as the posting side."""

    serializer_class = s.UndertakingSerializer
    filterset_fields = ["status", "challenge"]

    def get_queryset(self):
        return selectors.undertakings_visible_to(self.request.user)

    @extend_schema(request=s.DecisionSerializer, responses=s.UndertakingSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        data = s.DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        undertaking = services.undertaking_decide(actor=request.user, undertaking=self.get_object(),
                                                  accept=data.validated_data["accept"])
        return Response(s.UndertakingSerializer(undertaking).data)


class DocumentViewSet(viewsets.ReadOnlyModelViewSet):
    """Files kept with calls (templates), bids (proposals), milestones (deliverables) and projects (evaluation
    reports), for the readers of their record; upload as multipart with `kind`, `owner` and `file`."""

    serializer_class = s.DocumentSerializer
    filterset_fields = ["kind", "call", "bid", "milestone", "project"]

    def get_queryset(self):
        return selectors.documents_visible_to(self.request.user)

    @extend_schema(request=s.DocumentUploadSerializer, responses={201: s.DocumentSerializer})
    def create(self, request):
        upload = s.DocumentUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        kind, owner_id = upload.validated_data["kind"], upload.validated_data["owner"]
        owner = get_object_or_404(selectors.document_owners_visible_to(request.user, Document.OWNER[kind]), pk=owner_id)
        document = services.document_add(actor=request.user, kind=kind, owner=owner, file=upload.validated_data["file"])
        return Response(s.DocumentSerializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        document = self.get_object()
        return file_response(document.file, document.name)


class BidViewSet(viewsets.ReadOnlyModelViewSet):
    """Bids you lead or belong to, or review as the posting/partner side or panel."""

    serializer_class = s.BidSerializer
    filterset_fields = ["status", "call", "organisation", "call__challenge"]
    search_fields = ["team_name", "approach"]

    def get_queryset(self):
        return selectors.bids_visible_to(self.request.user).prefetch_related("members__user", "scores")

    @extend_schema(request=None, responses=s.BidSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        bid = services.bid_withdraw(actor=request.user, bid=self.get_object())
        return Response(self.get_serializer(bid).data)

    @extend_schema(request=s.ScoreInputSerializer, responses=s.BidScoreSerializer)
    @action(detail=True, methods=["post"])
    def score(self, request, pk=None):
        data = s.ScoreInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        score = services.bid_score(actor=request.user, bid=self.get_object(), **data.validated_data)
        return Response(s.BidScoreSerializer(score).data)

    @extend_schema(request=None, responses=s.BidScoreSerializer(many=True))
    @action(detail=True, methods=["get"])
    def scores(self, request, pk=None):
        bid = self.get_object()
        if not request.user.has_perm("projects.review_call", bid.call):
            return Response({"detail": "无权查看评分。/ You cannot see the scores."}, status=status.HTTP_403_FORBIDDEN)
        return Response(s.BidScoreSerializer(bid.scores.select_related("panelist__user"), many=True).data)

    @extend_schema(request=s.FormalCheckSerializer, responses=s.BidSerializer)
    @action(detail=True, methods=["post"], url_path="formal-check")
    def formal_check(self, request, pk=None):
        data = s.FormalCheckSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        bid = services.formal_check_record(actor=request.user, bid=self.get_object(), **data.validated_data)
        return Response(self.get_serializer(bid).data)

    @extend_schema(request=s.DefenceSlotSerializer, responses=s.BidSerializer)
    @action(detail=True, methods=["post"])
    def defence(self, request, pk=None):
        data = s.DefenceSlotSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        bid = services.defence_schedule(actor=request.user, bid=self.get_object(), **data.validated_data)
        return Response(self.get_serializer(bid).data)

    @extend_schema(request=s.ConflictInputSerializer, responses={201: s.ConflictDeclarationSerializer})
    @action(detail=True, methods=["post"], url_path="declare-conflict")
    def declare_conflict(self, request, pk=None):
        """利益冲突声明 by a panel member: recused from the call's review from now on."""
        bid = get_object_or_404(selectors.bids_on_panels_of(request.user), pk=pk)
        data = s.ConflictInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        declaration = services.conflict_declare(actor=request.user, bid=bid, **data.validated_data)
        return _created(s.ConflictDeclarationSerializer, declaration, request)

    @extend_schema(request=None, responses={201: s.SignoffRefSerializer})
    @action(detail=True, methods=["post"], url_path="propose-award")
    def propose_award(self, request, pk=None):
        return _signoff(services.award_propose(actor=request.user, bid=self.get_object()))


class ProjectViewSet(viewsets.ReadOnlyModelViewSet):
    """Projects (师生共同答题): milestones, TRL progress, joint evaluation."""

    serializer_class = s.ProjectSerializer
    filterset_fields = ["status", "sponsor", "performer", "lead"]
    search_fields = ["title", "challenge__title_zh"]
    ordering_fields = ["created_at", "current_trl", "budget"]

    def get_queryset(self):
        return selectors.projects_visible_to(self.request.user).prefetch_related(
            "milestones", "trl_records", "evaluations")

    def _respond(self, project):
        return Response(self.get_serializer(self.get_queryset().get(pk=project.pk)).data)

    @extend_schema(request=s.MilestoneSerializer, responses={201: s.MilestoneSerializer})
    @action(detail=True, methods=["post"])
    def milestones(self, request, pk=None):
        data = s.MilestoneSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        milestone = services.milestone_add(actor=request.user, project=self.get_object(), **data.validated_data)
        return _created(s.MilestoneSerializer, milestone, request)

    @extend_schema(request=None, responses=s.ProjectSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._respond(services.project_start(actor=request.user, project=self.get_object()))

    @extend_schema(request=s.TrlRecordSerializer, responses={201: s.TrlRecordSerializer})
    @action(detail=True, methods=["post"])
    def trl(self, request, pk=None):
        data = s.TrlRecordSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        record = services.trl_record(actor=request.user, project=self.get_object(), **data.validated_data)
        return _created(s.TrlRecordSerializer, record, request)

    @extend_schema(request=s.BudgetChangeSerializer, responses={201: s.SignoffRefSerializer})
    @action(detail=True, methods=["post"], url_path="budget-change")
    def budget_change(self, request, pk=None):
        data = s.BudgetChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return _signoff(services.budget_change_request(actor=request.user, project=self.get_object(),
                                                       **data.validated_data))

    @extend_schema(request=s.ReasonSerializer, responses={201: s.SignoffRefSerializer})
    @action(detail=True, methods=["post"], url_path="stage-gate")
    def stage_gate(self, request, pk=None):
        """赛马制: keep this project, close the challenge's other running projects (dual sign-off)."""
        data = s.ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return _signoff(services.stage_gate_propose(actor=request.user, project=self.get_object(),
                                                    reason=data.validated_data["reason"]))

    @extend_schema(request=s.ResultSerializer, responses=s.ProjectSerializer)
    @action(detail=True, methods=["post"], url_path="submit-result")
    def submit_result(self, request, pk=None):
        data = s.ResultSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._respond(services.project_submit_for_evaluation(actor=request.user, project=self.get_object(),
                                                                    **data.validated_data))

    @extend_schema(request=s.EvaluationSerializer, responses={201: s.EvaluationSerializer})
    @action(detail=True, methods=["post"])
    def evaluate(self, request, pk=None):
        data = s.EvaluationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        evaluation = services.evaluation_submit(actor=request.user, project=self.get_object(), **data.validated_data)
        return _created(s.EvaluationSerializer, evaluation, request)

    @extend_schema(request=None, responses=s.TransferResultSerializer)
    @action(detail=True, methods=["get"], url_path="transfer-result")
    def transfer_result(self, request, pk=None):
        """The solved project's result as the achievement pool takes it (400 until solved)."""
        project = self.get_object()
        try:
            return Response(s.TransferResultSerializer(selectors.project_result_for_transfer(project)).data)
        except ValueError as exc:
            return Response({"detail": [str(exc)]}, status=status.HTTP_400_BAD_REQUEST)


class MilestoneViewSet(viewsets.GenericViewSet):
    serializer_class = s.MilestoneSerializer

    def get_queryset(self):
        return Milestone.objects.filter(project__in=selectors.projects_visible_to(self.request.user))

    @extend_schema(request=s.ReportSerializer, responses={201: s.SignoffRefSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Report the milestone delivered; opens the dual sign-off on its acceptance."""
        data = s.ReportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return _signoff(services.milestone_submit(actor=request.user, milestone=self.get_object(),
                                                  report=data.validated_data["report"]))
