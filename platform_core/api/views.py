from django.utils import timezone, translation
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, parsers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import autocomplete, selectors, services, signoff
from ..importers import OrganisationImporter
from ..notifications import recipient_language, render_notifications
from ..models import (
    ImportRun, IndustryChain, IndustryNode, Notification, NotificationPreference, Organisation, Region,
    SignoffRequest, TechField,
)
from ..permissions import organisations_administered_by
from . import serializers as s
from .permissions import ObjectRulesPermission


class MeView(APIView):
    @extend_schema(responses=s.MeSerializer)
    def get(self, request):
        return Response(s.MeSerializer(request.user).data)


class AutocompleteView(APIView):
    """Search one registered source (platform_core.autocomplete) for a searchable select box."""

    @extend_schema(responses=s.AutocompleteResultsSerializer)
    def get(self, request, source: str):
        if source not in autocomplete.SOURCES:
            raise NotFound()
        params = {k: v for k, v in request.query_params.items() if k != "q"}
        results = autocomplete.search(source, user=request.user, query=request.query_params.get("q", ""),
                                      params=params)
        return Response({"results": results})


class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Region.objects.all()
    serializer_class = s.RegionSerializer
    filterset_fields = ["parent", "code"]
    search_fields = ["name_zh", "name_en", "code"]


class TechFieldViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = TechField.objects.all()
    serializer_class = s.TechFieldSerializer
    filterset_fields = ["parent", "code"]
    search_fields = ["name_zh", "name_en", "code"]


class IndustryChainViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = IndustryChain.objects.prefetch_related("nodes")
    serializer_class = s.IndustryChainSerializer
    search_fields = ["name_zh", "name_en", "code"]


class IndustryNodeViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = IndustryNode.objects.select_related("chain")
    serializer_class = s.IndustryNodeSerializer
    filterset_fields = ["chain", "segment", "code"]
    search_fields = ["name_zh", "name_en", "code"]


