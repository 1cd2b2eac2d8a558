from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_field
from django.utils.translation import gettext as _
from rest_framework import serializers

from ..models import (
    ImportRun, IndustryChain, IndustryNode, Membership, Notification, NotificationPreference,
    Organisation, Region, Role, Signature, SignoffParty, SignoffRequest, TechField,
)
from ..notifications import EVENT_TYPES
from ..validators import normalise_credit_code, validate_credit_code


class UserBriefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = get_user_model()
        fields = ["id", "username", "name"]


class AutocompleteResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()


class AutocompleteResultsSerializer(serializers.Serializer):
    results = AutocompleteResultSerializer(many=True)


class MeSerializer(serializers.ModelSerializer):
    memberships = serializers.SerializerMethodField()

    class Meta:
        model = get_user_model()
        fields = ["id", "username", "display_name", "email", "phone", "is_staff", "memberships"]
        read_only_fields = ["id", "username", "is_staff", "memberships"]

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_memberships(self, user) -> list[dict]:
        return [
            {"organisation": m.organisation_id, "organisation_name": m.organisation.name_zh, "role": m.role}
            for m in user.memberships.active().select_related("organisation")
        ]


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "name_zh", "name_en", "parent"]


class TechFieldSerializer(serializers.ModelSerializer):
    class Meta:
        model = TechField
        fields = ["id", "code", "name_zh", "name_en", "parent"]


class IndustryNodeSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndustryNode
        fields = ["id", "chain", "segment", "code", "name_zh", "name_en", "keywords"]


class IndustryChainSerializer(serializers.ModelSerializer):
    nodes = IndustryNodeSerializer(many=True, read_only=True)

    class Meta:
        model = IndustryChain
        fields = ["id", "code", "name_zh", "name_en", "description", "nodes"]


class OrganisationSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "id", "kind", "kind_display", "name_zh", "name_en", "credit_code", "parent", "region",
            "industry_nodes", "fields", "is_fortune_global_500", "is_china_top_500", "website",
            "description", "created_at",
        ]
        read_only_fields = ["created_at"]
        # Uniqueness is checked by the service with a clearer message.
        validators = []

    def validate_credit_code(self, value):
        value = normalise_credit_code(value)
        validate_credit_code(value)
        return value


class MembershipSerializer(serializers.ModelSerializer):
    user = UserBriefSerializer(read_only=True)
    user_identifier = serializers.CharField(write_only=True, help_text="username or email")
    role = serializers.CharField()
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name_zh", read_only=True)

    class Meta:
        model = Membership
        fields = [
            "id", "user", "user_identifier", "organisation", "organisation_name", "role", "role_display",
            "title", "is_active", "created_at",
        ]
        read_only_fields = ["is_active", "created_at"]
        validators = []

    def validate_role(self, value):
        if value not in Role.values:
            raise serializers.ValidationError(
                f"Unknown role “{value}”. / 未知角色“{value}”。 Choices: {', '.join(Role.values)}"
            )
        return value


class NotificationSerializer(serializers.ModelSerializer):
    """Title and body are written when read, in the recipient's language; `count` events are gathered in one."""

    title = serializers.CharField(source="rendered_title", read_only=True)
    body = serializers.CharField(source="rendered_body", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "event", "title", "body", "url", "count", "params", "created_at", "last_at", "read_at"]
        read_only_fields = fields


class NotificationPreferenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = NotificationPreference
        fields = ["id", "event", "delivery"]

    def validate_event(self, value):
        if value not in EVENT_TYPES:
            raise serializers.ValidationError(f"Unknown event “{value}”. / 未知事件“{value}”。")
        # One preference per event: changing a row's event onto another row's is refused, not a 500.
        if self.instance is not None and value != self.instance.event and NotificationPreference.objects.filter(
                user=self.instance.user_id, event=value).exists():
            raise serializers.ValidationError(_("You already have a preference for this event; change that one."))
        return value


class SignatureSerializer(serializers.ModelSerializer):
    signer = UserBriefSerializer(read_only=True)

    class Meta:
        model = Signature
        fields = ["id", "party", "signer", "verdict", "reason", "signed_at"]
        read_only_fields = fields  # signatures are given through the sign action, never written here


class SignoffPartySerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name_zh", read_only=True)
    signatories = UserBriefSerializer(many=True, read_only=True)

    class Meta:
        model = SignoffParty
        fields = ["id", "organisation", "organisation_name", "label", "signatories"]


class SignoffRequestSerializer(serializers.ModelSerializer):
    parties = SignoffPartySerializer(many=True, read_only=True)
    signatures = SignatureSerializer(many=True, read_only=True)
    target_type = serializers.CharField(source="target_type.model", read_only=True)

    class Meta:
        model = SignoffRequest
        fields = [
            "id", "kind", "title", "summary", "payload", "target_type", "target_id", "status",
            "created_by", "created_at", "resolved_at", "parties", "signatures",
        ]
        read_only_fields = fields


class SignInputSerializer(serializers.Serializer):
    CONFIRM_MESSAGE = ("请先阅读待签署的决定（GET 该签署请求），再以 {\"confirm\": true} 确认签署。/ "
                       "Read the decision first (GET the sign-off), then sign with {\"confirm\": true}.")

    party = serializers.IntegerField(required=False)
    confirm = serializers.BooleanField(
        required=False, default=False,
        help_text="Must be true: you have read the decision (GET the sign-off first) and approve it.")

    def validate(self, attrs):
        if attrs.get("confirm") is not True:
            raise serializers.ValidationError({"confirm": [self.CONFIRM_MESSAGE]})
        return attrs


class RejectInputSerializer(serializers.Serializer):
    party = serializers.IntegerField(required=False)
    reason = serializers.CharField()


class ImportRunSummarySerializer(serializers.ModelSerializer):
    """An import in a list: its counts; the per-row errors are read on the run itself."""

    class Meta:
        model = ImportRun
        fields = [
            "id", "kind", "status", "file_name", "total_rows", "processed_rows", "created_rows", "updated_rows",
            "rejected_rows", "file_error", "created_at", "finished_at",
        ]
        read_only_fields = fields


class ImportRunSerializer(ImportRunSummarySerializer):
    class Meta(ImportRunSummarySerializer.Meta):
        fields = [*ImportRunSummarySerializer.Meta.fields, "errors"]
        read_only_fields = fields


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
