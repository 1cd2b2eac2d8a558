"""The one place files are written for download: xlsx and CSV responses.

Every text cell goes through `safe_cell`: a value beginning with = + - @ tab or CR would be read by
Excel or LibreOffice as a formula (CSV/formula injection, OWASP), so it is prefixed with an
apostrophe and stays text. Numbers, dates and booleans pass unchanged.
"""
import csv
import io
from collections.abc import Iterable
from urllib.parse import quote

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def attachment(response: HttpResponse, filename: str) -> HttpResponse:
    """Content-Disposition for a (possibly Chinese) file name, as RFC 6266 asks."""
    ascii_name = filename.encode("ascii", "ignore").decode() or "download"
    response["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return response


def write_rows(sheet, rows: Iterable[Iterable]) -> None:
    """Append rows to an openpyxl worksheet, every cell neutralised."""
    for row in rows:
        sheet.append([safe_cell(value) for value in row])


def xlsx_response(workbook, filename: str) -> HttpResponse:
    out = io.BytesIO()
    workbook.save(out)
    return attachment(HttpResponse(out.getvalue(), content_type=XLSX_CONTENT_TYPE), filename)


def rows_xlsx_response(header: list, rows: Iterable[Iterable], filename: str, *, title: str = "Sheet1") -> HttpResponse:
    """A one-sheet workbook: a bold header row and the rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    write_rows(sheet, [header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    write_rows(sheet, rows)
    sheet.freeze_panes = "A2"
    return xlsx_response(workbook, filename)


def csv_response(header: list, rows: Iterable[Iterable], filename: str) -> HttpResponse:
    """UTF-8 with a BOM so that Excel opens Chinese text correctly."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([safe_cell(v) for v in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return attachment(HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8"), filename)
