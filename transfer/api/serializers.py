from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from consortia.models import JointCenter
from platform_core.api.serializers import UserBriefSerializer
from platform_core.models import IndustryNode, Organisation, TechField
from platform_core.visibility import VisibleRelatedField
from projects.models import Challenge, Project

from .. import selectors
from ..models import (
    Achievement,
    Deal,
    IncubatedCompany,
    Incubator,
    Inquiry,
    LicenceType,
    Patent,
    Push,
    RevenueShare,
    Roadshow,
    RoadshowRegistration,
)

User = get_user_model()


class OrganisationBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name_zh", "name_en", "kind"]


class IndustryNodeBriefSerializer(serializers.ModelSerializer):
    chain = serializers.CharField(source="chain.name_zh", read_only=True)

    class Meta:
        model = IndustryNode
        fields = ["id", "code", "name_zh", "segment", "chain"]


class AchievementPublicSerializer(serializers.ModelSerializer):
    """What the achievement supermarket shows to anyone: never the confidential detail."""

    owner = OrganisationBriefSerializer(read_only=True)
    school = OrganisationBriefSerializer(read_only=True)
    industry_node = IndustryNodeBriefSerializer(read_only=True)
    field = serializers.CharField(source="field.name_zh", default=None, read_only=True)

    licence_types = serializers.ListField(source="licence_type_list", child=serializers.CharField(), read_only=True)

    class Meta:
        model = Achievement
        fields = ["id", "title", "owner", "school", "field", "industry_node", "trl", "abstract", "keywords",
                  "status", "screening_reason", "screened_at", "asking_price", "price_negotiable", "licence_types"]
        read_only_fields = fields


class AchievementSerializer(serializers.ModelSerializer):
    """Full record; `confidential_detail` is dropped for users without access to it."""

    owner = VisibleRelatedField(selectors.owner_organisations_for)
    school = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all(), required=False, allow_null=True)
    co_owners = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all(), many=True, required=False)
    inventors = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), many=True, required=False)
    field = serializers.PrimaryKeyRelatedField(queryset=TechField.objects.all(), required=False, allow_null=True)
    industry_node = serializers.PrimaryKeyRelatedField(queryset=IndustryNode.objects.all())
    keywords = serializers.ListField(child=serializers.CharField(max_length=40), required=False)
    owner_name = serializers.CharField(source="owner.name_zh", read_only=True)
    industry_node_name = serializers.CharField(source="industry_node.name_zh", read_only=True)
    broker = UserBriefSerializer(read_only=True)
    patents = serializers.SerializerMethodField()

    class Meta:
        model = Achievement
        fields = [
            "id", "title", "external_ref", "owner", "owner_name", "school", "co_owners", "inventors",
            "inventor_names", "field", "industry_node", "industry_node_name", "trl", "abstract",
            "confidential_detail", "keywords", "status", "screening_reason", "screened_at", "broker", "source",
            "source_label", "patents", "created_at", "updated_at",
        ]
        read_only_fields = ["status", "screening_reason", "screened_at", "broker", "source", "source_label",
                            "created_at", "updated_at"]
        validators = []  # uniqueness is checked by the service, with a clearer message

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_patents(self, obj) -> list[str]:
        return [p.application_number for p in obj.patents.all()]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        opened = getattr(instance, "confidential_open", None)  # lists annotate it (selectors.with_confidential_access)
        if opened is None:
            opened = self.context["request"].user.has_perm("transfer.view_confidential_achievement", instance)
        if not opened:
            data.pop("confidential_detail", None)
        return data


class ScreenInputSerializer(serializers.Serializer):
    reason = serializers.CharField()


class AssignBrokerInputSerializer(serializers.Serializer):
    broker = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())


class PushInputSerializer(serializers.Serializer):
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ProjectHandOverSerializer(serializers.ModelSerializer):
    """A solved project whose result may enter the pool."""

    sponsor = serializers.CharField(source="sponsor.name_zh")
    performer = serializers.CharField(source="performer.name_zh")
    industry_node = serializers.IntegerField(source="challenge.industry_node_id", allow_null=True)

    class Meta:
        model = Project
        fields = ["id", "title", "sponsor", "performer", "current_trl", "finished_on", "industry_node"]
        read_only_fields = fields


