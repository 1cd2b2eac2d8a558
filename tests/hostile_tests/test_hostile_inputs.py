"""The hostile-input corpus (corpus.py) against the API, the pages' forms, uploads and the importers.

Each input is refused (4xx, form error, file error, rejected row with a reason) or stored inert: exactly as
typed, escaped where it is shown, neutralised in exports. Never a 5xx, never a half-written record.
"""
import csv
import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from platform_core.exports import FORMULA_STARTS
from platform_core.importers import OrganisationImporter
from platform_core.importing import error_report_response
from platform_core.models import ImportRun, Organisation
from projects.models import Challenge, ChallengeAttachment
from tests.factories import OrganisationFactory, valid_credit_code
from tests.projects_tests.factories import challenge_data

from . import corpus

pytestmark = pytest.mark.django_db

NAME_LIMIT = Organisation._meta.get_field("name_zh").max_length


def _short(value) -> str:
    return repr(value)[:40]


def _assert_escaped(html: str, value: str) -> None:
    """A stored markup value never appears raw in a page (Django's autoescape), only escaped."""
    if "<" in value:
        assert value not in html, f"raw markup rendered: {value!r}"


# API: create and update


@pytest.mark.parametrize("value", corpus.TEXTS + corpus.WRONG_TYPES + corpus.oversized(NAME_LIMIT) + [corpus.NUL],
                         ids=_short)
def test_api_organisation_create_refuses_or_stores_inert(api, staff, value):
    api.force_authenticate(staff)
    before = Organisation.objects.count()
    response = api.post("/api/organisations/", {"name_zh": value, "kind": "enterprise", "name_en": value},
                        format="json")
    assert response.status_code < 500, response.content[:300]
    if response.status_code == 201:
        organisation = Organisation.objects.get(pk=response.json()["id"])
        # As typed (DRF trims surrounding whitespace), never cut to the limit.
        typed = value if isinstance(value, str) else str(value)  # DRF reads a number as its text
        assert organisation.name_zh == typed.strip() == organisation.name_en
        client = Client()
        client.force_login(staff)
        for url in (f"/organisations/{organisation.pk}/", "/organisations/"):
            page = client.get(url)
            assert page.status_code == 200
            _assert_escaped(page.content.decode(), typed)
    else:
        assert 400 <= response.status_code < 500
        assert Organisation.objects.count() == before


@pytest.mark.parametrize("field,value", [("name_zh", v) for v in corpus.oversized(NAME_LIMIT) + [None, [], {}]]
                         + [("credit_code", v) for v in corpus.SQL + ["9" * 19, "<b>1</b>"]]
                         + [("region", v) for v in corpus.WRONG_IDS]
                         + [("industry_nodes", v) for v in ["1", [["x"]], [{"id": 1}], ["9" * 30]]]
                         + [("website", v) for v in ["javascript:alert(1)", "http://" + "a" * 300, "ftp://x"]],
                         ids=_short)
def test_api_organisation_update_refused_changes_nothing(api, staff, field, value):
    organisation = OrganisationFactory(name_zh="原名科技有限公司", credit_code=valid_credit_code(77))
    snapshot = Organisation.objects.filter(pk=organisation.pk).values().get()
    api.force_authenticate(staff)
    response = api.patch(f"/api/organisations/{organisation.pk}/", {field: value}, format="json")
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    assert Organisation.objects.filter(pk=organisation.pk).values().get() == snapshot


@pytest.mark.parametrize("field,value", [("budget_min", v) for v in corpus.WRONG_NUMBERS]
                         + [("current_trl", v) for v in ["0", 10, -1, "3.5", "三", [], 2 ** 63]]
                         + [("deadline", v) for v in corpus.WRONG_DATES]
                         + [("center", v) for v in corpus.WRONG_IDS]
                         + [("title_zh", v) for v in ["", None, "题" * 100_000]],
                         ids=_short)
def test_api_challenge_create_refuses_wrong_values_and_writes_nothing(api, chain, field, value):
    api.force_authenticate(chain.manager)
    data = {**challenge_data(), "poster": chain.center.enterprise.pk, field: value}
    data["deadline"] = str(data["deadline"]) if field != "deadline" else value
    response = api.post("/api/projects/challenges/", data, format="json")
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    assert not Challenge.objects.exists()


@pytest.mark.parametrize("value", corpus.MARKUP + corpus.FORMULAS, ids=_short)
def test_api_challenge_text_is_stored_as_typed_and_escaped_on_its_page(api, chain, value):
    api.force_authenticate(chain.manager)
    data = {**challenge_data(title_zh=value, summary_zh=value, confidential_detail=value),
            "poster": chain.center.enterprise.pk}
    data["deadline"] = str(data["deadline"])
    response = api.post("/api/projects/challenges/", data, format="json")
    assert response.status_code == 201, response.content[:300]
    challenge = Challenge.objects.get()
    assert challenge.title_zh == challenge.summary_zh == value.strip()  # DRF trims surrounding whitespace
    client = Client()
    client.force_login(chain.manager)
    page = client.get(f"/projects/challenges/{challenge.pk}/")
    assert page.status_code == 200
    _assert_escaped(page.content.decode(), value)


