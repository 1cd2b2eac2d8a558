"""Every file download (issue 12 §6, §7): written through platform_core/exports.py, an attachment with a
safe content type and nosniff; an uploaded HTML or SVG file is never served as a page."""
import datetime
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from platform_core.exports import safe_content_type
from platform_core.importers import OrganisationImporter
from projects.models import ChallengeAttachment, Document
from tests.consortia_tests.factories import staffed_center
from tests.projects_tests.factories import Chain
from tests.talent_tests.factories import make_cast
from reporting.models import StoredReport
from transfer.models import AnnualReport, Roadshow

ROOT = Path(__file__).resolve().parents[2]
EXPORT_WRITERS = re.compile(r"csv\.writer|csv\.DictWriter|Workbook\(|text/csv|FileResponse|Content-Disposition|"
                            r"spreadsheetml|as_attachment")
# Files that build an upload for an importer (not a download) may write CSV themselves.
NOT_DOWNLOADS = {"transfer/scale.py": "writes the CSV the scale loader imports", "bench/import_speed.py": "benchmark input"}
UNSAFE_INLINE = ("text/html", "image/svg+xml", "application/xhtml+xml", "text/xml", "application/xml",
                 "text/javascript", "application/javascript")


def source_files():
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith((".venv/", "tests/", "node_modules/")) or "/migrations/" in relative:
            continue
        yield relative, path


def test_no_download_is_written_outside_the_export_helper():
    offenders = [f"{relative}:{number}: {line.strip()}"
                 for relative, path in source_files()
                 if relative != "platform_core/exports.py" and relative not in NOT_DOWNLOADS
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
                 if EXPORT_WRITERS.search(line)]
    assert offenders == []


def walk(resolver, prefix=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.name


@pytest.fixture
def downloads(staff, enterprise, university, settings, tmp_path):
    """One URL per download view of the code base, with data behind it (name → URL)."""
    settings.MEDIA_ROOT = tmp_path
    center, people = staffed_center(enterprise, university)
    chain = Chain(center, people).published()
    attachments = {}
    for name, content in (("evil.html", b"<script>alert(1)</script>"), ("evil.svg", b"<svg onload='alert(1)'/>"),
                          ("说明.pdf", b"%PDF-1.4")):
        attachments[name] = ChallengeAttachment.objects.create(
            challenge=chain.challenge, file=SimpleUploadedFile(name, content), uploaded_by=staff,
            is_confidential=False)
    call = Chain(*staffed_center(enterprise, university, prefix="d")).opened().call
    document = Document.objects.create(kind=Document.Kind.PROPOSAL_TEMPLATE, call=call, name="模板.html",
                                       file=SimpleUploadedFile("模板.html", b"<script>alert(1)</script>"), size=25,
                                       uploaded_by=staff)
    run = OrganisationImporter(actor=staff).run(SimpleUploadedFile("o.csv", "名称,类型\n=1+1,外星\n".encode()))
    roadshow = Roadshow.objects.create(
        title="<b>路演</b>", place="西安", starts_at=timezone.now() + datetime.timedelta(days=9), organiser=university,
        capacity=10, registration_deadline=timezone.now() + datetime.timedelta(days=8), created_by=staff)
    annual = AnnualReport.objects.create(institution=university, year=2025, version=1, created_by=staff,
                                         status=AnnualReport.Status.READY)
    stored = StoredReport.objects.create(
        period=StoredReport.Period.QUARTER, start=datetime.date(2026, 7, 1), end=datetime.date(2026, 9, 30),
        title="2026 Q3", status=StoredReport.Status.DONE, filename="<script>.xlsx", content=b"PK\x03\x04")
    return {
        "report-xlsx": f"/transfer/income/reports/{annual.pk}/report.xlsx",
        "report-pdf": f"/transfer/income/reports/{annual.pk}/report.pdf",
        "report-download": f"/reporting/reports/{stored.pk}/download/",
        "import-report": f"/imports/{run.pk}/report.csv",
        "organisation-import-template": "/organisations/import/?template=xlsx",
        "achievement-import-template": "/transfer/import/achievements/?template=xlsx",
        "patent-import-template": "/transfer/import/patents/?template=xlsx",
        "cost-report": "/talent/cost-report/?format=csv",
        "roadshow-export": f"/transfer/roadshows/{roadshow.pk}/registrations.xlsx",
        "attachment-download": f"/projects/attachments/{attachments['evil.html'].pk}/",
        "attachment-download svg": f"/projects/attachments/{attachments['evil.svg'].pk}/",
        "attachment-download pdf": f"/projects/attachments/{attachments['说明.pdf'].pk}/",
        "hire-costs-csv": f"/talent/shared-hires/{make_cast().hire().pk}/costs.csv",
        "document-download": f"/projects/documents/{document.pk}/",
    }


def test_every_download_route_is_walked(downloads):
    names = {name.split()[0] for name in downloads}
    routes = {name for route, name in walk(get_resolver())
              if name and not route.startswith(("admin/", "api/"))
              and (route.endswith((".csv", ".xlsx", ".pdf")) or name.endswith(("-download", "-export", "-csv")))}
    assert routes - names == set()


def test_every_download_is_a_safe_attachment(client, staff, downloads):
    client.force_login(staff)
    for name, url in downloads.items():
        response = client.get(url)
        assert response.status_code == 200, name
        content_type = response["Content-Type"].split(";")[0]
        assert response["Content-Disposition"].startswith("attachment"), name
        assert response["X-Content-Type-Options"] == "nosniff", name
        assert content_type not in UNSAFE_INLINE, (name, content_type)
        assert "sandbox" in response["Content-Security-Policy"], name
    assert client.get(downloads["attachment-download"])["Content-Type"] == "application/octet-stream"
    assert client.get(downloads["attachment-download pdf"])["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(("name", "expected"), [
    ("a.html", "application/octet-stream"), ("a.svg", "application/octet-stream"), ("a.xml", "application/octet-stream"),
    ("a.js", "application/octet-stream"), ("noext", "application/octet-stream"), ("a.tar.gz", "application/octet-stream"),
    ("a.png", "image/png"), ("a.txt", "text/plain; charset=utf-8"), ("A.PDF", "application/pdf"),
])
def test_safe_content_type(name, expected):
    assert safe_content_type(name) == expected


def test_a_file_name_cannot_break_the_header(client, staff, settings, tmp_path):
    from platform_core.exports import attachment
    from django.http import HttpResponse

    response = attachment(HttpResponse(b""), 'a"\r\nSet-Cookie: x=1.csv')
    assert "\n" not in response["Content-Disposition"] and 'filename="aSet-Cookie: x=1.csv"' in response[
        "Content-Disposition"]