class HandOverInputSerializer(serializers.Serializer):
    project = serializers.IntegerField()
    industry_node = serializers.PrimaryKeyRelatedField(queryset=IndustryNode.objects.all(), required=False,
                                                       allow_null=True, default=None,
                                                       help_text="Only needed when the challenge has no node.")


class PoolSummarySerializer(serializers.Serializer):
    total = serializers.IntegerField()
    stock = serializers.IntegerField()
    screened = serializers.IntegerField()
    by_status = serializers.DictField(child=serializers.IntegerField())


class PatentSerializer(serializers.ModelSerializer):
    owner = VisibleRelatedField(selectors.owner_organisations_for)
    owner_name = serializers.CharField(source="owner.name_zh", read_only=True)
    achievements = VisibleRelatedField(selectors.achievements_visible_to, many=True, required=False)
    ipc_codes = serializers.ListField(child=serializers.CharField(max_length=30), required=False)
    application_number = serializers.CharField(max_length=30)
    publication_number = serializers.CharField(max_length=30, required=False, allow_blank=True)

    class Meta:
        model = Patent
        fields = ["id", "application_number", "publication_number", "title", "patent_type", "legal_status",
                  "owner", "owner_name", "filing_date", "grant_date", "ipc_codes", "next_fee_due", "achievements",
                  "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]
        validators = []  # uniqueness is checked by the service, with a clearer message


class PushSerializer(serializers.ModelSerializer):
    achievement = AchievementPublicSerializer(read_only=True)
    enterprise = OrganisationBriefSerializer(read_only=True)
    pushed_by = UserBriefSerializer(read_only=True)

    class Meta:
        model = Push
        fields = ["id", "achievement", "enterprise", "status", "source", "note", "response_note", "pushed_by",
                  "created_at", "viewed_at", "responded_at"]
        read_only_fields = fields


class PushAnswerInputSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RevenueShareSerializer(serializers.ModelSerializer):
    user = serializers.PrimaryKeyRelatedField(source="beneficiary_user", queryset=User.objects.all(),
                                              required=False, allow_null=True)
    organisation = serializers.PrimaryKeyRelatedField(source="beneficiary_organisation",
                                                      queryset=Organisation.objects.all(), required=False,
                                                      allow_null=True)
    name = serializers.CharField(source="beneficiary_name", required=False, allow_blank=True, max_length=100)
    # Text so that the service can say "not a number" itself, in both languages.
    percent = serializers.CharField()

    class Meta:
        model = RevenueShare
        fields = ["user", "organisation", "name", "percent"]


class CompanyInputSerializer(serializers.Serializer):
    incubator = VisibleRelatedField(selectors.incubators_visible_to)
    name = serializers.CharField(max_length=200)
    founders = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), many=True, required=False)
    founder_names = serializers.CharField(required=False, allow_blank=True, default="")


class DealSerializer(serializers.ModelSerializer):
    achievement = VisibleRelatedField(selectors.achievements_visible_to)
    push = VisibleRelatedField(selectors.pushes_visible_to, required=False, allow_null=True)
    counterparty = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all(), required=False,
                                                      allow_null=True)
    shares = RevenueShareSerializer(source="revenue_shares", many=True)
    price = serializers.CharField(required=False, default="0")
    royalty_rate = serializers.CharField(required=False, default="0")
    equity_percent = serializers.CharField(required=False, allow_null=True, allow_blank=True, default=None)
    company = CompanyInputSerializer(write_only=True, required=False)
    achievement_title = serializers.CharField(source="achievement.title", read_only=True)
    counterparty_name = serializers.CharField(source="counterparty.name_zh", default=None, read_only=True)

    class Meta:
        model = Deal
        fields = ["id", "achievement", "achievement_title", "push", "kind", "counterparty", "counterparty_name",
                  "exclusivity", "territory", "term_start", "term_end", "price", "royalty_rate", "equity_percent",
                  "signed_on", "note", "shares", "company", "created_at"]
        read_only_fields = ["created_at"]

    def to_representation(self, instance):
        """The revenue split is internal: only TTO staff, the school's brokers and the inventors read it."""
        data = super().to_representation(instance)
        opened = getattr(instance, "split_open", None)
        if opened is None:
            request = self.context.get("request")
            opened = request is not None and request.user.has_perm("transfer.view_revenue_split", instance)
        if not opened:
            data.pop("shares", None)
        return data


