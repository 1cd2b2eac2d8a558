"""KPI API (issue 10 §8): every figure, funnel and series of the dashboard with the same filters,
read-only (GET only: any other method answers 405), for program officers, administrators and leaders."""
from django.core.exceptions import PermissionDenied
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors
from ..filters import ReportFilterForm
from . import serializers as s

FILTER_PARAMETERS = [
    OpenApiParameter("start", OpenApiTypes.DATE, description="First day of the period (with `end`)."),
    OpenApiParameter("end", OpenApiTypes.DATE, description="Last day of the period (default today)."),
    OpenApiParameter("year", OpenApiTypes.INT, description="A calendar year (instead of start/end)."),
    OpenApiParameter("quarter", OpenApiTypes.INT, enum=[1, 2, 3, 4], description="A quarter of `year`."),
    OpenApiParameter("month", OpenApiTypes.INT, description="A month (1–12) of `year`."),
    OpenApiParameter("province", OpenApiTypes.INT, description="Region id of a province."),
    OpenApiParameter("city", OpenApiTypes.INT, description="Region id of a city."),
    OpenApiParameter("chain", OpenApiTypes.INT, description="Industry chain id."),
    OpenApiParameter("node", OpenApiTypes.INT, description="Industry-chain node id."),
    OpenApiParameter("organisation", OpenApiTypes.INT, description="Organisation id (leaders: their own only)."),
    OpenApiParameter("mode", OpenApiTypes.STR, enum=["enterprise_led", "university_led", "government_led"],
                     description="Collaboration mode."),
]


class ReportingView(APIView):
    http_method_names = ["get", "head", "options"]

    def scoped_filters(self, request):
        scope = selectors.scope_for(request.user)
        if scope is None:
            raise PermissionDenied(
                "The reporting API is for program officers, platform administrators and organisation leaders.")
        form = ReportFilterForm(request.query_params, user=request.user)
        if not form.is_valid():
            raise ValidationError({"non_field_errors" if field == "__all__" else field: [str(e) for e in errors]
                                   for field, errors in form.errors.items()})
        filters = form.filters()
        selectors.check_filters(scope, filters)
        return scope, filters


def _figure(f) -> dict:
    return {"code": f.code, "label": str(f.label), "value": f.value, "money": f.money,
            **({"beside": {str(label): value for label, value in f.beside}} if f.beside else {})}


def _steps(steps) -> list[dict]:
    return [{"stage": str(stage), "count": count} for stage, count in steps]


class FiguresView(ReportingView):
    @extend_schema(parameters=FILTER_PARAMETERS, responses=s.FiguresSerializer,
                   summary="The 1121 headline figures and the four chains")
    def get(self, request):
        scope, filters = self.scoped_filters(request)
        return Response(selectors.cached(["api-figures", *selectors.cache_parts(scope, filters)],
                                         lambda: self.figures(scope, filters)))

    @staticmethod
    def figures(scope, filters) -> dict:
        board = selectors.dashboard(scope, filters)
        return {
            "filters": filters.as_params(),
            **{key: [_figure(f) for f in board[key]] for key in ("headline", "innovation", "capital", "talent")},
            "industrial": [{"chain": c["chain"].code if c["chain"] else None, "demand": c["demand"],
                            "supply": c["supply"], "gap": c["gap"],
                            "nodes": [{"node": n["node"].code, "demand": n["demand"], "supply": n["supply"],
                                       "gap": n["gap"]} for n in c["nodes"]]} for c in board["industrial"]],
            "conversion": [{"organisation": row["organisation"].pk, "name": row["organisation"].name_zh,
                            "granted": row["granted"], "transferred": row["transferred"], "rate": row["rate"]}
                           for row in board["conversion"]],
        }


class FunnelsView(ReportingView):
    @extend_schema(parameters=FILTER_PARAMETERS, responses=s.FunnelsSerializer,
                   summary="Challenge and achievement funnels, TRL distribution and uplift")
    def get(self, request):
        scope, filters = self.scoped_filters(request)
        return Response(selectors.cached(["api-funnels", *selectors.cache_parts(scope, filters)],
                                         lambda: self.funnels(scope, filters)))

    @staticmethod
    def funnels(scope, filters) -> dict:
        board = selectors.dashboard(scope, filters)
        return {
            "filters": filters.as_params(),
            "challenge": _steps(board["funnels"]["challenge"]),
            "achievement": _steps(board["funnels"]["achievement"]),
            "trl_achievements": _steps(board["trl"]["achievements"]),
            "trl_projects": _steps(board["trl"]["projects"]),
            "trl_uplift": board["trl"]["uplift"],
        }


class SeriesView(ReportingView):
    @extend_schema(parameters=[*FILTER_PARAMETERS, OpenApiParameter("by", OpenApiTypes.STR, enum=["month", "quarter"])],
                   responses=s.TrendsSerializer, summary="Monthly or quarterly trends with year-on-year change")
    def get(self, request):
        scope, filters = self.scoped_filters(request)
        by = request.query_params.get("by", "month")
        if by not in ("month", "quarter"):
            raise ValidationError({"by": ["month or quarter"]})
        trend = selectors.series(scope, filters, by=by)
        return Response({
            "filters": filters.as_params(), "by": by,
            "series": [{"code": series["code"], "label": series["label"], "money": series["money"],
                        "points": [{"period": period, **point} for period, point in zip(trend["periods"],
                                                                                        series["points"])]}
                       for series in trend["series"]],
        })
