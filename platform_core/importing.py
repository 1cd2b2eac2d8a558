"""Bulk import from Excel/CSV with a per-row error report.

An importer declares its columns (with Chinese and English header aliases), cleans
each row into either data or a list of reasons, and writes the good rows in one
transaction. Bad rows are rejected with their reasons; good rows are kept; if
writing fails, nothing is written. Subclasses implement `clean_row` and `write`.
"""
import csv
import datetime
import io
import logging
import uuid
import zlib
import zipfile
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from .audit import audit_log
from .models import ImportRun

logger = logging.getLogger(__name__)

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv", ".txt")


class ImportFileError(ValidationError):
    """The file as a whole cannot be read; no row was looked at."""


class Format:
    """How a column's cells are written; drives the import page's column list and the template's validation."""
    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATE = "date"
    FLAG = "flag"
    CHOICE = "choice"  # one value out of `choices`
    LIST = "list"  # several values separated by ; (each out of `choices` when given)


FORMAT_LABELS = {
    Format.TEXT: _lazy("text"),
    Format.INTEGER: _lazy("whole number"),
    Format.DECIMAL: _lazy("number"),
    Format.DATE: _lazy("date, e.g. 2021-03-15"),
    Format.FLAG: _lazy("是/否 (yes/no)"),
    Format.CHOICE: _lazy("one value from the list"),
    Format.LIST: _lazy("several values separated by ;"),
}


@dataclass(frozen=True)
class Column:
    """One column of an import: its key, the headers it is recognised by (the first one is written in the
    template), whether it is required, what it means and how its cells are written."""
    name: str
    aliases: tuple[str, ...]
    required: bool = True
    help: object = ""
    format: str = Format.TEXT
    choices: Callable[[object], list[str]] | None = None  # choices(importer): the allowed values, read when the template is made
    bounds: tuple[int, int] | None = None  # for INTEGER
    max_length: int | None = None  # longer cells are refused with a reason (default MAX_IMPORT_CELL_LENGTH)

    @property
    def header(self) -> str:
        return self.aliases[0] if self.aliases else self.name

    @property
    def format_label(self):
        label = str(FORMAT_LABELS[self.format])
        if self.bounds:
            label += f" ({self.bounds[0]}–{self.bounds[1]})"
        return label


@dataclass
class RowResult:
    row_number: int
    data: dict | None = None
    errors: list[str] = field(default_factory=list)


def decode_text(raw: bytes) -> str:
    """CSV files from Chinese offices come in UTF-8 (with or without BOM), GBK/GB18030, or UTF-16 with a BOM
    (Excel's "Unicode text")."""
    encodings = ("utf-16",) if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("The file is neither UTF-8 nor GBK text; save it as UTF-8 CSV or as .xlsx."))


@dataclass
class Table:
    """A spreadsheet opened for streaming: its header and a generator of (row number, cells, formula
    column indexes). Row numbers are the spreadsheet's own (the header is row 1)."""
    headers: list[str]
    rows: Iterator[tuple[int, list[str], list[int]]]
    declared_rows: int | None = None  # data rows the file says it has (None: not declared)


def read_upload(uploaded) -> bytes:
    """The uploaded bytes, refused when over MAX_IMPORT_FILE_SIZE (the size is checked before reading)."""
    size = getattr(uploaded, "size", None)
    limit = settings.MAX_IMPORT_FILE_SIZE
    if size is not None and size > limit:
        raise ImportFileError(
            _("The file is %(size).1f MB; the limit is %(limit).0f MB.")
            % {"size": size / 1e6, "limit": limit / 1e6}
        )
    raw = uploaded.read(limit + 1)
    if len(raw) > limit:
        raise ImportFileError(_("The file is larger than %(limit).0f MB.") % {"limit": limit / 1e6})
    if not raw.strip():
        raise ImportFileError(_("The file is empty."))
    return raw


def _too_many_rows(limit: int) -> ImportFileError:
    return ImportFileError(_("The file has more than %(limit)s data rows; split it into files of at most "
                             "%(limit)s rows.") % {"limit": limit})


def _too_many_columns(count: int, limit: int) -> ImportFileError:
    return ImportFileError(_("The sheet has %(count)s columns; at most %(limit)s are allowed (delete the unused "
                             "columns).") % {"count": count, "limit": limit})