class IncubatorSerializer(serializers.ModelSerializer):
    host = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    partner_university = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all(), required=False,
                                                            allow_null=True)
    industry_nodes = serializers.PrimaryKeyRelatedField(queryset=IndustryNode.objects.all(), many=True,
                                                        required=False)
    host_name = serializers.CharField(source="host.name_zh", read_only=True)
    company_count = serializers.SerializerMethodField()

    class Meta:
        model = Incubator
        fields = ["id", "name", "host", "host_name", "partner_university", "industry_nodes", "address",
                  "established_on", "description", "company_count", "created_at"]
        read_only_fields = ["created_at"]
        validators = []  # uniqueness is checked by the service, with a clearer message

    def get_company_count(self, obj) -> int:
        count = getattr(obj, "company_count", None)  # annotated on lists (selectors.incubators_visible_to)
        return obj.companies.count() if count is None else count


class IncubatedCompanySerializer(serializers.ModelSerializer):
    incubator = VisibleRelatedField(selectors.incubators_visible_to)
    industry_node = serializers.PrimaryKeyRelatedField(queryset=IndustryNode.objects.all())
    founders = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), many=True, required=False)
    achievements = VisibleRelatedField(selectors.achievements_visible_to, many=True, required=False)
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all(), required=False,
                                                      allow_null=True)

    class Meta:
        model = IncubatedCompany
        fields = ["id", "incubator", "name", "organisation", "founders", "founder_names", "achievements",
                  "industry_node", "stage", "admitted_on", "graduated_on", "spin_off_deal", "description",
                  "created_at"]
        read_only_fields = ["spin_off_deal", "created_at"]
        validators = []  # uniqueness is checked by the service, with a clearer message


class TransferKpiSerializer(serializers.Serializer):
    """One school's or broker's figures (issue 11 §5); response rate in percent, days as a median."""
    name = serializers.CharField()
    screened = serializers.IntegerField()
    pushes = serializers.IntegerField()
    answered = serializers.IntegerField()
    response_rate = serializers.IntegerField(allow_null=True)
    deals = serializers.IntegerField()
    received = serializers.DecimalField(max_digits=16, decimal_places=2)
    days_to_deal = serializers.IntegerField(allow_null=True)


class WorkbenchSerializer(serializers.Serializer):
    portfolio = serializers.IntegerField()
    screening_queue = serializers.IntegerField()
    pushes_awaiting_follow_up = serializers.IntegerField()
    fee_deadlines = serializers.IntegerField()
    projects_awaiting_hand_over = serializers.IntegerField()
    funnel = serializers.DictField(child=serializers.IntegerField())
    deals_by_kind = serializers.DictField(child=serializers.IntegerField())
    kpis_by_school = TransferKpiSerializer(many=True)
    kpis_by_broker = TransferKpiSerializer(many=True)


# 两围绕: industry chains with demand and supply per node


class NodeFiguresSerializer(serializers.Serializer):
    node = IndustryNodeBriefSerializer()
    enterprises = serializers.IntegerField()
    challenges = serializers.IntegerField()
    capabilities = serializers.IntegerField()
    achievements = serializers.IntegerField()
    achievements_screened = serializers.IntegerField()
    achievements_stock = serializers.IntegerField()
    centers = serializers.IntegerField()
    companies = serializers.IntegerField()
    demand = serializers.IntegerField()
    supply = serializers.IntegerField()
    gap = serializers.ChoiceField(choices=["unmet_demand", "unused_supply"], allow_null=True,
                                  help_text="unmet_demand: demand but no supply; unused_supply: supply but no demand.")


class ChainSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="chain.pk")
    code = serializers.CharField(source="chain.code")
    name_zh = serializers.CharField(source="chain.name_zh")
    name_en = serializers.CharField(source="chain.name_en")
    demand = serializers.IntegerField()
    supply = serializers.IntegerField()
    unmet_demand = serializers.SerializerMethodField(help_text="Codes of nodes with demand but no supply.")
    unused_supply = serializers.SerializerMethodField(help_text="Codes of nodes with supply but no demand.")

    def get_unmet_demand(self, overview) -> list[str]:
        return [f.node.code for f in overview["unmet_demand"]]

    def get_unused_supply(self, overview) -> list[str]:
        return [f.node.code for f in overview["unused_supply"]]


