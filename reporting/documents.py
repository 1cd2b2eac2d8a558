"""The dashboard as tables: one list of sections used by the page (the table beside each chart), the
xlsx and CSV exports (through platform_core.exports only), the printable page, its PDF and the
stored reports."""
from dataclasses import dataclass, field
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from platform_core.exports import csv_response, new_workbook, pdf_bytes, write_header, write_rows, xlsx_response

from . import metrics as m
from . import selectors
from .filters import Filters

REPORT_LANGUAGE = "zh-hans"


@dataclass
class Section:
    key: str
    title: str
    header: list
    rows: list = field(default_factory=list)
    money_columns: tuple = ()


def _number(value):
    if isinstance(value, Decimal):
        return value.quantize(Decimal("0.01"))
    return value


def sections(board: dict, trend: dict, provinces: dict) -> list[Section]:
    """Every section of the dashboard as a header and rows of plain values (numbers stay numbers)."""
    def figure_rows(figures):
        return [[str(f.label), _number(f.value)] for f in figures]

    headline = Section("headline", _("1121 headline figures"), [_("Figure"), _("Value"), _("Beside it")])
    for f in board["headline"]:
        beside = "；".join(f"{label} {value}" for label, value in (f.beside or []))
        headline.rows.append([str(f.label), f.value, beside])
    industrial = Section("industrial", _("Industrial chain"),
                         [_("Industry chain"), _("Node"), _("Demand"), _("Supply"), _("Gap")])
    for chain in board["industrial"]:
        for node in chain["nodes"]:
            industrial.rows.append([chain["chain"].name if chain["chain"] else "", node["node"].name,
                                    node["demand"], node["supply"], node["gap"]])
    conversion = Section("conversion", _("Patent conversion rate by university"),
                         [_("University"), _("Granted patents"), _("Patents transferred or licensed"),
                          _("Conversion rate (%)")])
    conversion.rows = [[row["organisation"].name, row["granted"], row["transferred"], row["rate"]]
                       for row in board["conversion"]]
    conversion.rows += [[_("Reference: %(where)s") % {"where": where}, "", "", rate]
                        for where, rate in m.REFERENCE_RATES]
    trend_header = [_("Period")]
    for s in trend["series"]:
        trend_header += [s["label"], _("%(figure)s year on year (%%)") % {"figure": s["label"]}]
    trends = Section("trend", _("Trends"), trend_header)
    for index, period in enumerate(trend["periods"]):
        row = [period]
        for s in trend["series"]:
            point = s["points"][index]
            row += [point["value"], point["yoy"] if point["yoy"] is not None else ""]
        trends.rows.append(row)
    by_province = Section("provinces", _("By province"), [_("Province")] + [label for _c, label in provinces["metrics"]])
    by_province.rows = [[row["region"].name_zh, *row["values"]] for row in provinces["rows"]]
    return [
        headline,
        Section("innovation", _("Innovation chain"), [_("Figure"), _("Value")], figure_rows(board["innovation"])),
        industrial,
        Section("capital", _("Capital chain"), [_("Figure"), _("Amount (CNY)")], figure_rows(board["capital"]),
                money_columns=(1,)),
        Section("talent", _("Talent chain"), [_("Figure"), _("Value")], figure_rows(board["talent"])),
        Section("challenge_funnel", _("Challenge funnel"), [_("Stage"), _("Count")],
                [list(step) for step in board["funnels"]["challenge"]]),
        Section("achievement_funnel", _("Achievement funnel"), [_("Stage"), _("Count")],
                [list(step) for step in board["funnels"]["achievement"]]),
        Section("trl", _("TRL distribution"), [_("TRL band"), _("Achievements"), _("Projects")],
                [[label, n, board["trl"]["projects"][i][1]] for i, (label, n) in enumerate(board["trl"]["achievements"])]
                + [[_("Average TRL uplift of finished projects"), "", board["trl"]["uplift"]]]),
        conversion,
        trends,
        by_province,
    ]


def build(scope, filters: Filters, *, by: str = "month") -> dict:
    """Everything a page, an export or a report shows, read from the fact table."""
    board = selectors.dashboard(scope, filters)
    trend = selectors.series(scope, filters, by=by)
    provinces = selectors.provinces(scope, filters)
    return {"board": board, "trend": trend, "provinces": provinces, "sections": sections(board, trend, provinces)}


def workbook(all_sections: list[Section], filters: Filters):
    """One sheet per section (numbers as numbers, Chinese headers), the filters on a first sheet."""
    book = new_workbook()
    cover = book.active
    cover.title = _("Filters")[:31]
    write_rows(cover, [[_("1121 collaboration platform report")], *[[label, value] for label, value in filters.stated()]])
    for section in all_sections:
        sheet = book.create_sheet(section.title[:31])
        write_header(sheet, section.header)
        write_rows(sheet, section.rows)
        for column in section.money_columns:
            for row in sheet.iter_rows(min_row=2, min_col=column + 1, max_col=column + 1):
                row[0].number_format = "#,##0.00"
        sheet.freeze_panes = "A2"
    return book


def xlsx_export(scope, filters: Filters, filename: str):
    with translation.override(REPORT_LANGUAGE):
        return xlsx_response(workbook(build(scope, filters)["sections"], filters), filename)


def csv_export(scope, filters: Filters, filename: str):
    with translation.override(REPORT_LANGUAGE):
        rows = [[label, value] for label, value in filters.stated()]
        for section in build(scope, filters)["sections"]:
            rows.append([])
            rows.append([section.title, *section.header])
            rows += [["", *row] for row in section.rows]
        return csv_response([_("Section"), _("Figure"), _("Value")], rows, filename)


def printable_html(scope, filters: Filters, *, request=None) -> str:
    return render_to_string("reporting/print.html", {**build(scope, filters), "filters": filters,
                                                     "stated": filters.stated(), "for_pdf": True}, request=request)


def report_filters(report) -> Filters:
    """The filters a stored report was made with."""
    from platform_core.models import IndustryChain, IndustryNode, Organisation, Region

    data = report.filters or {}

    def get(model, key):
        pk = data.get(key)
        return model.objects.filter(pk=pk).first() if pk else None

    region = report.region
    province = region if region and region.parent_id is None else get(Region, "province")
    city = region if region and region.parent_id else get(Region, "city")
    return Filters(start=report.start, end=report.end, province=province, city=city,
                   chain=get(IndustryChain, "chain"), node=get(IndustryNode, "node"),
                   organisation=get(Organisation, "organisation"), mode=data.get("mode", ""))


def report_file(report, *, progress) -> tuple[str, bytes]:
    """(file name, content) of a stored report."""
    scope = selectors.Scope(None if report.scope_organisation_id is None
                            else frozenset({report.scope_organisation_id}))
    filters = report_filters(report)
    with translation.override(REPORT_LANGUAGE):
        progress(30)
        if report.format == "pdf":
            content = pdf_bytes(printable_html(scope, filters))
        else:
            content = xlsx_response(workbook(build(scope, filters)["sections"], filters), "report.xlsx").content
        progress(90)
        name = f"{report.title}.{report.format}".replace("/", "-")
    return name, content
