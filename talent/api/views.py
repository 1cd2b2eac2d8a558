from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from platform_core.api.permissions import ObjectRulesPermission

from .. import selectors, services
from ..models import DualMentorAssignment, SharedHire, TalentEvidence
from ..services import ShareSpec
from . import serializers as s

OBJECT_PERMISSIONS = [*viewsets.ModelViewSet.permission_classes, ObjectRulesPermission]


def _share_specs(rows) -> list[ShareSpec]:
    return [ShareSpec(r["organisation"], r["salary_percent"], r.get("time_percent") or 0) for r in rows]


class TalentProfileViewSet(viewsets.ModelViewSet):
    """The talent pool. Everyone signed in reads and searches; university HR adds; the person or HR edits."""

    permission_classes = OBJECT_PERMISSIONS
    object_perms = {"PUT": "talent.change_talentprofile", "PATCH": "talent.change_talentprofile",
                    "DELETE": "talent.change_talentprofile"}
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    filterset_fields = ["organisation", "availability", "is_overseas", "fields", "industry_nodes"]
    search_fields = ["name_zh", "name_en", "title", "expertise", "biography", "evidence__title"]
    ordering_fields = ["name_zh", "created_at"]

    def get_serializer_class(self):
        if self.action in {"update", "partial_update"}:
            return s.TalentProfileUpdateSerializer
        return s.TalentProfileSerializer

    def get_queryset(self):
        return selectors.talent_profiles_visible_to(self.request.user).prefetch_related(
            "evidence", "fields", "industry_nodes")

    @extend_schema(responses=s.PerformanceSerializer)
    @action(detail=True, methods=["get"])
    def performance(self, request, pk=None):
        """The performance record: projects, TRL uplift, milestone assessments, achievements converted, income
        and rewards; for the person, the technology-transfer staff and platform administrators."""
        profile = self.get_object()
        if not selectors.can_read_performance(request.user, profile):
            raise PermissionDenied()
        record = selectors.performance_record(profile)
        if record is None:
            raise NotFound(_("This profile has no platform account, so no records are linked to it."))
        return Response(s.PerformanceSerializer(record).data)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.talent_profile_create(
            actor=self.request.user, fields=data.pop("fields", []), industry_nodes=data.pop("industry_nodes", []),
            **data,
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.talent_profile_update(
            actor=self.request.user, profile=serializer.instance, fields=data.pop("fields", None),
            industry_nodes=data.pop("industry_nodes", None), **data,
        )


class TalentEvidenceViewSet(mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet):
    """Evidence of profiles (publications, patents, achievements, projects, awards)."""

    serializer_class = s.TalentEvidenceSerializer
    filterset_fields = ["profile", "kind"]

    def get_queryset(self):
        return TalentEvidence.objects.filter(profile__in=selectors.talent_profiles_visible_to(self.request.user))

    def perform_create(self, serializer):
        serializer.instance = services.talent_evidence_add(actor=self.request.user, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.talent_evidence_remove(actor=self.request.user, evidence=instance)


class SharedHireViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """校招共用 agreements visible to their parties. University HR creates and edits drafts, submits for signature
    (each party signs at `/api/signoffs/<id>/sign/`), renews and terminates."""

    queryset = SharedHire.objects.none()  # for the schema; requests use get_queryset()
    permission_classes = OBJECT_PERMISSIONS
    object_perms = {"PUT": "talent.change_sharedhire", "PATCH": "talent.change_sharedhire"}
    filterset_fields = ["status", "university", "talent"]
    search_fields = ["talent__name_zh", "position"]
    ordering_fields = ["start_date", "created_at"]

    def get_serializer_class(self):
        if self.action in {"update", "partial_update"}:
            return s.SharedHireUpdateSerializer
        return s.SharedHireSerializer

    def get_queryset(self):
        return selectors.with_shares(selectors.shared_hires_visible_to(self.request.user))

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.shared_hire_create(
            actor=self.request.user, shares=_share_specs(data.pop("shares")), **data,
        )

    def perform_update(self, serializer):
        hire, data = serializer.instance, serializer.validated_data
        shares = _share_specs(data["shares"]) if "shares" in data else services.share_specs_of(hire)
        serializer.instance = services.shared_hire_update(
            actor=self.request.user, hire=hire, shares=shares,
            **{f: data.get(f, getattr(hire, f)) for f in
               ("position", "annual_cost", "start_date", "end_date", "notes")},
        )

    def _respond(self, hire):
        return Response(s.SharedHireSerializer(self.get_queryset().get(pk=hire.pk)).data)

    @extend_schema(request=None, responses=s.SharedHireSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._respond(services.shared_hire_submit(actor=request.user, hire=self.get_object()))

    @extend_schema(request=s.RenewInputSerializer, responses=s.SharedHireSerializer)
    @action(detail=True, methods=["post"])
    def renew(self, request, pk=None):
        data = s.RenewInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        renewal = services.shared_hire_renew(actor=request.user, hire=self.get_object(), **data.validated_data)
        return self._respond(renewal)

    @extend_schema(request=s.TerminateInputSerializer, responses=s.SharedHireSerializer)
    @action(detail=True, methods=["post"])
    def terminate(self, request, pk=None):
        data = s.TerminateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._respond(services.shared_hire_terminate(actor=request.user, hire=self.get_object(),
                                                            **data.validated_data))

    @extend_schema(request=None, responses=s.CostLineSerializer(many=True))
    @action(detail=True, methods=["get"])
    def costs(self, request, pk=None):
        """Each party's cost per calendar year, prorated by contract months."""
        return Response(s.CostLineSerializer(selectors.hire_cost_lines(self.get_object()), many=True).data)


class CostReportView(GenericAPIView):
    """Cost per party per year over the agreements in effect you can see (`?organisation=&year=`), paginated."""

    serializer_class = s.CostReportRowSerializer
    filter_backends = []  # the rows are computed, not a queryset; the query serializer filters them

    @extend_schema(parameters=[s.CostReportQuerySerializer], responses=s.CostReportRowSerializer(many=True))
    def get(self, request):
        query = s.CostReportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        hires = selectors.cost_report_hires_visible_to(request.user, **query.validated_data)
        rows = selectors.cost_report(hires)
        year = query.validated_data.get("year")
        if year is not None:
            rows = [r for r in rows if r["year"] == year]
        return self.get_paginated_response(self.get_serializer(self.paginate_queryset(rows), many=True).data)


class EnterpriseMentorViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The enterprise mentor pool; university HR appoints."""

    serializer_class = s.EnterpriseMentorSerializer
    filterset_fields = ["organisation", "university", "user", "fields"]
    search_fields = ["user__display_name", "user__username", "title", "expertise"]
    ordering_fields = ["term_start", "created_at"]

    def get_queryset(self):
        return selectors.enterprise_mentors_visible_to(self.request.user).prefetch_related("fields")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.mentor_appoint(actor=self.request.user, fields=data.pop("fields", []), **data)


class DualMentorAssignmentViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Dual-mentor students. `?mine=1` for the ones you are the student or a mentor of."""

    serializer_class = s.DualMentorAssignmentSerializer
    queryset = DualMentorAssignment.objects.none()  # for the schema; requests use get_queryset()
    permission_classes = OBJECT_PERMISSIONS
    filterset_fields = ["status", "degree", "university", "enterprise", "placement_kind"]
    search_fields = ["student__display_name", "placement_label", "thesis_topic"]
    ordering_fields = ["start_date", "expected_graduation"]

    def get_queryset(self):
        user = self.request.user
        if self.request.query_params.get("mine") in {"1", "true"}:
            return selectors.my_assignments(user)
        return selectors.assignments_visible_to(user)

    def perform_create(self, serializer):
        serializer.instance = services.assignment_create(actor=self.request.user, **serializer.validated_data)

    @extend_schema(request=s.CloseInputSerializer, responses=s.DualMentorAssignmentSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Record graduation or withdrawal."""
        data = s.CloseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assignment = services.assignment_close(actor=request.user, assignment=self.get_object(),
                                               **data.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=assignment.pk)).data)


class TalentCountsView(APIView):
    """人才链 figures for the dashboard: shared talent in effect, enterprise mentors, students trained."""

    @extend_schema(parameters=[s.CountsQuerySerializer], responses=s.TalentCountsSerializer)
    def get(self, request):
        query = s.CountsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(s.TalentCountsSerializer(selectors.talent_counts(**query.validated_data)).data)
