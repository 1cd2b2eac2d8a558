"""REST API of technology transfer; same rules as the pages (services check permissions again)."""
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, parsers, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.generics import get_object_or_404  # a malformed id is a 404, not a 500
from rest_framework.response import Response
from rest_framework.views import APIView

from platform_core.api.permissions import ObjectRulesPermission
from platform_core.api.serializers import ImportRunSerializer, ImportUploadSerializer
from platform_core.models import IndustryChain, IndustryNode

from .. import selectors, services
from ..importers import AchievementImporter, PatentImporter
from ..models import Achievement, Deal, IncubatedCompany, Incubator, LicenceType, Patent, Push, Roadshow
from ..pagination import LateRowPagination
from . import serializers as s

WRITE_FIELDS_ACHIEVEMENT = {"title", "abstract", "confidential_detail", "keywords", "field", "industry_node", "trl",
                            "school", "inventor_names", "external_ref"}


def _import(request, importer_class):
    upload = ImportUploadSerializer(data=request.data)
    upload.is_valid(raise_exception=True)
    try:
        run = importer_class(actor=request.user).start(upload.validated_data["file"])
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc))
    code = (status.HTTP_400_BAD_REQUEST if run.file_error else
            status.HTTP_201_CREATED if run.is_finished else status.HTTP_202_ACCEPTED)  # 202: still importing
    return Response(ImportRunSerializer(run).data, status=code)


class AchievementViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The achievement pool as the user may see it. TTO staff and brokers of the owner create, edit, screen,
    assign brokers and push; the confidential detail is only in the output for those entitled to it."""

    queryset = Achievement.objects.none()  # for the schema; requests use get_queryset()
    pagination_class = LateRowPagination
    serializer_class = s.AchievementSerializer
    permission_classes = [permissions.IsAuthenticated, ObjectRulesPermission]
    object_perms = {"PUT": "transfer.change_achievement", "PATCH": "transfer.change_achievement"}
    filterset_fields = ["status", "owner", "school", "industry_node", "industry_node__chain", "field", "trl",
                        "broker", "source"]
    search_fields = ["title", "abstract", "external_ref", "inventor_names"]
    ordering_fields = ["created_at", "trl", "title", "screened_at"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        user = self.request.user
        return selectors.with_confidential_access(selectors.achievements_visible_to(user), user).prefetch_related(
            "co_owners", "inventors", "patents")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.achievement_create(actor=self.request.user, **data)

    def perform_update(self, serializer):
        data = {k: v for k, v in serializer.validated_data.items() if k in WRITE_FIELDS_ACHIEVEMENT}
        extra = {k: serializer.validated_data[k] for k in ("inventors", "co_owners") if k in serializer.validated_data}
        serializer.instance = services.achievement_update(actor=self.request.user, achievement=serializer.instance,
                                                          **data, **extra)

    @extend_schema(request=s.ScreenInputSerializer, responses=s.AchievementSerializer)
    @action(detail=True, methods=["post"])
    def screen(self, request, pk=None):
        data = s.ScreenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        achievement = services.achievement_screen(actor=request.user, achievement=self.get_object(),
                                                  reason=data.validated_data["reason"])
        return Response(self.get_serializer(achievement).data)

    @extend_schema(request=s.ScreenInputSerializer, responses=s.AchievementSerializer)
    @action(detail=True, methods=["post"])
    def unscreen(self, request, pk=None):
        data = s.ScreenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        achievement = services.achievement_return_to_stock(actor=request.user, achievement=self.get_object(),
                                                           reason=data.validated_data["reason"])
        return Response(self.get_serializer(achievement).data)

    @extend_schema(request=s.AssignBrokerInputSerializer, responses=s.AchievementSerializer)
    @action(detail=True, methods=["post"], url_path="assign-broker")
    def assign_broker(self, request, pk=None):
        data = s.AssignBrokerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        achievement = services.achievement_assign_broker(actor=request.user, achievement=self.get_object(),
                                                         broker=data.validated_data["broker"])
        return Response(self.get_serializer(achievement).data)

    @extend_schema(request=s.ListingTermsInputSerializer, responses=s.AchievementSerializer)
    @action(detail=True, methods=["post"])
    def terms(self, request, pk=None):
        data = s.ListingTermsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        achievement = services.achievement_set_terms(actor=request.user, achievement=self.get_object(),
                                                     **data.validated_data)
        return Response(self.get_serializer(achievement).data)

    @extend_schema(request=s.PushInputSerializer, responses={201: s.PushSerializer})
    @action(detail=True, methods=["post"])
    def push(self, request, pk=None):
        data = s.PushInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        push = services.push_create(actor=request.user, achievement=self.get_object(), **data.validated_data)
        return Response(s.PushSerializer(push, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(responses=s.PoolSummarySerializer)
    @action(detail=False, methods=["get"])
    def summary(self, request):
        """Stock vs screened over the achievements you can see."""
        return Response(selectors.pool_summary(self.get_queryset()))

    @extend_schema(request={"multipart/form-data": ImportUploadSerializer}, responses=ImportRunSerializer)
    @action(detail=False, methods=["post"], url_path="import",
            parser_classes=[parsers.MultiPartParser, parsers.FormParser])
    def import_file(self, request):
        return _import(request, AchievementImporter)

    @extend_schema(responses=s.ProjectHandOverSerializer(many=True))
    @action(detail=False, methods=["get"], url_path="awaiting-hand-over")
    def awaiting_hand_over(self, request):
        """Solved projects of your university side whose result is not yet in the pool."""
        page = self.paginate_queryset(selectors.projects_awaiting_hand_over(request.user))
        return self.get_paginated_response(s.ProjectHandOverSerializer(page, many=True).data)

    @extend_schema(request=s.HandOverInputSerializer, responses={201: s.AchievementSerializer,
                                                                 200: s.AchievementSerializer})
    @action(detail=False, methods=["post"], url_path="from-project")
    def from_project(self, request):
        """Put a solved project's result into the pool; 200 with the existing achievement if it is there already."""
        data = s.HandOverInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        project = get_object_or_404(selectors.projects_for_hand_over_lookup(request.user),
                                    pk=data.validated_data["project"])
        try:
            achievement, created = services.achievement_create_from_project(
                actor=request.user, project=project, industry_node=data.validated_data["industry_node"])
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        return Response(self.get_serializer(achievement).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class SupermarketViewSet(viewsets.ReadOnlyModelViewSet):
    """技术成果超市: screened achievements, public fields only, open without signing in."""

    queryset = Achievement.objects.none()  # for the schema; requests use get_queryset()
    pagination_class = LateRowPagination
    serializer_class = s.AchievementPublicSerializer
    permission_classes = [permissions.AllowAny]
    filterset_fields = ["industry_node", "industry_node__chain", "field", "trl", "owner"]
    search_fields = ["title", "abstract"]
    ordering_fields = ["screened_at", "trl"]

    def get_queryset(self):
        params = self.request.query_params
        licence_type = params.get("licence_type", "")
        if licence_type and licence_type not in LicenceType.values:
            raise ValidationError({"licence_type": [_("Unknown licence type.")]})
        max_price = params.get("max_price")
        try:
            max_price = Decimal(max_price) if max_price not in (None, "") else None
        except InvalidOperation:
            raise ValidationError({"max_price": [_("Give the budget as an amount in yuan.")]})
        return selectors.supermarket_achievements(licence_type=licence_type, max_price=max_price)

    @extend_schema(request=s.InquiryInputSerializer, responses={201: s.InquirySerializer})
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def inquire(self, request, pk=None):
        """Ask the technology-transfer office about a listed achievement (a lead in the push funnel)."""
        data = s.InquiryInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        inquiry = services.achievement_inquire(actor=request.user, achievement=self.get_object(),
                                               **data.validated_data)
        return Response(s.InquirySerializer(inquiry).data, status=status.HTTP_201_CREATED)


class PatentViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Patent.objects.none()  # for the schema; requests use get_queryset()
    serializer_class = s.PatentSerializer
    permission_classes = [permissions.IsAuthenticated, ObjectRulesPermission]
    object_perms = {"PUT": "transfer.change_patent", "PATCH": "transfer.change_patent"}
    filterset_fields = ["patent_type", "legal_status", "owner", "achievements"]
    search_fields = ["application_number", "publication_number", "title"]
    ordering_fields = ["filing_date", "next_fee_due", "grant_date"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.patents_visible_to(self.request.user).prefetch_related("achievements")

    def perform_create(self, serializer):
        serializer.instance = services.patent_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("application_number", None)
        data.pop("publication_number", None)
        data.pop("patent_type", None)
        serializer.instance = services.patent_update(actor=self.request.user, patent=serializer.instance, **data)

    @extend_schema(request=None, responses=s.PatentSerializer)
    @action(detail=True, methods=["post"], url_path="fee-paid")
    def fee_paid(self, request, pk=None):
        patent = services.patent_record_fee_paid(actor=request.user, patent=self.get_object())
        return Response(self.get_serializer(patent).data)

    @extend_schema(request={"multipart/form-data": ImportUploadSerializer}, responses=ImportRunSerializer)
    @action(detail=False, methods=["post"], url_path="import",
            parser_classes=[parsers.MultiPartParser, parsers.FormParser])
    def import_file(self, request):
        return _import(request, PatentImporter)


class PushViewSet(viewsets.ReadOnlyModelViewSet):
    """Pushes of your achievements, or to your enterprise. Reading changes nothing: the enterprise records
    that it has seen a push with POST …/view/ (the push page does so when the enterprise opens it)."""

    queryset = Push.objects.none()  # for the schema; requests use get_queryset()
    pagination_class = LateRowPagination
    serializer_class = s.PushSerializer
    filterset_fields = ["status", "source", "enterprise", "achievement"]
    ordering_fields = ["created_at"]

    def get_queryset(self):
        return selectors.pushes_visible_to(self.request.user)

    @extend_schema(request=None, responses=s.PushSerializer)
    @action(detail=True, methods=["post"])
    def view(self, request, pk=None):
        push = services.push_mark_viewed(actor=request.user, push=self.get_object())
        return Response(self.get_serializer(push).data)

    def _answer(self, request, service, note_argument: str):
        data = s.PushAnswerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        push = service(actor=request.user, push=self.get_object(), **{note_argument: data.validated_data["note"]})
        return Response(self.get_serializer(push).data)

    @extend_schema(request=s.PushAnswerInputSerializer, responses=s.PushSerializer)
    @action(detail=True, methods=["post"])
    def interest(self, request, pk=None):
        return self._answer(request, services.push_express_interest, "note")

    @extend_schema(request=s.PushAnswerInputSerializer, responses=s.PushSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        return self._answer(request, services.push_decline, "reason")

    @extend_schema(request=None, responses=s.PushSerializer)
    @action(detail=True, methods=["post"])
    def negotiate(self, request, pk=None):
        push = services.push_start_negotiation(actor=request.user, push=self.get_object())
        return Response(self.get_serializer(push).data)


class DealViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Deal.objects.none()  # for the schema; requests use get_queryset()
    pagination_class = LateRowPagination
    serializer_class = s.DealSerializer
    filterset_fields = ["kind", "achievement", "counterparty"]
    ordering_fields = ["signed_on", "price"]

    def get_queryset(self):
        return selectors.with_split_access(selectors.deals_visible_to(self.request.user), self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        shares = [{"user": share.get("beneficiary_user"), "organisation": share.get("beneficiary_organisation"),
                   "name": share.get("beneficiary_name", ""), "percent": share.get("percent")}
                  for share in data.pop("revenue_shares")]
        achievement = data.pop("achievement")
        if not self.request.user.has_perm("transfer.view_achievement", achievement):
            raise PermissionDenied()
        serializer.instance = services.deal_create(actor=self.request.user, achievement=achievement,
                                                   shares=shares, **data)


class IncubatorViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Incubator.objects.none()  # for the schema; requests use get_queryset()
    serializer_class = s.IncubatorSerializer
    permission_classes = [permissions.IsAuthenticated, ObjectRulesPermission]
    object_perms = {"PUT": "transfer.change_incubator", "PATCH": "transfer.change_incubator"}
    filterset_fields = ["host", "partner_university"]
    search_fields = ["name"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.incubators_visible_to(self.request.user).prefetch_related("industry_nodes")

    def perform_create(self, serializer):
        serializer.instance = services.incubator_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("host", None)
        serializer.instance = services.incubator_update(actor=self.request.user, incubator=serializer.instance,
                                                        **data)


class IncubatedCompanyViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    queryset = IncubatedCompany.objects.none()  # for the schema; requests use get_queryset()
    serializer_class = s.IncubatedCompanySerializer
    permission_classes = [permissions.IsAuthenticated, ObjectRulesPermission]
    object_perms = {"PUT": "transfer.change_incubatedcompany", "PATCH": "transfer.change_incubatedcompany"}
    filterset_fields = ["incubator", "stage", "industry_node", "industry_node__chain"]
    search_fields = ["name", "founder_names"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.companies_visible_to(self.request.user).prefetch_related("founders", "achievements")

    def perform_create(self, serializer):
        serializer.instance = services.company_admit(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        for fixed in ("incubator", "admitted_on"):
            data.pop(fixed, None)
        serializer.instance = services.company_update(actor=self.request.user, company=serializer.instance, **data)


class WorkbenchView(APIView):
    """The broker's queue in numbers: portfolio, stock to screen, pushes to follow up, fee deadlines, and the
    figures per school and per broker."""

    @extend_schema(responses=s.WorkbenchSerializer)
    def get(self, request):
        user = request.user
        if not user.has_perm("transfer.use_workbench"):
            raise PermissionDenied()
        return Response({
            "portfolio": selectors.broker_portfolio(user).count(),
            "screening_queue": selectors.screening_queue(user).count(),
            "pushes_awaiting_follow_up": selectors.pushes_awaiting_follow_up(user).count(),
            "fee_deadlines": selectors.fee_deadlines(user).count(),
            "projects_awaiting_hand_over": selectors.projects_awaiting_hand_over(user).count(),
            "funnel": selectors.push_funnel(selectors.pushes_of_managed_achievements(user)),
            "deals_by_kind": selectors.count_deals_by_kind(selectors.deals_visible_to(user)),
            "kpis_by_school": s.TransferKpiSerializer(selectors.transfer_kpis(user, by="school"), many=True).data,
            "kpis_by_broker": s.TransferKpiSerializer(selectors.transfer_kpis(user, by="broker"), many=True).data,
        })


class ChainViewSet(viewsets.ViewSet):
    """两围绕: industry chains with demand (enterprises, live challenges) and supply (achievements, capabilities,
    centers, incubated companies) per node, and the gaps. Figures count the whole platform."""

    queryset = IndustryChain.objects.none()  # types the path parameter in the schema

    @extend_schema(responses=s.ChainSummarySerializer(many=True))
    def list(self, request):
        return Response(s.ChainSummarySerializer(selectors.chains_overview(), many=True).data)

    @extend_schema(responses=s.ChainOverviewSerializer)
    def retrieve(self, request, pk=None):
        return self.overview(request, pk)

    @extend_schema(responses=s.ChainOverviewSerializer)
    @action(detail=True, methods=["get"])
    def overview(self, request, pk=None):
        chain = get_object_or_404(IndustryChain, pk=pk)
        return Response(s.ChainOverviewSerializer(selectors.chain_overview(chain)).data)


class ChainNodeViewSet(viewsets.ViewSet):
    """One node of a chain: its figures and the records there that you may see."""

    queryset = IndustryNode.objects.none()  # types the path parameter in the schema

    @extend_schema(responses=s.NodeDetailSerializer)
    def retrieve(self, request, pk=None):
        node = get_object_or_404(IndustryNode.objects.select_related("chain"), pk=pk)
        return Response(s.NodeDetailSerializer(selectors.node_detail(node, user=request.user)).data)


class RoadshowViewSet(viewsets.ReadOnlyModelViewSet):
    """路演: roadshows of listed achievements; enterprises register, organisers read the registrations."""

    queryset = Roadshow.objects.none()  # for the schema; requests use get_queryset()
    serializer_class = s.RoadshowSerializer
    search_fields = ["title", "place"]
    ordering_fields = ["starts_at", "registration_deadline"]

    def get_queryset(self):
        return selectors.roadshows_visible_to(self.request.user).prefetch_related("achievements")

    @extend_schema(request=s.RoadshowInputSerializer, responses={201: s.RoadshowSerializer})
    def create(self, request):
        data = s.RoadshowInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        roadshow = services.roadshow_create(actor=request.user, organiser=fields.pop("organiser"),
                                            achievements=fields.pop("achievements"), **fields)
        roadshow = self.get_queryset().get(pk=roadshow.pk)
        return Response(self.get_serializer(roadshow).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.RoadshowRegisterInputSerializer, responses={201: s.RoadshowRegistrationSerializer})
    @action(detail=True, methods=["post"])
    def register(self, request, pk=None):
        data = s.RoadshowRegisterInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        registration = services.roadshow_register(actor=request.user, roadshow=self.get_object(),
                                                  **data.validated_data)
        return Response(s.RoadshowRegistrationSerializer(registration).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        services.roadshow_cancel(actor=request.user, roadshow=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses=s.RoadshowRegistrationSerializer(many=True))
    @action(detail=True, methods=["get"])
    def registrations(self, request, pk=None):
        roadshow = self.get_object()
        if not request.user.has_perm("transfer.change_roadshow", roadshow):
            raise PermissionDenied(_("Only the organiser reads the registrations."))
        rows = roadshow.registrations.select_related("user", "enterprise")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.RoadshowRegistrationSerializer(page, many=True).data)
