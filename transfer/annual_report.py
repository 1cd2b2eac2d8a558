"""The annual report (科技成果转化年度报告) as people read it: its six parts as titled tables, for the
printable page, the PDF and the workbook (one sheet per part). The figures come from `report.data`,
computed by `selectors.annual_report_figures`; labels are translated when the report is shown."""
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from platform_core.exports import new_workbook, write_header, write_rows, xlsx_response

from .models import Achievement, AnnualReport, Contract, Patent


def is_money_header(header) -> bool:
    return "CNY" in str(header) or "（元）" in str(header)


@dataclass
class Table:
    title: str | None
    header: list
    rows: list

    @property
    def money(self) -> list[int]:
        """The columns holding amounts (their header names the currency)."""
        return [i for i, h in enumerate(self.header) if is_money_header(h)]


@dataclass
class Part:
    number: int
    title: str
    header: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    text: str = ""
    extra: list = field(default_factory=list)  # (title, header, rows) of further tables in the part

    @property
    def tables(self) -> list[Table]:
        return [Table(None, self.header, self.rows), *(Table(*t) for t in self.extra)] if self.header else []


def _kind_label(code: str) -> str:
    return Contract.Kind(code).label if code in Contract.Kind.values else code


def _contract_table(block: dict, kinds) -> list:
    rows = [[_kind_label(k), block["rows"][k]["count"], block["rows"][k]["amount"], block["rows"][k]["received"],
             block["rows"][k]["band_count"], block["rows"][k]["band_amount"], block["rows"][k]["band_received"]]
            for k in kinds]
    t = block["total"]
    rows.append([_("Total"), t["count"], t["amount"], t["received"], t["band_count"], t["band_amount"],
                 t["band_received"]])
    return rows


def contract_header() -> list:
    return [_("Type"), _("Contracts signed"), _("Contract amount (CNY)"), _("Received in the year (CNY)"),
            _("Contracts ≥ ¥1 M"), _("Amount of contracts ≥ ¥1 M (CNY)"), _("Received under contracts ≥ ¥1 M (CNY)")]


def parts(report: AnnualReport) -> list[Part]:
    data = report.data or {}
    if not data:
        return [Part(1, _("Part 1 · The year's work"), text=report.narrative)]
    p2, p3, p4, p5, p6 = data["part2"], data["part3"], data["part4"], data["part5"], data["part6"]
    part2 = Part(2, _("Part 2 · Achievements obtained in the year"),
                 header=[_("Patent type"), _("Applications filed"), _("Patents granted")],
                 rows=[[Patent.Type(t).label, p2["patents"][t]["filed"], p2["patents"][t]["granted"]]
                       for t in Patent.Type.values]
                 + [[_("Total"), p2["patents_total"]["filed"], p2["patents_total"]["granted"]]],
                 extra=[(_("Achievements added to the pool, by source"), [_("Source"), _("Achievements")],
                         [[Achievement.Source(s).label, p2["achievements"][s]] for s in Achievement.Source.values]
                         + [[_("Total"), p2["achievements_total"]]])])
    part3 = Part(3, _("Part 3 · Transformation by assignment, licence and equity investment"),
                 header=contract_header(), rows=_contract_table(p3, Contract.TRANSFORMATION_KINDS),
                 extra=[(_("Licences signed, by licence type"), [_("Licence type"), _("Contracts signed")],
                         [[Contract.LicenceType(t).label, n] for t, n in p3["licence_types"].items()])])
    part4 = Part(4, _("Part 4 · Collaboration"), header=[_("Item"), _("Count")], rows=[
        [_("Joint R&D centers (total)"), p4["centers"]["total"]],
        [_("Joint R&D centers signed in the year"), p4["centers"]["signed_in_year"]],
        [_("Technology-transfer office staff"), p4["tto_staff"]],
        [_("Technology brokers"), p4["brokers"]],
        [_("Spin-off companies created in the year"), p4["companies_created"]],
        [_("Companies in which shares are held at year end"), p4["companies_held"]],
    ], extra=[(_("Technology development, consulting and service contracts"), contract_header(),
               _contract_table(p4["contracts"], Contract.COLLABORATION_KINDS)),
              (_("Shares held at year end"), [_("Company"), _("Shares")],
               [[h["company"], h["shares"]] for h in p4["holdings"]])])
    part5 = Part(5, _("Part 5 · Income distribution and rewards to people"), header=[_("Item"), _("Amount (CNY)")], rows=[
        [_("Received in the year"), p5["received"]],
        [_("Inventors' team"), p5["inventors"]], [_("School"), p5["school"]], [_("TTO"), p5["tto"]],
        [_("University"), p5["university"]],
        [_("Cash rewards (现金奖励)"), p5["cash_rewards"]], [_("Equity rewards (股权奖励)"), p5["equity_rewards"]],
        [_("Rewards to people, total"), p5["rewards_total"]],
    ], extra=[(_("People rewarded"), [_("Item"), _("People")], [
        [_("Cash rewards (现金奖励)"), p5["cash_people"]], [_("Equity rewards (股权奖励)"), p5["equity_people"]],
        [_("Total"), p5["people"]]])])
    part6 = Part(6, _("Part 6 · Transformation projects"),
                 header=[_("Title"), _("Type"), _("Counterparty"), _("Signed on"), _("Contract amount (CNY)"),
                         _("Received in the year (CNY)"), _("Registration number")],
                 rows=[[c["title"], _kind_label(c["kind"]), c["counterparty"], c["signed_on"], c["amount"],
                        c["received"], c["registration_number"]] for c in p6])
    return [Part(1, _("Part 1 · The year's work"), text=report.narrative), part2, part3, part4, part5, part6]


def _typed(header: list, row: list) -> list:
    """Amount columns (their header names the currency) become Decimal number cells; the rest stay as they are."""
    from decimal import Decimal

    def cell(i, v):
        if isinstance(v, str) and v and is_money_header(header[i]):
            return Decimal(v)
        return v if v is None or isinstance(v, (int, Decimal)) else str(v)  # labels are lazy translations

    return [cell(i, v) for i, v in enumerate(row)]


def report_xlsx_response(report: AnnualReport):
    from openpyxl.styles import Font

    workbook = new_workbook()
    workbook.remove(workbook.active)
    for part in parts(report):
        sheet = workbook.create_sheet(title=str(_("Part %(n)s") % {"n": part.number}))
        write_rows(sheet, [[str(part.title)]])
        sheet["A1"].font = Font(bold=True)
        write_rows(sheet, [[str(report.institution), report.year, str(_("version %(v)s") % {"v": report.version})]])
        if part.number == 1:
            write_rows(sheet, [[line] for line in (part.text or "").splitlines()] or [[""]])
            if report.notes:
                write_rows(sheet, [[], [str(_("Notes"))], *[[line] for line in report.notes.splitlines()]])
            continue
        for table in part.tables:
            if table.title:
                write_rows(sheet, [[], [str(table.title)]])
            write_header(sheet, [str(h) for h in table.header])
            write_rows(sheet, [_typed(table.header, row) for row in table.rows])
    return xlsx_response(workbook, f"{report.institution.name_zh}-{report.year}-v{report.version}.xlsx")
