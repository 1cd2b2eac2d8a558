import io

import pandas as pd
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from platform_core import importers
from platform_core.importers import OrganisationImporter
from platform_core.models import ImportRun, Organisation
from tests.factories import IndustryNodeFactory, OrganisationFactory, RegionFactory, valid_credit_code

pytestmark = pytest.mark.django_db

HEADER = "名称,类型,统一社会信用代码,地区,产业链节点,世界500强\n"


def upload(text: str, name="orgs.csv", encoding="utf-8"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def test_good_rows_kept_bad_rows_rejected_with_reasons(staff):
    RegionFactory(code="610100", name_zh="西安市")
    IndustryNodeFactory(code="ne-cell")
    known = OrganisationFactory(credit_code=valid_credit_code(1))
    rows = [
        f"甲科技有限公司,企业,{valid_credit_code(100)},610100,ne-cell,是",
        f"乙大学,高校,{valid_credit_code(101)},西安市,,否",
        "丙公司,企业,91110000600037341X,,,",          # bad check digit
        f"丁公司,企业,{valid_credit_code(1)},,,",       # already in the database: updated
        f"戊公司,企业,{valid_credit_code(100)},,,",     # repeats row 2
        f"己公司,外星,{valid_credit_code(102)},,,",     # unknown kind
        f"庚公司,企业,{valid_credit_code(103)},火星,nope,也许",  # unknown region, node, flag
        ",企业,,,,",                                    # no name
    ]
    run = OrganisationImporter(actor=staff).run(upload(HEADER + "\n".join(rows)))
    assert (run.total_rows, run.created_rows, run.updated_rows, run.rejected_rows) == (8, 2, 1, 5)
    rejected = {item["row"]: " ".join(item["errors"]) for item in run.errors}
    assert set(rejected) == {4, 6, 7, 8, 9}
    known.refresh_from_db()
    assert known.name_zh == "丁公司"
    assert "check digit" in rejected[4] or "校验" in rejected[4]
    assert "row 2" in rejected[6] or "第 2 行" in rejected[6]
    jia = Organisation.objects.get(name_zh="甲科技有限公司")
    assert jia.is_fortune_global_500 and jia.region.code == "610100"
    assert [n.code for n in jia.industry_nodes.all()] == ["ne-cell"]
    assert Organisation.objects.get(name_zh="乙大学").kind == "university"
    assert not Organisation.objects.filter(name_zh__in=["丙公司", "戊公司", "己公司", "庚公司"]).exists()


def test_gbk_csv_is_read(staff):
    run = OrganisationImporter(actor=staff).run(
        upload(HEADER + f"秦岭储能有限公司,企业,{valid_credit_code(200)},,,\n", encoding="gbk")
    )
    assert run.created_rows == 1 and not run.file_error
    assert Organisation.objects.filter(name_zh="秦岭储能有限公司").exists()


def test_xlsx_is_read(staff):
    buffer = io.BytesIO()
    pd.DataFrame([{"name": "Acme Ltd", "type": "enterprise", "credit code": valid_credit_code(300)}]).to_excel(
        buffer, index=False
    )
    run = OrganisationImporter(actor=staff).run(SimpleUploadedFile("orgs.xlsx", buffer.getvalue()))
    assert run.created_rows == 1, run.errors or run.file_error


def test_missing_columns_reject_the_file_and_write_nothing(staff):
    run = OrganisationImporter(actor=staff).run(upload("公司,代码\n甲,1\n"))
    assert "名称" in run.file_error and run.created_rows == 0
    assert Organisation.objects.count() == 0


def test_malformed_and_oversized_files_are_refused(staff, settings):
    garbage = OrganisationImporter(actor=staff).run(SimpleUploadedFile("orgs.xlsx", b"\x00\x01not a zip"))
    assert garbage.file_error
    settings.MAX_IMPORT_FILE_SIZE = 100
    big = OrganisationImporter(actor=staff).run(upload(HEADER + "x" * 500))
    assert "MB" in big.file_error
    empty = OrganisationImporter(actor=staff).run(upload("   "))
    assert empty.file_error
    binary = OrganisationImporter(actor=staff).run(SimpleUploadedFile("orgs.csv", bytes(range(128, 256)) * 4))
    assert binary.file_error
    assert Organisation.objects.count() == 0


def test_failure_while_writing_leaves_nothing_half_written(staff, monkeypatch):
    def explode(objs, model, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importers, "bulk_create_with_history", explode)
    with pytest.raises(RuntimeError):
        OrganisationImporter(actor=staff).run(upload(HEADER + f"甲,企业,{valid_credit_code(400)},,,\n"))
    assert Organisation.objects.count() == 0
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED and run.file_error and run.created_rows == 0


def test_only_platform_staff_may_import(enterprise_admin):
    with pytest.raises(PermissionDenied):
        OrganisationImporter(actor=enterprise_admin)


def test_import_page_and_report(client, staff):
    client.force_login(staff)
    response = client.post("/organisations/import/", {
        "file": upload(HEADER + f"甲,企业,{valid_credit_code(500)},,,\n乙,外星,,,,\n")
    })
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/{run.pk}/"
    page = client.get(f"/imports/{run.pk}/").content.decode()
    assert "外星" in page
    report = client.get(f"/imports/{run.pk}/report.csv")
    assert report["Content-Type"].startswith("text/csv") and "外星" in report.content.decode("utf-8-sig")


def test_import_page_forbidden_for_non_staff(client, enterprise_admin):
    client.force_login(enterprise_admin)
    assert client.get("/organisations/import/").status_code == 403


def test_api_import(api, staff):
    api.force_authenticate(staff)
    ok = api.post("/api/organisations/import/", {"file": upload(HEADER + f"甲,企业,{valid_credit_code(600)},,,\n")},
                  format="multipart")
    assert ok.status_code == 201 and ok.json()["created_rows"] == 1
    bad = api.post("/api/organisations/import/", {"file": upload("x,y\n1,2\n")}, format="multipart")
    assert bad.status_code == 400 and bad.json()["file_error"]