def open_table(raw: bytes, name: str) -> Table:
    """Open an xlsx or CSV file for streaming, refusing before any row is parsed what is over the limits."""
    name = (name or "").lower()
    if name.endswith(EXCEL_SUFFIXES):
        return _open_xlsx(raw)
    if name.endswith(CSV_SUFFIXES) or not name:
        return _open_csv(raw)
    raise ImportFileError(_("Unsupported file type; upload .xlsx or .csv."))


def _open_xlsx(raw: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ImportFileError(_("The file could not be read as a spreadsheet: %(error)s") % {"error": exc})
    # A zip states what each member unzips to, and Python's reader stops there: checking the sum is enough.
    if unzipped > settings.MAX_IMPORT_UNZIPPED_SIZE:
        raise ImportFileError(_("The workbook unzips to %(size).0f MB; the limit is %(limit).0f MB.")
                              % {"size": unzipped / 1e6, "limit": settings.MAX_IMPORT_UNZIPPED_SIZE / 1e6})
    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
        sheet = workbook.worksheets[0]
        declared_rows, declared_columns = sheet.max_row, sheet.max_column
    except Exception as exc:  # openpyxl raises many kinds for a corrupt file
        raise ImportFileError(_("The file could not be read as a spreadsheet: %(error)s") % {"error": exc})
    max_columns = settings.MAX_IMPORT_COLUMNS
    if declared_rows and declared_rows - 1 > settings.MAX_IMPORT_ROWS:
        raise _too_many_rows(settings.MAX_IMPORT_ROWS)
    if declared_columns and declared_columns > max_columns:
        raise _too_many_columns(declared_columns, max_columns)
    if declared_rows and declared_columns and declared_rows * declared_columns > settings.MAX_IMPORT_CELLS:
        raise ImportFileError(_("The sheet declares %(count)s cells; the limit is %(limit)s.")
                              % {"count": declared_rows * declared_columns, "limit": settings.MAX_IMPORT_CELLS})

    def cells(row) -> tuple[list[str], list[int]]:
        values, formulas = [], []
        for index, cell in enumerate(row):
            if getattr(cell, "data_type", None) == "f":
                formulas.append(index)
            values.append(_cell_text(cell.value))
        return values, formulas

    try:
        rows = sheet.iter_rows()
        header_row = next(rows, None)
    except Exception as exc:
        raise ImportFileError(_("The file could not be read as a spreadsheet: %(error)s") % {"error": exc})
    if header_row is None:
        raise ImportFileError(_("The file is empty."))
    headers, _formulas = cells(header_row)

    def stream():
        try:
            for number, row in enumerate(rows, start=2):
                if number - 1 > settings.MAX_IMPORT_ROWS:  # the dimension was missing or understated
                    raise _too_many_rows(settings.MAX_IMPORT_ROWS)
                if len(row) > max_columns:
                    raise _too_many_columns(len(row), max_columns)
                values, formulas = cells(row)
                if any(values) or formulas:
                    yield number, values, formulas
        finally:
            workbook.close()

    return Table(headers=[h.strip() for h in headers], rows=stream(),
                 declared_rows=declared_rows - 1 if declared_rows else None)


def _cell_text(value) -> str:
    """A cell as the text an importer cleans: whole numbers without .0, dates without a midnight time."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def _open_csv(raw: bytes) -> Table:
    text = decode_text(raw)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    limit, max_columns = settings.MAX_IMPORT_ROWS, settings.MAX_IMPORT_COLUMNS
    # Count the rows before cleaning one: a file over the limit is refused at once, not after minutes.
    count = -1
    try:
        for count, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter)):
            if count > limit:
                raise _too_many_rows(limit)
            if len(row) > max_columns:
                raise _too_many_columns(len(row), max_columns)
    except csv.Error as exc:
        raise ImportFileError(_("The file could not be read as CSV: %(error)s") % {"error": exc})
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    headers = next(reader, [])
    if not any(h.strip() for h in headers):
        raise ImportFileError(_("The file is empty."))

    def stream():
        for number, row in enumerate(reader, start=2):
            values = [value.strip() for value in row]
            if any(values):
                yield number, values, []

    return Table(headers=[h.strip() for h in headers], rows=stream(), declared_rows=max(count, 0))


class TabularImporter(ABC):
    kind = ""
    columns: tuple[Column, ...] = ()

    def __init__(self, *, actor):
        self.actor = actor

    def map_headers(self, headers: list[str]) -> dict[str, str]:
        """Map each declared column to the file's header; raise if a required one is missing."""
        lookup = {h.strip().lower(): h for h in headers}
        mapping, missing = {}, []
        for column in self.columns:
            found = next((lookup[a.lower()] for a in (column.name, *column.aliases) if a.lower() in lookup), None)
            if found:
                mapping[column.name] = found
            elif column.required:
                missing.append(f"{column.aliases[0] if column.aliases else column.name} ({column.name})")
        if missing:
            raise ImportFileError(
                _("Missing required columns: %(columns)s. Found: %(found)s.")
                % {"columns": ", ".join(missing), "found": ", ".join(headers) or "-"}
            )
        return mapping

    def prepare(self, rows: list[dict]) -> None:
        """Load lookups once for the whole file (avoid a query per row)."""

    def example_rows(self) -> list[dict]:
        """Rows the template shows (column name -> value); they must import cleanly for this actor."""
        return []

    def describe_columns(self) -> list[dict]:
        """The columns as the import page lists them."""
        return [{"header": c.header, "name": c.name, "required": c.required, "help": c.help,
                 "format": c.format_label, "aliases": [a for a in c.aliases[1:] if a.lower() != c.name.lower()]}
                for c in self.columns]

    @abstractmethod
    def clean_row(self, row: dict, row_number: int) -> RowResult:
        """Turn one row into data, or into the reasons it is rejected."""

    @abstractmethod
    def write(self, rows: list[RowResult]) -> tuple[int, int]:
        """Write the clean rows; return (created, updated)."""

    def _checked_run(self, uploaded) -> tuple[ImportRun, bytes | None]:
        """Check the file as a whole (size, zip size, declared dimension, row count, headers) without
        cleaning a row; a refused file gives a failed run and no bytes."""
        file_name = (getattr(uploaded, "name", "") or "upload")[:255]
        run = ImportRun(kind=self.kind, file_name=file_name, actor=self.actor, status=ImportRun.Status.QUEUED,
                        importer=f"{type(self).__module__}.{type(self).__qualname__}")
        try:
            raw = read_upload(uploaded)
            table = open_table(raw, file_name)
            self.map_headers(table.headers)
        except ImportFileError as exc:
            run.status, run.finished_at = ImportRun.Status.FAILED, timezone.now()
            run.file_error = " ".join(exc.messages)
            run.save()
            return run, None
        run.total_rows = table.declared_rows or 0
        return run, raw

    def start(self, uploaded) -> ImportRun:
        """Check the file now, keep it, and import it in Celery (`platform.run_import`) after commit; the run's
        page shows the progress. In the embedded default (eager Celery) the import is done on return."""
        from .tasks import run_import

        run, raw = self._checked_run(uploaded)
        if raw is None:
            return run
        suffix = next((s for s in (*EXCEL_SUFFIXES, *CSV_SUFFIXES) if run.file_name.lower().endswith(s)), ".csv")
        run.upload.save(f"{uuid.uuid4().hex}{suffix}", ContentFile(raw), save=False)
        run.save()
        if run_import.app.conf.task_always_eager:
            run_import.delay(run.pk)  # no worker: the request imports (it sees its own uncommitted run)
        else:
            transaction.on_commit(lambda: run_import.delay(run.pk))
        run.refresh_from_db()
        return run

    def run(self, uploaded) -> ImportRun:
        """Check and import in this process (management commands, the scale loader, benchmarks)."""
        run, raw = self._checked_run(uploaded)
        if raw is None:
            return run
        run.save()
        try:
            return self.process(run, raw)
        except Exception:
            _mark_failed(run.pk, INTERNAL_ERROR)
            raise

    def check_cells(self, record: dict, formula_columns: set[str]) -> list[str]:
        """Reasons that do not depend on the importer: formula cells, NUL characters and over-long values (never
        cut)."""
        errors = []
        for column in self.columns:
            header = column.header
            if column.name in formula_columns:
                errors.append(_("%(column)s holds a formula; imports read values only (copy the column and "
                                "paste it as values).") % {"column": header})
                continue
            limit = column.max_length or settings.MAX_IMPORT_CELL_LENGTH
            value = record.get(column.name, "")
            if "\x00" in value:  # no database stores it; a text file saved in a binary format shows them
                errors.append(_("%(column)s holds a NUL character; save the file again as UTF-8 CSV or as .xlsx.")
                              % {"column": header})
                continue
            if len(value) > limit:
                errors.append(_("%(column)s is %(length)s characters long; at most %(limit)s are allowed.")
                              % {"column": header, "length": len(value), "limit": limit})
        return errors

    def process(self, run: ImportRun, raw: bytes) -> ImportRun:
        """Read every row (progress saved as it goes), then, in one transaction that locks the run and holds the
        import lock of this kind, look up the existing records, clean the rows and write the good ones with the
        run's result: a redelivered task finds the run done and writes nothing again, and two uploads of the same
        file at the same moment do not both take its rows for new ones."""
        if run.is_finished:
            return run
        ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.QUEUED).update(status=ImportRun.Status.RUNNING)
        try:
            table = open_table(raw, run.file_name)
            mapping = self.map_headers(table.headers)
            indexes = {name: table.headers.index(header) for name, header in mapping.items()}
            records, checks = [], []
            every = max(100, (table.declared_rows or 0) // 50)
            for number, values, formulas in table.rows:
                record = {name: values[i] if i < len(values) else "" for name, i in indexes.items()}
                formula_columns = {name for name, i in indexes.items() if i in formulas}
                records.append((number, record))
                checks.append(self.check_cells(record, formula_columns))
                if len(records) % every == 0:
                    ImportRun.objects.filter(pk=run.pk).update(processed_rows=len(records))
        except ImportFileError as exc:
            _mark_failed(run.pk, " ".join(exc.messages))
            run.refresh_from_db()
            return run
        ImportRun.objects.filter(pk=run.pk).update(total_rows=len(records))
        with transaction.atomic():
            run = ImportRun.objects.select_for_update().get(pk=run.pk)
            if run.is_finished:
                return run
            _lock_import_kind(self.kind)
            # Rows already refused (a formula, a NUL, an over-long value) are not looked up: NUL breaks a query.
            self.prepare([record for (_number, record), errors in zip(records, checks) if not errors])
            results = [RowResult(number, errors=errors) if errors else self.clean_row(record, number)
                       for (number, record), errors in zip(records, checks)]
            good = [r for r in results if not r.errors]
            bad = [r for r in results if r.errors]
            created, updated = self.write(good) if good else (0, 0)
            run.status, run.finished_at = ImportRun.Status.DONE, timezone.now()
            run.total_rows = run.processed_rows = len(results)
            run.created_rows, run.updated_rows, run.rejected_rows = created, updated, len(bad)
            run.errors = [{"row": r.row_number, "errors": r.errors} for r in bad]
            stored = run.upload.name
            run.upload = ""
            run.save()
            audit_log(actor=self.actor, action=f"import.{self.kind}", target=run,
                      created=created, updated=updated, rejected=len(bad))
            if stored:
                transaction.on_commit(lambda: run.upload.storage.delete(stored))
        return run


def _lock_import_kind(kind: str) -> None:
    """Serialise imports of one kind until the transaction ends. PostgreSQL: a transaction-level advisory lock
    keyed on the kind; SQLite needs none, its transactions begin IMMEDIATE and so already write one at a time."""
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [IMPORT_LOCK_SPACE, zlib.crc32(kind.encode()) - 2**31])


