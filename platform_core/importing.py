"""Bulk import from Excel/CSV with a per-row error report.

An importer declares its columns (with Chinese and English header aliases), cleans
each row into either data or a list of reasons, and writes the good rows in one
transaction. Bad rows are rejected with their reasons; good rows are kept; if
writing fails, nothing is written. Subclasses implement `clean_row` and `write`.
"""
import csv
import io
from abc import ABC, abstractmethod
from dataclasses import dataclass, field

import pandas as pd
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .audit import audit_log
from .models import ImportRun

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv", ".txt")


class ImportFileError(ValidationError):
    """The file as a whole cannot be read; no row was looked at."""


@dataclass(frozen=True)
class Column:
    name: str
    aliases: tuple[str, ...]
    required: bool = True


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
