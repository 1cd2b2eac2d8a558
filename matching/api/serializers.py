from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Direction, Match
from ..selectors import describe


class ObjectRefSerializer(serializers.Serializer):
    kind = serializers.CharField()
    id = serializers.IntegerField()
    label = serializers.CharField()
    url = serializers.CharField()


class MatchSerializer(serializers.ModelSerializer):
    source = serializers.SerializerMethodField()
    candidate = serializers.SerializerMethodField()

    class Meta:
        model = Match
        fields = ["id", "direction", "source", "candidate", "score", "rank", "explanation", "status",
                  "computed_at", "decided_at"]
        read_only_fields = fields

    @staticmethod
    def _ref(obj, pk) -> dict:
        described = describe(obj)
        return {"kind": described["kind"], "id": pk, "label": described["label"], "url": described["url"]}

    @extend_schema_field(ObjectRefSerializer)
    def get_source(self, match) -> dict:
        return self._ref(match.source, match.source_id)

    @extend_schema_field(ObjectRefSerializer)
    def get_candidate(self, match) -> dict:
        return self._ref(match.candidate, match.candidate_id)


class MatchDecisionInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class MatchPushInputSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class MatchPushOutputSerializer(serializers.Serializer):
    push_id = serializers.IntegerField()
    status = serializers.CharField()


class MatchRecomputeInputSerializer(serializers.Serializer):
    direction = serializers.ChoiceField(choices=Direction.choices, required=False)
    source_id = serializers.IntegerField(required=False, min_value=1)

    def validate(self, attrs):
        if ("source_id" in attrs) != ("direction" in attrs):
            raise serializers.ValidationError("Give both direction and source_id, or neither (full pass).")
        return attrs


class MatchRecomputeOutputSerializer(serializers.Serializer):
    queued = serializers.CharField()
