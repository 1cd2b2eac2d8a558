"""Input and output shapes of the funds API. Amounts are Decimal strings in the record's currency."""
from rest_framework import serializers

from platform_core.models import IndustryChain
from platform_core.visibility import VisibleRelatedField

from .. import selectors
from ..models import Currency, Fund, FundingCommitment, Investment, Stage, Tranche

MONEY = {"max_digits": 16, "decimal_places": 2}


class FundSerializer(serializers.ModelSerializer):
    """A fund's public profile; `invested_total` only for readers of its portfolio (removed otherwise).

    Reads a fund annotated by `selectors.with_portfolio` (its total and whether the reader may see it)."""

    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    manager_name = serializers.CharField(source="manager.name_zh", read_only=True)
    focus_stages = serializers.ListField(child=serializers.ChoiceField(choices=Stage.choices), required=False)
    focus_chains = serializers.PrimaryKeyRelatedField(many=True, required=False,
                                                      queryset=IndustryChain.objects.all())
    committed_size = serializers.DecimalField(**MONEY)
    manager = VisibleRelatedField(selectors.fund_managing_organisations)
    invested_total = serializers.DecimalField(**MONEY, read_only=True, required=False)

    class Meta:
        model = Fund
        fields = [
            "id", "name_zh", "name_en", "kind", "kind_display", "manager", "manager_name", "committed_size",
            "currency", "vintage_year", "established_on", "term_ends_on", "focus_chains", "focus_stages", "status",
            "description", "invested_total", "created_at",
        ]
        read_only_fields = ["created_at"]
        validators = []  # the service checks uniqueness with a clearer message

    def to_representation(self, fund):
        data = super().to_representation(fund)
        if not fund.portfolio_readable:
            data.pop("invested_total")
        return data


class FundUpdateSerializer(FundSerializer):
    manager = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta(FundSerializer.Meta):
        read_only_fields = ["created_at"]
        extra_kwargs = {field: {"required": False} for field in ["name_zh", "kind", "committed_size",
                                                                 "vintage_year"]}


class InvestmentSerializer(serializers.ModelSerializer):
    fund_name = serializers.CharField(source="fund.name_zh", read_only=True)
    round_display = serializers.CharField(source="get_round_display", read_only=True)
    # Only what the fund manager sees: his own funds, the deal flow's companies, projects visible to him.
    fund = VisibleRelatedField(selectors.funds_managed_by)
    company = VisibleRelatedField(selectors.investable_companies, required=False, allow_null=True)
    project = VisibleRelatedField(selectors.projects_for_capital, required=False, allow_null=True)
    amount = serializers.DecimalField(**MONEY)
    equity_percent = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, allow_null=True)

    class Meta:
        model = Investment
        fields = ["id", "fund", "fund_name", "company", "project", "round", "round_display", "amount",
                  "equity_percent", "invested_on", "note", "recorded_by", "created_at"]
        read_only_fields = ["recorded_by", "created_at"]
        validators = []


class CommitmentSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    source_name = serializers.CharField(source="source.name_zh", read_only=True)
    source = VisibleRelatedField(selectors.commitment_sources_for)
    center = VisibleRelatedField(selectors.commitment_centers, required=False, allow_null=True)
    project = VisibleRelatedField(selectors.projects_for_capital, required=False, allow_null=True)
    amount = serializers.DecimalField(**MONEY)
    currency = serializers.ChoiceField(choices=Currency.choices, required=False)
    scheduled_total = serializers.DecimalField(source="scheduled", **MONEY, read_only=True)
    paid_total = serializers.DecimalField(source="paid", **MONEY, read_only=True)

    class Meta:
        model = FundingCommitment
        fields = ["id", "kind", "kind_display", "source", "source_name", "center", "project", "title", "reference",
                  "amount", "currency", "committed_on", "note", "scheduled_total", "paid_total", "created_by",
                  "created_at"]
        read_only_fields = ["kind", "created_by", "created_at"]
        validators = []


class CommitmentUpdateSerializer(CommitmentSerializer):
    source = serializers.PrimaryKeyRelatedField(read_only=True)
    center = serializers.PrimaryKeyRelatedField(read_only=True)
    project = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta(CommitmentSerializer.Meta):
        read_only_fields = ["kind", "currency", "created_by", "created_at"]
        extra_kwargs = {field: {"required": False} for field in ["title", "amount", "committed_on"]}


class TrancheSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(**MONEY)
    # A commitment the user cannot see is "not found", like a missing one.
    commitment = VisibleRelatedField(selectors.commitments_visible_to)
    milestone = VisibleRelatedField(selectors.milestones_for_capital, required=False, allow_null=True)
    milestone_status = serializers.CharField(source="milestone.status", read_only=True, default=None)
    is_payable = serializers.BooleanField(read_only=True)

    class Meta:
        model = Tranche
        fields = ["id", "commitment", "title", "amount", "milestone", "milestone_status", "due_on", "status",
                  "is_payable", "paid_on", "paid_by", "created_at"]
        read_only_fields = ["status", "paid_on", "paid_by", "created_at"]


class PayInputSerializer(serializers.Serializer):
    paid_on = serializers.DateField(required=False, help_text="Defaults to today.")