IMPORT_LOCK_SPACE = 1121  # first key of the advisory locks taken by imports (the second is the kind)


INTERNAL_ERROR = _lazy("The import stopped on an internal error; nothing was written. Try again or tell the "
                       "platform administrators.")


def _mark_failed(run_id: int, message) -> None:
    ImportRun.objects.filter(pk=run_id).exclude(status=ImportRun.Status.DONE).update(
        status=ImportRun.Status.FAILED, finished_at=timezone.now(), file_error=str(message))


def process_stored_import(run_id: int) -> ImportRun | None:
    """The Celery side of `TabularImporter.start`: rebuild the importer for the run's actor and import the kept
    file. A run already finished (a redelivered task) is left as it is."""
    run = ImportRun.objects.select_related("actor").filter(pk=run_id).first()
    if run is None or run.is_finished:
        return run
    try:
        importer = import_string(run.importer)(actor=run.actor)
        with run.upload.open("rb") as stored:
            raw = stored.read()
        return importer.process(run, raw)
    except Exception:
        logger.exception("Import %s failed", run_id)  # the run says so; retrying would fail the same way
        _mark_failed(run_id, INTERNAL_ERROR)
        return None


def error_report_response(run: ImportRun):
    """The per-row report as a CSV download (through the core's export helper: formula-safe cells, since a
    reason quotes the user's own input)."""
    from .exports import csv_response

    rows = [["-", run.file_error]] if run.file_error else []
    rows += [[item["row"], "; ".join(item["errors"])] for item in run.errors]
    return csv_response([_("Row"), _("Reason")], rows, f"import-{run.pk}-report.csv")


