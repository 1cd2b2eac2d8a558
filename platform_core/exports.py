"""The one place files are written for download: xlsx and CSV responses, and stored (uploaded) files.

Every download is an attachment with `X-Content-Type-Options: nosniff` and a sandboxing content security
policy; a stored file keeps its type only when that type is inert (PDF, images other than SVG, office
documents, plain text...), anything else (HTML, SVG, XML, scripts, unknown) goes out as
application/octet-stream, so an uploaded page can never run in the platform's origin.

Every text cell goes through `safe_cell`: a value beginning with = + - @ tab or CR would be read by
Excel or LibreOffice as a formula (CSV/formula injection, OWASP), so it is prefixed with an
apostrophe and stays text. Numbers, dates and booleans pass unchanged.
"""
import csv
import io
import mimetypes
from collections.abc import Iterable
from urllib.parse import quote

from django.http import FileResponse, HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


# Types a browser shows without running anything; the rest are downloaded as opaque bytes.
INERT_CONTENT_TYPES = {
    "application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp", "image/tiff",
    "text/plain", "text/csv", "application/zip", "application/x-7z-compressed", "application/gzip",
    "application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", XLSX_CONTENT_TYPE,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
    "video/mp4", "audio/mpeg",
}
DOWNLOAD_CSP = "default-src 'none'; sandbox"


def safe_content_type(filename: str) -> str:
    guessed, encoding = mimetypes.guess_type(filename)
    if encoding or guessed not in INERT_CONTENT_TYPES:
        return "application/octet-stream"
    return f"{guessed}; charset=utf-8" if guessed.startswith("text/") else guessed


def attachment(response: HttpResponse, filename: str) -> HttpResponse:
    """Content-Disposition for a (possibly Chinese) file name, as RFC 6266 asks, and the download headers."""
    filename = filename.replace("\r", "").replace("\n", "").replace('"', "")
    ascii_name = filename.encode("ascii", "ignore").decode() or "download"
    response["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    return response


def file_response(stored_file, filename: str | None = None) -> FileResponse:
    """A stored file (a FieldFile) as a download: call it only after the permission check."""
    filename = filename or stored_file.name.rsplit("/", 1)[-1]
    response = FileResponse(stored_file.open("rb"), content_type=safe_content_type(filename))
    return attachment(response, filename)


def new_workbook():
    """An empty openpyxl workbook for a download built cell by cell (write it with `write_rows`/`safe_cell`
    and send it with `xlsx_response`)."""
    from openpyxl import Workbook

    return Workbook()


def write_rows(sheet, rows: Iterable[Iterable]) -> None:
    """Append rows to an openpyxl worksheet, every cell neutralised."""
    for row in rows:
        sheet.append([safe_cell(value) for value in row])


def write_header(sheet, header: Iterable) -> None:
    """Append a bold header row to an openpyxl worksheet."""
    from openpyxl.styles import Font

    write_rows(sheet, [header])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)


def xlsx_response(workbook, filename: str) -> HttpResponse:
    out = io.BytesIO()
    workbook.save(out)
    return attachment(HttpResponse(out.getvalue(), content_type=XLSX_CONTENT_TYPE), filename)


def rows_xlsx_response(header: list, rows: Iterable[Iterable], filename: str, *, title: str = "Sheet1") -> HttpResponse:
    """A one-sheet workbook: a bold header row and the rows."""
    workbook = new_workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    write_header(sheet, header)
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