# Uploads: file names


@pytest.mark.parametrize("name", corpus.TRAVERSAL_NAMES, ids=_short)
def test_attachment_file_names_cannot_leave_the_media_folder_and_download_as_attachments(chain, settings, name):
    from projects import services

    chain.published()
    upload = SimpleUploadedFile(name, b"<html><script>alert(1)</script></html>", content_type="text/html")
    try:
        attachment = services.attachment_add(actor=chain.manager, challenge=chain.challenge, file=upload)
    except Exception as exc:  # a refusal must be a validation error, nothing stored
        from django.core.exceptions import SuspiciousFileOperation, ValidationError

        assert isinstance(exc, (ValidationError, SuspiciousFileOperation)), exc
        assert not ChallengeAttachment.objects.exists()
        return
    stored = attachment.file.path
    from pathlib import Path

    assert Path(stored).resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert ".." not in attachment.file.name and "\x00" not in attachment.file.name
    client = Client()
    client.force_login(chain.manager)
    response = client.get(f"/projects/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert not response["Content-Type"].startswith(("text/html", "image/svg", "application/xhtml"))
    response.close()


# Importers: files


def _orgs_csv(rows, encoding="utf-8") -> SimpleUploadedFile:
    """Rows as strings "name,kind,code" (no commas in the name) or as lists, quoted as a spreadsheet would."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["名称", "类型", "统一社会信用代码"])
    writer.writerows(row.split(",") if isinstance(row, str) else row for row in rows)
    text = buffer.getvalue()
    return SimpleUploadedFile("organisations.csv", text.encode(encoding), content_type="text/csv")


@pytest.mark.parametrize("name,content", corpus.wrong_mime_files(), ids=lambda v: _short(v)[:20])
def test_files_that_are_not_spreadsheets_are_refused_with_a_reason(staff, name, content):
    run = OrganisationImporter(actor=staff).run(SimpleUploadedFile(name, content, content_type="text/csv"))
    assert run.file_error or run.rejected_rows == run.total_rows
    assert run.created_rows == 0 and not Organisation.objects.exists()


def test_a_zip_bomb_is_refused_quickly(staff):
    started = time.monotonic()
    run = OrganisationImporter(actor=staff).run(SimpleUploadedFile("bomb.xlsx", corpus.zip_bomb()))
    assert run.file_error and run.created_rows == 0
    assert time.monotonic() - started < 15
    assert not Organisation.objects.exists()


@pytest.mark.parametrize("encoding", corpus.ENCODINGS)
def test_every_encoding_reads_the_same_rows(staff, encoding):
    run = OrganisationImporter(actor=staff).run(_orgs_csv(
        [f"秦岭储能科技有限公司,企业,{valid_credit_code(300)}", f"长安理工大学,高校,{valid_credit_code(301)}"], encoding))
    assert (run.created_rows, run.rejected_rows, run.file_error) == (2, 0, "")
    assert set(Organisation.objects.values_list("name_zh", flat=True)) == {"秦岭储能科技有限公司", "长安理工大学"}


def test_markup_and_formula_names_import_inert_and_the_error_report_is_neutralised(staff):
    hostile = [v for v in corpus.MARKUP + corpus.FORMULAS + corpus.SQL if "," not in v and "\r" not in v]
    rows = [[value, "企业", valid_credit_code(400 + n)] for n, value in enumerate(hostile)]
    rows += [[value, "外星", valid_credit_code(450 + n)] for n, value in enumerate(hostile)]  # refused: kind
    run = OrganisationImporter(actor=staff).run(_orgs_csv(rows))
    assert run.created_rows == len(hostile) and run.rejected_rows == len(hostile)
    assert set(Organisation.objects.values_list("name_zh", flat=True)) == {v.strip() for v in hostile}
    for record in csv.reader(io.StringIO(error_report_response(run).content.decode("utf-8-sig"))):
        for cell in record:
            assert not cell.startswith(FORMULA_STARTS), cell
    client = Client()
    client.force_login(staff)
    page = client.get(f"/imports/{run.pk}/").content.decode()
    for value in hostile:
        _assert_escaped(page, value)


def test_an_over_long_name_in_an_import_is_refused_with_a_reason(staff):
    run = OrganisationImporter(actor=staff).run(_orgs_csv([f"{'甲' * (NAME_LIMIT + 1)},企业,{valid_credit_code(500)}",
                                                           f"正常公司,企业,{valid_credit_code(501)}"]))
    assert (run.created_rows, run.rejected_rows) == (1, 1)
    assert run.errors[0]["row"] == 2 and not Organisation.objects.filter(credit_code=valid_credit_code(500)).exists()


def test_a_refused_file_writes_nothing_and_records_the_refusal(staff):
    content = "名称,类型\n" + "坏文件\x00\x00,企业\n"
    run = OrganisationImporter(actor=staff).run(SimpleUploadedFile("../../../etc/cron.d/evil.csv",
                                                                   content.encode("utf-16")))
    assert ImportRun.objects.filter(pk=run.pk).exists()
    assert run.created_rows == 0 and not Organisation.objects.exists()
    assert "NUL" in run.errors[0]["errors"][0]