class OrganisationViewSet(viewsets.ModelViewSet):
    """Organisation directory. Anyone signed in reads; org admins edit their own; staff create."""

    serializer_class = s.OrganisationSerializer
    permission_classes = viewsets.ModelViewSet.permission_classes + [ObjectRulesPermission]
    object_perms = {"PUT": "platform.change_organisation", "PATCH": "platform.change_organisation",
                    "DELETE": "platform.add_organisation"}
    filterset_fields = ["kind", "region", "is_fortune_global_500", "is_china_top_500", "industry_nodes", "parent"]
    search_fields = ["name_zh", "name_en", "credit_code"]
    ordering_fields = ["name_zh", "created_at"]

    def get_queryset(self):
        return Organisation.objects.select_related("region").prefetch_related("industry_nodes", "fields")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.organisation_create(
            actor=self.request.user, industry_nodes=data.pop("industry_nodes", []),
            fields=data.pop("fields", []), **data,
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.organisation_update(
            actor=self.request.user, organisation=serializer.instance,
            industry_nodes=data.pop("industry_nodes", None), fields=data.pop("fields", None), **data,
        )

    @extend_schema(request={"multipart/form-data": s.ImportUploadSerializer}, responses=s.ImportRunSerializer)
    @action(detail=False, methods=["post"], url_path="import",
            parser_classes=[parsers.MultiPartParser, parsers.FormParser])
    def import_file(self, request):
        upload = s.ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        run = OrganisationImporter(actor=request.user).start(upload.validated_data["file"])
        code = (status.HTTP_400_BAD_REQUEST if run.file_error else
                status.HTTP_201_CREATED if run.is_finished else status.HTTP_202_ACCEPTED)
        return Response(s.ImportRunSerializer(run).data, status=code)


class MembershipViewSet(mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet):
    """Members of your organisations. Org admins add roles (POST) and remove them (DELETE)."""

    serializer_class = s.MembershipSerializer
    filterset_fields = ["organisation", "role", "is_active", "user"]
    search_fields = ["user__username", "user__display_name", "title"]

    def get_queryset(self):
        return selectors.memberships_visible_to(self.request.user)

    def perform_create(self, serializer):
        data = serializer.validated_data
        organisation = data["organisation"]
        if not organisations_administered_by(self.request.user).filter(pk=organisation.pk).exists():
            raise PermissionDenied("您不是该单位的管理员。/ You do not administer this organisation.")
        user = services.find_user(data["user_identifier"])
        serializer.instance = services.membership_add(
            actor=self.request.user, organisation=organisation, user=user, role=data["role"],
            title=data.get("title", ""),
        )

    def perform_destroy(self, instance):
        services.membership_remove(actor=self.request.user, membership=instance)


class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Notification.objects.none()  # for the schema; get_queryset scopes to the user
    serializer_class = s.NotificationSerializer
    filterset_fields = ["event"]

    def get_queryset(self):
        qs = Notification.objects.filter(recipient=self.request.user)
        if self.request.query_params.get("unread") in {"1", "true"}:
            qs = qs.filter(read_at__isnull=True)
        return qs

    def _rendered(self, rows):
        """Written in the recipient's language, whatever language the API call came in."""
        user = self.request.user
        with translation.override(recipient_language(user)):
            return render_notifications(rows, reader=user)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return self._rendered(page) if page is not None else None

    def get_object(self):
        return self._rendered([super().get_object()])[0]

    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        notification.read_at = notification.read_at or timezone.now()
        notification.save(update_fields=["read_at"])
        return Response(self.get_serializer(notification).data)

    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        count = self.get_queryset().filter(read_at__isnull=True).update(read_at=timezone.now())
        return Response({"marked_read": count})


class NotificationPreferenceViewSet(viewsets.ModelViewSet):
    queryset = NotificationPreference.objects.none()
    serializer_class = s.NotificationPreferenceSerializer
    pagination_class = None

    def get_queryset(self):
        return NotificationPreference.objects.filter(user=self.request.user)

    def perform_create(self, serializer):
        serializer.instance, _ = NotificationPreference.objects.update_or_create(
            user=self.request.user, event=serializer.validated_data["event"],
            defaults={"delivery": serializer.validated_data["delivery"]},
        )


class SignoffViewSet(viewsets.ReadOnlyModelViewSet):
    """Joint sign-off requests you sign, requested, or (staff) all. `?awaiting=1` for your queue."""

    queryset = SignoffRequest.objects.none()
    serializer_class = s.SignoffRequestSerializer
    filterset_fields = ["kind", "status"]

    def get_queryset(self):
        user = self.request.user
        qs = signoff.signoffs_awaiting(user) if self.request.query_params.get("awaiting") in {"1", "true"} \
            else signoff.signoffs_visible_to(user)
        return qs.select_related("target_type").prefetch_related(
            "parties__organisation", "parties__signatories", "signatures__signer")

    @extend_schema(request=s.SignInputSerializer, responses=s.SignoffRequestSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        obj = self.get_object()
        data = s.SignInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        signoff.signoff_sign(actor=request.user, request_id=obj.pk, party_id=data.validated_data.get("party"))
        return Response(self.get_serializer(self.get_queryset().get(pk=obj.pk)).data)

    @extend_schema(request=s.RejectInputSerializer, responses=s.SignoffRequestSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        obj = self.get_object()
        data = s.RejectInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        signoff.signoff_reject(actor=request.user, request_id=obj.pk, reason=data.validated_data["reason"],
                               party_id=data.validated_data.get("party"))
        return Response(self.get_serializer(self.get_queryset().get(pk=obj.pk)).data)


class ImportRunViewSet(viewsets.ReadOnlyModelViewSet):
    """Your imports (staff: all). The list gives the counts; a run's own URL adds its per-row errors."""

    queryset = ImportRun.objects.none()
    serializer_class = s.ImportRunSerializer
    filterset_fields = ["kind"]

    def get_serializer_class(self):
        return s.ImportRunSummarySerializer if self.action == "list" else s.ImportRunSerializer

    def get_queryset(self):
        qs = ImportRun.objects.all()
        if self.action == "list":
            qs = qs.defer("errors")
        return qs if self.request.user.is_staff else qs.filter(actor=self.request.user)
