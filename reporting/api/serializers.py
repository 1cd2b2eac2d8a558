"""Output shapes of the KPI API (documentation of the schema; the values come from reporting.selectors)."""
from rest_framework import serializers


class FigureSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Metric code, e.g. centers.signed, challenge.solved, deal.income.")
    label = serializers.CharField()
    value = serializers.DecimalField(max_digits=18, decimal_places=2, coerce_to_string=False,
                                     help_text="A count, or an amount in CNY for money figures.")
    money = serializers.BooleanField()
    beside = serializers.DictField(child=serializers.DecimalField(max_digits=18, decimal_places=2,
                                                                  coerce_to_string=False), required=False)


class FiguresSerializer(serializers.Serializer):
    filters = serializers.DictField(help_text="The filters applied (ids of regions, chains, nodes, organisation).")
    headline = FigureSerializer(many=True)
    innovation = FigureSerializer(many=True)
    capital = FigureSerializer(many=True)
    talent = FigureSerializer(many=True)
    industrial = serializers.ListField(child=serializers.DictField())
    conversion = serializers.ListField(child=serializers.DictField())


class StepSerializer(serializers.Serializer):
    stage = serializers.CharField()
    count = serializers.IntegerField()


class FunnelsSerializer(serializers.Serializer):
    filters = serializers.DictField()
    challenge = StepSerializer(many=True)
    achievement = StepSerializer(many=True)
    trl_achievements = StepSerializer(many=True)
    trl_projects = StepSerializer(many=True)
    trl_uplift = serializers.FloatField()


class PointSerializer(serializers.Serializer):
    period = serializers.CharField()
    value = serializers.FloatField()
    yoy = serializers.FloatField(allow_null=True, help_text="Change against the same period a year before (%).")


class SeriesSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    money = serializers.BooleanField()
    points = PointSerializer(many=True)


class TrendsSerializer(serializers.Serializer):
    filters = serializers.DictField()
    by = serializers.ChoiceField(choices=["month", "quarter"])
    series = SeriesSerializer(many=True)
