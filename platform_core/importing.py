"""Bulk import from Excel/CSV with a per-row error report.

An importer declares its columns (with Chinese and English header aliases), cleans
each row into either data or a list of reasons, and writes the good rows in one
transaction. Bad rows are rejected with their reasons; good rows are kept; if
writing fails, nothing is written. Subclasses implement `clean_row` and `write`.
"""
import csv
import io
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from .audit import audit_log
from .models import ImportRun

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
    """CSV files from Chinese offices come in UTF-8 (with or without BOM) or GBK/GB18030."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("The file is neither UTF-8 nor GBK text; save it as UTF-8 CSV or as .xlsx."))


def read_table(uploaded) -> pd.DataFrame:
    """Read an uploaded CSV or XLSX file into a DataFrame of strings."""
    name = (getattr(uploaded, "name", "") or "").lower()
    size = getattr(uploaded, "size", None)
    limit = settings.MAX_IMPORT_FILE_SIZE
    if size is not None and size > limit:
        raise ImportFileError(
            _("The file is %(size).1f MB; the limit is %(limit).0f MB.")
            % {"size": size / 1e6, "limit": limit / 1e6}
        )
    raw = uploaded.read()
    if len(raw) > limit:
        raise ImportFileError(_("The file is larger than %(limit).0f MB.") % {"limit": limit / 1e6})
    if not raw.strip():
        raise ImportFileError(_("The file is empty."))
    try:
        if name.endswith(EXCEL_SUFFIXES):
            frame = pd.read_excel(io.BytesIO(raw), dtype=str, engine="openpyxl")
        elif name.endswith(CSV_SUFFIXES) or not name:
            text = decode_text(raw)
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True)
        else:
            raise ImportFileError(_("Unsupported file type; upload .xlsx or .csv."))
    except ImportFileError:
        raise
    except Exception as exc:  # pandas/openpyxl raise many kinds for a corrupt file
        raise ImportFileError(_("The file could not be read as a spreadsheet: %(error)s") % {"error": exc})
    frame = frame.fillna("")
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


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

    def run(self, uploaded) -> ImportRun:
        file_name = getattr(uploaded, "name", "upload")[:255]
        try:
            frame = read_table(uploaded)
            mapping = self.map_headers(list(frame.columns))
        except ImportFileError as exc:
            return ImportRun.objects.create(
                kind=self.kind, file_name=file_name, actor=self.actor, file_error=" ".join(exc.messages)
            )
        records = [
            {name: str(record.get(header, "")).strip() for name, header in mapping.items()}
            for record in frame.to_dict("records")
        ]
        self.prepare(records)
        # Row numbers as the user sees them in the spreadsheet: the header is row 1.
        results = [self.clean_row(record, index + 2) for index, record in enumerate(records)]
        good = [r for r in results if not r.errors]
        bad = [r for r in results if r.errors]
        with transaction.atomic():
            created, updated = self.write(good) if good else (0, 0)
            run = ImportRun.objects.create(
                kind=self.kind, file_name=file_name, actor=self.actor, total_rows=len(results),
                created_rows=created, updated_rows=updated, rejected_rows=len(bad),
                errors=[{"row": r.row_number, "errors": r.errors} for r in bad],
            )
            audit_log(actor=self.actor, action=f"import.{self.kind}", target=run,
                      created=created, updated=updated, rejected=len(bad))
        return run


def error_report_csv(run: ImportRun) -> str:
    """The per-row report as CSV (UTF-8 with BOM so that Excel opens Chinese correctly)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([_("Row"), _("Reason")])
    if run.file_error:
        writer.writerow(["-", run.file_error])
    for item in run.errors:
        writer.writerow([item["row"], "; ".join(item["errors"])])
    return out.getvalue()


TEMPLATE_ROWS = 500  # rows of the template that carry the data validation


def template_workbook(importer: TabularImporter):
    """The xlsx template of an import: a header row, the importer's example rows, data validation per
    column (lists from the taxonomy and the database, dates, numbers), the allowed values on a second
    sheet and a guide on a third. Written through platform_core.exports (formula-safe cells)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    from .exports import safe_cell, write_rows

    workbook = Workbook()
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
