from rest_framework import serializers

from platform_core.api.serializers import UserBriefSerializer
from platform_core.models import Organisation
from platform_core.visibility import VisibleRelatedField

from .. import selectors
from ..models import CenterDecision, CenterMember, Consortium, ConsortiumMember, CouncilMember, JointCenter, Side


class CenterMemberSerializer(serializers.ModelSerializer):
    user = UserBriefSerializer(read_only=True)
    side_display = serializers.CharField(source="get_side_display", read_only=True)
    position_display = serializers.CharField(source="get_position_display", read_only=True)

    class Meta:
        model = CenterMember
        fields = ["id", "user", "side", "side_display", "position", "position_display", "title"]


class JointCenterSerializer(serializers.ModelSerializer):
    members = CenterMemberSerializer(many=True, read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name_zh", read_only=True)
    university_name = serializers.CharField(source="university.name_zh", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = JointCenter
        fields = ["id", "name_zh", "name_en", "enterprise", "enterprise_name", "university", "university_name",
                  "agreement_signed_on", "agreement_start", "agreement_end", "funding_commitment",
                  "research_directions", "description", "status", "status_display", "industry_nodes", "fields",
                  "members", "created_at"]
        read_only_fields = ["created_at"]


class JointCenterUpdateSerializer(JointCenterSerializer):
    class Meta(JointCenterSerializer.Meta):
        read_only_fields = ["created_at", "enterprise", "university"]


class AppointSerializer(serializers.Serializer):
    user = serializers.PrimaryKeyRelatedField(queryset=CenterMember._meta.get_field("user").related_model.objects)
    side = serializers.ChoiceField(choices=Side.choices)
    position = serializers.ChoiceField(choices=CenterMember.Position.choices)
    title = serializers.CharField(required=False, allow_blank=True, default="")


class ConsortiumMemberSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name_zh", read_only=True)
    role_display = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = ConsortiumMember
        fields = ["id", "organisation", "organisation_name", "role", "role_display", "responsibilities", "joined_on"]
        validators = []


class CouncilMemberSerializer(serializers.ModelSerializer):
    user_detail = UserBriefSerializer(source="user", read_only=True)
    position_display = serializers.CharField(source="get_position_display", read_only=True)

    class Meta:
        model = CouncilMember
        fields = ["id", "user", "user_detail", "organisation", "position", "position_display"]
        validators = []


class ConsortiumSerializer(serializers.ModelSerializer):
    members = ConsortiumMemberSerializer(many=True, read_only=True)
    council = CouncilMemberSerializer(many=True, read_only=True)
    lead_name = serializers.CharField(source="lead.name_zh", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Consortium
        fields = ["id", "name_zh", "name_en", "kind", "kind_display", "lead", "lead_name", "founded_on", "goals",
                  "status", "industry_nodes", "members", "council", "created_at"]
        read_only_fields = ["created_at"]


class ConsortiumUpdateSerializer(ConsortiumSerializer):
    class Meta(ConsortiumSerializer.Meta):
        read_only_fields = ["created_at", "lead"]


class CenterDecisionSerializer(serializers.ModelSerializer):
    """A decision of a center's joint management; proposing one opens its sign-off."""
    center = VisibleRelatedField(lambda user: selectors.centers_visible_to(user))
    co_signer = VisibleRelatedField(lambda user: Organisation.objects.all(), required=False, allow_null=True)

    class Meta:
        model = CenterDecision
        fields = ["id", "center", "kind", "year", "amount", "content", "co_signer", "status", "proposed_by",
                  "created_at", "decided_at"]
        read_only_fields = ["status", "proposed_by", "created_at", "decided_at"]
        validators = []
