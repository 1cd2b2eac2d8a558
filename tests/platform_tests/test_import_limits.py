"""Hostile and awkward spreadsheets (issue 12 §8): limits checked before parsing, formula cells and
over-long values refused with a reason, encodings, idempotent re-import, the background run and its page."""
import io
import re
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from platform_core.importers import OrganisationImporter
from platform_core.models import ImportRun, Organisation
from platform_core.tasks import run_import
from tests.factories import OrganisationFactory, RegionFactory, valid_credit_code

pytestmark = pytest.mark.django_db

HEADER = "名称,类型,统一社会信用代码,地区\n"


def csv_upload(text: str, encoding="utf-8", name="orgs.csv"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def rewrite_member(raw: bytes, member: str, change) -> bytes:
    source, out = zipfile.ZipFile(io.BytesIO(raw)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info.filename, change(data) if info.filename == member else data)
    return out.getvalue()


def test_a_small_xlsx_declaring_a_huge_sheet_is_refused_before_parsing(staff):
    plain = xlsx_bytes([["名称", "类型"], ["甲", "企业"]])
    bomb = rewrite_member(plain, "xl/worksheets/sheet1.xml",
                          lambda xml: re.sub(rb'<dimension ref="[^"]+"/>', b'<dimension ref="A1:ZZ20000"/>', xml))
    assert len(bomb) < 6000
    started = time.monotonic()
    run = OrganisationImporter(actor=staff).start(SimpleUploadedFile("bomb.xlsx", bomb))
    assert time.monotonic() - started < 1.0
    assert run.status == ImportRun.Status.FAILED and "702" in run.file_error
    assert not run.upload and Organisation.objects.count() == 0


def test_an_xlsx_that_unzips_beyond_the_limit_is_refused(staff, settings):
    settings.MAX_IMPORT_UNZIPPED_SIZE = 1_000_000
    plain = xlsx_bytes([["名称", "类型"], ["甲", "企业"]])
    bomb = rewrite_member(plain, "docProps/app.xml",
                          lambda data: data + b" " * 5_000_000)
    assert len(bomb) < 100_000
    run = OrganisationImporter(actor=staff).start(SimpleUploadedFile("zip.xlsx", bomb))
    assert run.status == ImportRun.Status.FAILED and "MB" in run.file_error
    assert Organisation.objects.count() == 0


def test_a_million_row_csv_is_refused_quickly(staff):
    text = HEADER + "甲公司,企业,,\n" * 1_000_000
    started = time.monotonic()
    run = OrganisationImporter(actor=staff).start(csv_upload(text))
    elapsed = time.monotonic() - started
    assert run.status == ImportRun.Status.FAILED and "100000" in run.file_error, run.file_error
    assert elapsed < 5, elapsed
    assert Organisation.objects.count() == 0


def test_row_and_column_limits_come_from_settings(staff, settings):
    settings.MAX_IMPORT_ROWS = 3
    run = OrganisationImporter(actor=staff).run(csv_upload(HEADER + "甲,企业,,\n" * 4))
    assert run.file_error and Organisation.objects.count() == 0
    assert OrganisationImporter(actor=staff).run(csv_upload(HEADER + "甲,企业,,\n" * 3)).created_rows == 1
    settings.MAX_IMPORT_COLUMNS = 3
    wide = OrganisationImporter(actor=staff).run(csv_upload(HEADER + "乙,企业,,\n"))
    assert "3" in wide.file_error and not Organisation.objects.filter(name_zh="乙").exists()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_encodings(staff, encoding):
    run = OrganisationImporter(actor=staff).run(csv_upload(HEADER + f"秦岭储能有限公司,企业,{valid_credit_code(7)},\n",
                                                           encoding=encoding))
    assert (run.created_rows, run.file_error) == (1, "")
    assert Organisation.objects.get().name_zh == "秦岭储能有限公司"


def test_an_over_long_value_is_refused_with_a_reason_not_cut(staff):
    long_name = "长" * 201
    run = OrganisationImporter(actor=staff).run(csv_upload(HEADER + f"{long_name},企业,,\n正常公司,企业,,\n"))
    assert (run.created_rows, run.rejected_rows) == (1, 1)
    [item] = run.errors
    assert item["row"] == 2 and "201" in item["errors"][0] and "200" in item["errors"][0]
    assert list(Organisation.objects.values_list("name_zh", flat=True)) == ["正常公司"]


def test_a_formula_cell_is_refused_with_a_reason(staff):
    raw = xlsx_bytes([["名称", "类型"], ["=CONCAT(\"甲\",\"公司\")", "企业"], ["乙公司", "企业"]])
    run = OrganisationImporter(actor=staff).run(SimpleUploadedFile("f.xlsx", raw))
    assert (run.created_rows, run.rejected_rows) == (1, 1)
    assert run.errors[0]["row"] == 2 and ("formula" in run.errors[0]["errors"][0] or "公式" in run.errors[0]["errors"][0])
    assert list(Organisation.objects.values_list("name_zh", flat=True)) == ["乙公司"]


def test_reimporting_the_same_file_gives_the_same_rows(staff):
    RegionFactory(code="610100", name_zh="西安市")
    text = HEADER + f"甲公司,企业,{valid_credit_code(11)},西安市\n乙大学,高校,,西安市\n丙研究院,科研院所,,\n"
    first = OrganisationImporter(actor=staff).run(csv_upload(text))
    rows = sorted(Organisation.objects.values_list("pk", "name_zh", "credit_code", "region__code"))
    second = OrganisationImporter(actor=staff).run(csv_upload(text))
    assert (first.created_rows, first.rejected_rows) == (3, 0)
    assert (second.created_rows, second.updated_rows, second.rejected_rows) == (0, 0, 0)
    assert sorted(Organisation.objects.values_list("pk", "name_zh", "credit_code", "region__code")) == rows
    changed = OrganisationImporter(actor=staff).run(csv_upload(text.replace("甲公司", "甲科技公司")))
    assert (changed.created_rows, changed.updated_rows) == (0, 1)
    assert Organisation.objects.get(credit_code=valid_credit_code(11)).name_zh == "甲科技公司"


def test_a_row_without_code_matching_two_organisations_is_refused(staff):
    OrganisationFactory(name_zh="同名公司", credit_code="", region=None)
    OrganisationFactory(name_zh="同名公司", credit_code="", region=None)
    run = OrganisationImporter(actor=staff).run(csv_upload(HEADER + "同名公司,企业,,\n"))
    assert run.rejected_rows == 1 and Organisation.objects.filter(name_zh="同名公司").count() == 2


def test_the_page_imports_in_the_background_and_a_redelivered_task_writes_nothing_again(client, staff):
    client.force_login(staff)
    response = client.post("/organisations/import/", {"file": csv_upload(HEADER + "甲公司,企业,,\n乙公司,外星,,\n")})
    run = ImportRun.objects.get()
    assert response.status_code == 302 and run.status == ImportRun.Status.DONE and run.importer.endswith(
        "OrganisationImporter")
    assert not run.upload  # the kept file is deleted once imported
    assert run_import(run.pk) == "done"
    assert Organisation.objects.count() == 1 and ImportRun.objects.get().created_rows == 1
    progress = client.get(f"/imports/{run.pk}/progress/").json()
    assert progress == {"status": "done", "processed_rows": 2, "total_rows": 2, "percent": 100, "finished": True}


def test_a_queued_run_shows_its_progress_and_is_imported_by_the_task(client, staff, settings):
    from config.celery import app

    app.conf.task_always_eager = False
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(run_import, "delay", lambda *args: None)  # the worker has not picked it up yet
            run = OrganisationImporter(actor=staff).start(csv_upload(HEADER + "甲公司,企业,,\n"))
    finally:
        app.conf.task_always_eager = True
    assert run.status == ImportRun.Status.QUEUED and run.upload and run.total_rows == 1
    client.force_login(staff)
    page = client.get(f"/imports/{run.pk}/").content.decode()
    assert 'data-testid="import-progress"' in page and "import_progress.js" in page
    assert client.get(f"/imports/{run.pk}/progress/").json()["finished"] is False
    assert run_import(run.pk) == "done"
    assert Organisation.objects.filter(name_zh="甲公司").count() == 1
    assert client.get(f"/imports/{run.pk}/progress/").json()["finished"] is True


def test_another_users_progress_is_not_found(client, staff, enterprise_admin):
    run = OrganisationImporter(actor=staff).run(csv_upload(HEADER + "甲公司,企业,,\n"))
    client.force_login(enterprise_admin)
    assert client.get(f"/imports/{run.pk}/progress/").status_code == 404


def test_the_error_report_is_paginated_and_downloaded_formula_safe(client, staff):
    rows = "".join(f"=坏{n},外星,,\n" for n in range(60))
    run = OrganisationImporter(actor=staff).run(csv_upload(HEADER + rows))
    assert run.rejected_rows == 60
    client.force_login(staff)
    page = client.get(f"/imports/{run.pk}/").content.decode()
    assert page.count("<tr><td>") < 60 and "page=2" in page
    report = client.get(f"/imports/{run.pk}/report.csv")
    assert report["Content-Disposition"].startswith("attachment") and report["X-Content-Type-Options"] == "nosniff"
    assert len(report.content.decode("utf-8-sig").splitlines()) == 61


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_imports_the_kept_file(celery_not_eager):
    from tests.conftest import wait_for
    from tests.factories import UserFactory

    staff = UserFactory(username="worker-staff", is_staff=True, is_superuser=True)
    run = OrganisationImporter(actor=staff).start(csv_upload(HEADER + "甲公司,企业,,\n乙公司,外星,,\n"))
    assert run.file_error == ""  # checked here; the worker may already be done when start() returns
    done = wait_for(lambda: ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.DONE).first(), timeout=60)
    assert (done.created_rows, done.rejected_rows) == (1, 1) and not done.upload
    assert Organisation.objects.filter(name_zh="甲公司").count() == 1
