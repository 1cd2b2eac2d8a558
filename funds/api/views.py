"""REST API of the capital chain: the same selectors, rules and services as the pages."""
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from platform_core.api.permissions import ObjectRulesPermission

from .. import selectors, services
from ..models import Fund
from . import serializers as s

WITH_OBJECT_RULES = viewsets.ModelViewSet.permission_classes + [ObjectRulesPermission]


class FundViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Funds. Everyone signed in reads the registry; fund managers create and change their organisation's funds."""

    queryset = Fund.objects.none()  # for the schema; requests use get_queryset()
    permission_classes = WITH_OBJECT_RULES
    object_perms = {"PUT": "funds.change_fund", "PATCH": "funds.change_fund"}
    filterset_fields = ["kind", "status", "manager", "currency", "vintage_year", "focus_chains"]
    search_fields = ["name_zh", "name_en", "manager__name_zh"]
    ordering_fields = ["vintage_year", "committed_size", "name_zh"]

    def get_queryset(self):
        return selectors.with_portfolio(self.request.user, selectors.funds_visible_to(self.request.user))

    def get_serializer_class(self):
        return s.FundUpdateSerializer if self.action in {"update", "partial_update"} else s.FundSerializer

    def perform_create(self, serializer):
        fund = services.fund_create(actor=self.request.user, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=fund.pk)

    def perform_update(self, serializer):
        fund = services.fund_update(actor=self.request.user, fund=serializer.instance, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=fund.pk)


class InvestmentViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Investments you may see (your organisation's fund, company or project; program officers all).
    POST records one for a fund you manage; refused beyond the fund's committed size."""

    serializer_class = s.InvestmentSerializer
    filterset_fields = ["fund", "company", "project", "round"]
    ordering_fields = ["invested_on", "amount"]

    def get_queryset(self):
        return selectors.investments_visible_to(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.investment_record(actor=self.request.user, **serializer.validated_data)


class CommitmentViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Enterprise R&D investment and government subsidies into centers and projects.
    The source organisation's R&D managers / program officers (and org admins) manage them."""

    permission_classes = WITH_OBJECT_RULES
    object_perms = {"PUT": "funds.change_commitment", "PATCH": "funds.change_commitment"}
    filterset_fields = ["kind", "source", "center", "project", "currency"]
    search_fields = ["title", "reference", "source__name_zh"]
    ordering_fields = ["committed_on", "amount"]

    def get_queryset(self):
        return selectors.with_paid_totals(selectors.commitments_visible_to(self.request.user))

    def get_serializer_class(self):
        return s.CommitmentUpdateSerializer if self.action in {"update", "partial_update"} else s.CommitmentSerializer

    def perform_create(self, serializer):
        commitment = services.commitment_create(actor=self.request.user, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=commitment.pk)

    def perform_update(self, serializer):
        commitment = services.commitment_update(actor=self.request.user, commitment=serializer.instance,
                                                **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=commitment.pk)


class TrancheViewSet(mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet):
    """Disbursement tranches of the commitments you may see. `pay` records a payment (source side only,
    after the tied milestone was accepted); DELETE removes a planned tranche."""

    serializer_class = s.TrancheSerializer
    permission_classes = WITH_OBJECT_RULES
    object_perms = {"DELETE": "funds.change_tranche", "POST": "funds.change_tranche"}
    filterset_fields = ["commitment", "status", "milestone"]
    ordering_fields = ["due_on", "paid_on", "amount"]

    def get_queryset(self):
        return selectors.tranches_visible_to(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.tranche_add(actor=self.request.user, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.tranche_remove(actor=self.request.user, tranche=instance)

    @extend_schema(request=s.PayInputSerializer, responses=s.TrancheSerializer)
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None):
        tranche = self.get_object()
        data = s.PayInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tranche = services.tranche_pay(actor=request.user, tranche=tranche, paid_on=data.validated_data.get("paid_on"))
        return Response(self.get_serializer(self.get_queryset().get(pk=tranche.pk)).data)
