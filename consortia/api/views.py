from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from platform_core.api.permissions import ObjectRulesPermission

from .. import selectors, services
from ..models import CenterMember, ConsortiumMember, CouncilMember
from . import serializers as s


class JointCenterViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Joint R&D centers (校企深度融合研发中心) with their two directors and two chief scientists."""

    permission_classes = viewsets.ModelViewSet.permission_classes + [ObjectRulesPermission]
    object_perms = {m: "consortia.change_center" for m in ("PUT", "PATCH", "POST")}
    filterset_fields = ["status", "enterprise", "university", "industry_nodes"]
    search_fields = ["name_zh", "name_en", "research_directions"]
    ordering_fields = ["name_zh", "funding_commitment", "created_at"]

    def get_queryset(self):
        return selectors.centers_visible_to(self.request.user).prefetch_related(
            Prefetch("members", queryset=CenterMember.objects.select_related("user")), "industry_nodes", "fields")

    def get_serializer_class(self):
        if self.action in {"update", "partial_update"}:
            return s.JointCenterUpdateSerializer
        return s.JointCenterSerializer

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.center_create(
            actor=self.request.user, industry_nodes=data.pop("industry_nodes", []),
            fields=data.pop("fields", []), **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.center_update(
            actor=self.request.user, center=serializer.instance, industry_nodes=data.pop("industry_nodes", None),
            fields=data.pop("fields", None), **data)

    @extend_schema(request=s.AppointSerializer, responses={201: s.CenterMemberSerializer})
    @action(detail=True, methods=["post"])
    def appoint(self, request, pk=None):
        """Appoint a director, chief scientist or member on one side."""
        center = self.get_object()
        data = s.AppointSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member = services.center_appoint(actor=request.user, center=center, **data.validated_data)
        return Response(s.CenterMemberSerializer(member).data, status=status.HTTP_201_CREATED)


class CenterDecisionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Annual plans, budgets and research directions of the centers you take part in; a new one goes to the
    sides' sign-off (and the co-signer's) and takes effect when all have signed."""

    serializer_class = s.CenterDecisionSerializer
    filterset_fields = ["center", "kind", "status", "year"]

    def get_queryset(self):
        return selectors.center_decisions_visible_to(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.center_decision_propose(actor=self.request.user, **serializer.validated_data)


class ConsortiumViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Innovation consortia (创新联合体): lead, members with roles, council."""

    permission_classes = viewsets.ModelViewSet.permission_classes + [ObjectRulesPermission]
    object_perms = {m: "consortia.change_consortium" for m in ("PUT", "PATCH", "POST")}
    filterset_fields = ["kind", "status", "lead"]
    search_fields = ["name_zh", "name_en", "goals"]
    ordering_fields = ["name_zh", "founded_on"]

    def get_queryset(self):
        return selectors.consortia_visible_to(self.request.user).prefetch_related(
            Prefetch("members", queryset=ConsortiumMember.objects.select_related("organisation")),
            Prefetch("council", queryset=CouncilMember.objects.select_related("user")), "industry_nodes")

    def get_serializer_class(self):
        if self.action in {"update", "partial_update"}:
            return s.ConsortiumUpdateSerializer
        return s.ConsortiumSerializer

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.consortium_create(
            actor=self.request.user, industry_nodes=data.pop("industry_nodes", []), **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.consortium_update(
            actor=self.request.user, consortium=serializer.instance,
            industry_nodes=data.pop("industry_nodes", None), **data)

    @extend_schema(request=s.ConsortiumMemberSerializer, responses={201: s.ConsortiumMemberSerializer})
    @action(detail=True, methods=["post"], url_path="members")
    def add_member(self, request, pk=None):
        consortium = self.get_object()
        data = s.ConsortiumMemberSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member = services.consortium_member_add(actor=request.user, consortium=consortium, **data.validated_data)
        return Response(s.ConsortiumMemberSerializer(member).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.CouncilMemberSerializer, responses={201: s.CouncilMemberSerializer})
    @action(detail=True, methods=["post"], url_path="council")
    def add_council_member(self, request, pk=None):
        consortium = self.get_object()
        data = s.CouncilMemberSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        seat = services.council_member_add(actor=request.user, consortium=consortium, **data.validated_data)
        return Response(s.CouncilMemberSerializer(seat).data, status=status.HTTP_201_CREATED)
