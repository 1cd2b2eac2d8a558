"""REST API of transfer income: contracts, receipts, royalty reports, payouts and the annual report.

Lists come from the selectors (forbidden == 404); writes go through the services, which check
permissions again; distributions and payouts appear only to those allowed to read them."""
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from platform_core.models import Organisation
from platform_core.visibility import VisibleRelatedField

from .. import selectors, services
from ..autocomplete import _income_centers, _income_projects
from ..models import AnnualReport, Contract, Distribution, Payout, Receipt
from ..pagination import LateRowPagination
from ..permissions import report_institutions


class DistributionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Distribution
        fields = ["inventors_percent", "school_percent", "tto_percent", "university_percent", "inventors_amount",
                  "school_amount", "tto_amount", "university_amount"]


class ReceiptSerializer(serializers.ModelSerializer):
    distribution = serializers.SerializerMethodField()

    class Meta:
        model = Receipt
        fields = ["id", "contract", "received_on", "amount", "form", "note", "over_reason", "royalty_report",
                  "distribution", "created_at"]

    @extend_schema_field(DistributionSerializer(allow_null=True))
    def get_distribution(self, obj) -> dict | None:
        """The split, for the institution's TTO and the school's brokers only."""
        if not self.context.get("split_open"):
            return None
        distribution = getattr(obj, "distribution", None)
        return DistributionSerializer(distribution).data if distribution else None


class ContractSerializer(serializers.ModelSerializer):
    received = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    institution = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.none())
    counterparty = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.filter(kind="enterprise"),
                                                      required=False, allow_null=True)
    joint_center = VisibleRelatedField(lambda user: _income_centers(user, {}), required=False, allow_null=True)
    project = VisibleRelatedField(lambda user: _income_projects(user, {}), required=False, allow_null=True)
    amount = serializers.CharField()

    class Meta:
        model = Contract
        fields = ["id", "institution", "school", "kind", "licence_type", "title", "deal", "achievement",
                  "counterparty", "joint_center", "project", "amount", "received", "signed_on",
                  "registration_number", "registration_date", "created_at"]
        read_only_fields = ["school", "licence_type", "deal", "achievement", "created_at", "received"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:  # related rows restricted to what the writer may use (issue 12 §4)
            self.fields["institution"].queryset = report_institutions(request.user)


class ReceiptInputSerializer(serializers.Serializer):
    received_on = serializers.DateField()
    amount = serializers.CharField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    over_reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class RoyaltyInputSerializer(ReceiptInputSerializer):
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    sales_amount = serializers.CharField(required=False, default="0")
    amount = None
    royalty_amount = serializers.CharField()


class PayoutSerializer(serializers.ModelSerializer):
    contract = serializers.IntegerField(source="distribution.receipt.contract_id", read_only=True)
    received_on = serializers.DateField(source="distribution.receipt.received_on", read_only=True)
    person_name = serializers.CharField(source="person.__str__", read_only=True)

    class Meta:
        model = Payout
        fields = ["id", "contract", "received_on", "person", "person_name", "kind", "amount", "shares", "status",
                  "tax_treatment", "approved_at", "paid_on"]
        read_only_fields = fields


class PayoutPaidSerializer(serializers.Serializer):
    paid_on = serializers.DateField()


class PayoutApproveSerializer(serializers.Serializer):
    tax_treatment = serializers.ChoiceField(choices=Payout.Tax.choices, required=False)


class AnnualReportSerializer(serializers.ModelSerializer):
    institution = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.none())

    class Meta:
        model = AnnualReport
        fields = ["id", "institution", "year", "version", "status", "progress", "narrative", "notes", "data",
                  "submitted_to", "submitted_at", "generated_at", "created_at"]
        read_only_fields = ["version", "status", "progress", "data", "submitted_to", "submitted_at",
                            "generated_at", "created_at"]
        validators = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["institution"].queryset = report_institutions(request.user)


class ContractViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Technology contracts (the deals' and development / consulting / service contracts) with money received."""
    queryset = Contract.objects.none()
    serializer_class = ContractSerializer
    pagination_class = LateRowPagination
    filterset_fields = ["kind", "institution", "achievement", "counterparty"]
    search_fields = ["title", "registration_number"]
    ordering_fields = ["signed_on", "amount"]

    def get_queryset(self):
        return selectors.with_received(selectors.contracts_visible_to(self.request.user)).order_by("-signed_on", "-id")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.contract_create(actor=self.request.user, **data)
        serializer.instance.received = 0

    def _receipt_response(self, contract, receipt):
        context = {**self.get_serializer_context(),
                   "split_open": self.request.user.has_perm("transfer.view_income_split", contract)}
        return Response(ReceiptSerializer(receipt, context=context).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ReceiptSerializer(many=True))
    @action(detail=True, methods=["get"])
    def ledger(self, request, pk=None):
        """The contract's receipts, each with its distribution when you may read it."""
        contract = self.get_object()
        context = {**self.get_serializer_context(),
                   "split_open": request.user.has_perm("transfer.view_income_split", contract)}
        receipts = contract.receipts.select_related("distribution").order_by("-received_on", "-id")
        page = self.paginate_queryset(receipts)
        return self.get_paginated_response(ReceiptSerializer(page, many=True, context=context).data)

    @extend_schema(request=ReceiptInputSerializer, responses={201: ReceiptSerializer})
    @action(detail=True, methods=["post"])
    def receipts(self, request, pk=None):
        data = ReceiptInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        contract = self.get_object()
        receipt = services.receipt_record(actor=request.user, contract=contract, **data.validated_data)
        return self._receipt_response(contract, receipt)

    @extend_schema(request=RoyaltyInputSerializer, responses={201: ReceiptSerializer})
    @action(detail=True, methods=["post"], url_path="royalty-reports")
    def royalty_reports(self, request, pk=None):
        data = RoyaltyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        contract = self.get_object()
        report = services.royalty_report_record(actor=request.user, contract=contract, **data.validated_data)
        return self._receipt_response(contract, report.receipt)


class PayoutViewSet(viewsets.ReadOnlyModelViewSet):
    """Payouts: all of the contracts you handle (TTO), or your own (inventors)."""
    queryset = Payout.objects.none()
    serializer_class = PayoutSerializer
    filterset_fields = ["status", "kind", "person"]
    ordering_fields = ["created_at", "amount"]

    def get_queryset(self):
        return selectors.payouts_visible_to(self.request.user).order_by("-created_at", "-id")

    @extend_schema(request=PayoutApproveSerializer, responses=PayoutSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        data = PayoutApproveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        payout = services.payout_approve(actor=request.user, payout=self.get_object(),
                                         tax_treatment=data.validated_data.get("tax_treatment"))
        return Response(self.get_serializer(payout).data)

    @extend_schema(request=PayoutPaidSerializer, responses=PayoutSerializer)
    @action(detail=True, methods=["post"])
    def paid(self, request, pk=None):
        data = PayoutPaidSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        payout = services.payout_mark_paid(actor=request.user, payout=self.get_object(), **data.validated_data)
        return Response(self.get_serializer(payout).data)


class AnnualReportViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Annual reports: create = generate a new version (computed in the background; poll `status`)."""
    queryset = AnnualReport.objects.none()
    serializer_class = AnnualReportSerializer
    filterset_fields = ["institution", "year", "status"]

    def get_queryset(self):
        return selectors.annual_reports_visible_to(self.request.user)

    def perform_create(self, serializer):
        try:
            serializer.instance = services.annual_report_generate(actor=self.request.user,
                                                                  **serializer.validated_data)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc))
