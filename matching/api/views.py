"""REST API of matching: read the matches you may see, accept or dismiss them, push, recompute (staff)."""
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from platform_core.api.permissions import ObjectRulesPermission

from .. import background, selectors, services, tasks
from ..models import Direction, Match
from . import serializers as s


class MatchViewSet(viewsets.ReadOnlyModelViewSet):
    """Matches filtered by what the user may see; dismissed ones only with `?status=dismissed`."""

    queryset = Match.objects.none()  # for the schema; requests use get_queryset()
    serializer_class = s.MatchSerializer
    permission_classes = [permissions.IsAuthenticated, ObjectRulesPermission]
    object_perms = {"POST": "matching.decide_match"}
    filterset_fields = ["direction", "status", "source_id", "candidate_id"]
    ordering_fields = ["score", "computed_at", "rank"]

    def get_queryset(self):
        qs = selectors.matches_visible_to(self.request.user).prefetch_related("source", "candidate")
        if self.action == "list" and not self.request.query_params.get("status"):
            qs = qs.exclude(status=Match.Status.DISMISSED)
        return qs

    def _decide(self, request, verdict):
        data = s.MatchDecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        match = services.match_decide(actor=request.user, match=self.get_object(), verdict=verdict,
                                      reason=data.validated_data["reason"])
        return Response(self.get_serializer(match).data)

    @extend_schema(request=s.MatchDecisionInputSerializer, responses=s.MatchSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._decide(request, Match.Status.ACCEPTED)

    @extend_schema(request=s.MatchDecisionInputSerializer, responses=s.MatchSerializer)
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        return self._decide(request, Match.Status.DISMISSED)

    @extend_schema(request=s.MatchPushInputSerializer, responses={201: s.MatchPushOutputSerializer})
    @action(detail=True, methods=["post"])
    def push(self, request, pk=None):
        data = s.MatchPushInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        push = services.match_push(actor=request.user, match=self.get_object(), note=data.validated_data["note"])
        return Response({"push_id": push.pk, "status": push.status}, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.MatchRecomputeInputSerializer, responses={202: s.MatchRecomputeOutputSerializer})
    @action(detail=False, methods=["post"])
    def recompute(self, request):
        """Staff: queue a recomputation of one source (direction + source_id) or the full pass."""
        if not request.user.has_perm("matching.recompute"):
            raise PermissionDenied
        data = s.MatchRecomputeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        direction = data.validated_data.get("direction")
        if direction is None:
            background.enqueue(tasks.refresh_all)
            return Response({"queued": "all"}, status=status.HTTP_202_ACCEPTED)
        task = {Direction.CHALLENGE_EXPERT: tasks.refresh_challenge,
                Direction.CHALLENGE_ACHIEVEMENT: tasks.refresh_challenge,
                Direction.ACHIEVEMENT_ENTERPRISE: tasks.refresh_achievement,
                Direction.TALENT_ENTERPRISE: tasks.refresh_talent}[direction]
        background.enqueue(task, data.validated_data["source_id"])
        return Response({"queued": f"{direction}:{data.validated_data['source_id']}"},
                        status=status.HTTP_202_ACCEPTED)