class ChainOverviewSerializer(ChainSummarySerializer):
    nodes = NodeFiguresSerializer(many=True)


class ChallengeBriefSerializer(serializers.ModelSerializer):
    """Public fields of a challenge only: the confidential detail is never part of it."""

    poster = serializers.CharField(source="poster.name_zh")

    class Meta:
        model = Challenge
        fields = ["id", "title_zh", "title_en", "summary_zh", "summary_en", "poster", "status", "current_trl",
                  "target_trl", "deadline"]
        read_only_fields = fields


class AchievementBriefSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.name_zh")

    class Meta:
        model = Achievement
        fields = ["id", "title", "owner", "trl", "status"]
        read_only_fields = fields


class CenterBriefSerializer(serializers.ModelSerializer):
    enterprise = serializers.CharField(source="enterprise.name_zh")
    university = serializers.CharField(source="university.name_zh")

    class Meta:
        model = JointCenter
        fields = ["id", "name_zh", "name_en", "enterprise", "university", "status"]
        read_only_fields = fields


class CompanyBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = IncubatedCompany
        fields = ["id", "name", "stage", "incubator"]
        read_only_fields = fields


class NodeDetailSerializer(serializers.Serializer):
    node = IndustryNodeBriefSerializer()
    figures = NodeFiguresSerializer()
    enterprises = OrganisationBriefSerializer(many=True)
    capabilities = OrganisationBriefSerializer(many=True)
    challenges = ChallengeBriefSerializer(many=True)
    achievements = AchievementBriefSerializer(many=True)
    centers = CenterBriefSerializer(many=True)
    companies = CompanyBriefSerializer(many=True)


# Listing terms, inquiries, roadshows

class ListingTermsInputSerializer(serializers.Serializer):
    asking_price = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=0, required=False,
                                            allow_null=True, default=None)
    price_negotiable = serializers.BooleanField(required=False, default=False)
    licence_types = serializers.ListField(child=serializers.ChoiceField(choices=LicenceType.choices), required=False,
                                          default=list)


class InquiryInputSerializer(serializers.Serializer):
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.filter(kind="enterprise"))
    message = serializers.CharField(max_length=2000)


class InquirySerializer(serializers.ModelSerializer):
    achievement = serializers.IntegerField(source="push.achievement_id", read_only=True)
    enterprise = serializers.IntegerField(source="push.enterprise_id", read_only=True)
    push_status = serializers.CharField(source="push.status", read_only=True)

    class Meta:
        model = Inquiry
        fields = ["id", "push", "achievement", "enterprise", "push_status", "message", "created_at", "updated_at"]
        read_only_fields = fields


class RoadshowSerializer(serializers.ModelSerializer):
    organiser = OrganisationBriefSerializer(read_only=True)
    registered = serializers.IntegerField(read_only=True)
    achievements = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    online_url = serializers.SerializerMethodField()

    class Meta:
        model = Roadshow
        fields = ["id", "title", "starts_at", "place", "online_url", "description", "organiser", "achievements",
                  "capacity", "registered", "registration_deadline"]
        read_only_fields = fields

    def get_online_url(self, roadshow) -> str:
        """The link is for registered participants and the organiser."""
        user = self.context["request"].user
        if getattr(roadshow, "is_registered", False) or user.has_perm("transfer.change_roadshow", roadshow):
            return roadshow.online_url
        return ""


class RoadshowInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    organiser = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    starts_at = serializers.DateTimeField()
    registration_deadline = serializers.DateTimeField()
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    online_url = serializers.URLField(required=False, allow_blank=True, default="")
    description = serializers.CharField(required=False, allow_blank=True, default="")
    capacity = serializers.IntegerField(min_value=1)
    achievements = VisibleRelatedField(selectors.achievements_visible_to, many=True, required=False, default=list)


class RoadshowRegisterInputSerializer(serializers.Serializer):
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.filter(kind="enterprise"))


class RoadshowRegistrationSerializer(serializers.ModelSerializer):
    user = UserBriefSerializer(read_only=True)
    enterprise = OrganisationBriefSerializer(read_only=True)

    class Meta:
        model = RoadshowRegistration
        fields = ["id", "user", "enterprise", "created_at"]
        read_only_fields = fields