TEMPLATE_ROWS = 500  # rows of the template that carry the data validation


def template_workbook(importer: TabularImporter):
    """The xlsx template of an import: a header row, the importer's example rows, data validation per
    column (lists from the taxonomy and the database, dates, numbers), the allowed values on a second
    sheet and a guide on a third. Written through platform_core.exports (formula-safe cells)."""
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    from .exports import new_workbook, safe_cell, write_rows

    workbook = new_workbook()
    data = workbook.active
    data.title = _("Data")[:31]
    lists = workbook.create_sheet(_("Allowed values")[:31])
    guide = workbook.create_sheet(_("Columns")[:31])
    columns = importer.columns
    write_rows(data, [[c.header for c in columns]])
    required_fill = PatternFill("solid", fgColor="FFF2CC")
    for cell, column in zip(data[1], columns):
        cell.font = Font(bold=True)
        if column.required:
            cell.fill = required_fill
    examples = importer.example_rows()
    for example in examples:
        data.append([_template_value(column, example.get(column.name, "")) for column in columns])
    last_row = TEMPLATE_ROWS + 1
    list_column = 0
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        cells = f"{letter}2:{letter}{last_row}"
        data.column_dimensions[letter].width = max(12, min(40, len(column.header) * 2 + 4))
        validation = None
        choices = column.choices(importer) if column.choices else []
        if choices:
            list_column += 1
            list_letter = get_column_letter(list_column)
            lists.cell(row=1, column=list_column, value=safe_cell(column.header)).font = Font(bold=True)
            for row, choice in enumerate(choices, start=2):
                lists.cell(row=row, column=list_column, value=safe_cell(choice))
            if column.format == Format.CHOICE:
                source = f"{quote_sheetname(lists.title)}!${list_letter}$2:${list_letter}${len(choices) + 1}"
                validation = DataValidation(type="list", formula1=source, allow_blank=not column.required)
        elif column.format == Format.DATE:
            validation = DataValidation(type="date", operator="greaterThan", formula1="DATE(1900,1,1)")
            for row in range(2, last_row + 1):
                data[f"{letter}{row}"].number_format = "yyyy-mm-dd"
        elif column.format == Format.INTEGER and column.bounds:
            validation = DataValidation(type="whole", operator="between",
                                        formula1=str(column.bounds[0]), formula2=str(column.bounds[1]))
        elif column.format == Format.DECIMAL:
            validation = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0")
            for row in range(2, last_row + 1):
                data[f"{letter}{row}"].number_format = "#,##0.00"
        if validation is not None:
            validation.error = _("%(column)s: %(format)s") % {"column": column.header, "format": column.format_label}
            validation.errorTitle = str(column.header)
            validation.prompt = str(column.help)[:255] if column.help else None
            validation.showErrorMessage = True
            validation.showInputMessage = bool(column.help)
            data.add_data_validation(validation)
            validation.add(cells)
    data.freeze_panes = "A2"
    write_rows(guide, [[_("Header"), _("Also accepted"), _("Required"), _("Meaning"), _("Format")]])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    write_rows(guide, [[c.header, " / ".join((*c.aliases[1:], c.name)), _("yes") if c.required else _("no"),
                        str(c.help), c.format_label] for c in columns])
    for letter, width in zip("ABCDE", (18, 36, 8, 60, 28)):
        guide.column_dimensions[letter].width = width
    return workbook


def _template_value(column: Column, value):
    if column.format == Format.DATE and isinstance(value, str) and value:
        import datetime

        return datetime.date.fromisoformat(value)
    from .exports import safe_cell

    return safe_cell(value)


def import_template_response(importer: TabularImporter, name: str):
    """The template as a download (through the core's export helper)."""
    from .exports import xlsx_response

    return xlsx_response(template_workbook(importer), f"{name}.xlsx")
