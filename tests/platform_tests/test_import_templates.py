"""Import pages list their columns and offer an xlsx template that imports as it is (issue 13 item 6)."""
import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from platform_core.exports import csv_response, safe_cell
from platform_core.models import ImportRun, Organisation, Role
from tests.factories import IndustryNodeFactory, OrganisationFactory, RegionFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def taxonomy(db):
    RegionFactory()
    return IndustryNodeFactory()


def download(client, url):
    response = client.get(url + "?template=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    return response.content


def upload(client, url, content, name="template.xlsx"):
    response = client.post(url, {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 302, response.content[:500]
    return ImportRun.objects.latest("pk")


def test_organisation_page_lists_columns_with_meaning_and_format(client, staff, taxonomy):
    client.force_login(staff)
    page = client.get(reverse("platform:organisation-import")).content.decode()
    assert 'data-testid="import-columns"' in page
    for header in ("名称", "类型", "统一社会信用代码", "地区", "产业链节点"):
        assert f"<code>{header}</code>" in page
    assert "?template=xlsx" in page


def test_organisation_template_has_validation_and_round_trips(client, staff, taxonomy):
    client.force_login(staff)
    url = reverse("platform:organisation-import")
    content = download(client, url)
    book = load_workbook(io.BytesIO(content))
    data, lists, guide = book.worksheets
    assert [c.value for c in data[1]][:3] == ["名称", "类型", "统一社会信用代码"]
    kinds = [dv for dv in data.data_validations.dataValidation if dv.type == "list"]
    assert kinds and any("B2" in str(dv.sqref) for dv in kinds)  # 类型 is chosen from a list
    assert "企业" in [c.value for c in lists["A"]]
    assert taxonomy.code in [c.value for row in lists.iter_rows() for c in row]  # the nodes come from the taxonomy
    assert guide.max_row == 1 + 9
    before = Organisation.objects.count()
    run = upload(client, url, content)
    assert (run.created_rows, run.rejected_rows) == (2, 0), run.errors
    assert Organisation.objects.count() == before + 2
    created = Organisation.objects.get(name_zh="示例新材料科技有限公司")
    assert list(created.industry_nodes.all()) == [taxonomy] and created.region is not None


def test_pool_templates_round_trip_for_a_tto(client, taxonomy):
    university = OrganisationFactory(kind=Organisation.Kind.UNIVERSITY)
    OrganisationFactory(kind=Organisation.Kind.UNIVERSITY, parent=university, name_zh="示例学院")
    tto = member(university, Role.TTO_STAFF)
    client.force_login(tto)
    for kind in ("achievements", "patents"):
        url = reverse("transfer:import", args=[kind])
        page = client.get(url).content.decode()
        assert 'data-testid="import-columns"' in page
        content = download(client, url)
        book = load_workbook(io.BytesIO(content))
        owners = [c.value for c in book.worksheets[1]["A"]] if kind == "achievements" else None
        if owners is not None:
            assert university.name_zh in owners
        run = upload(client, url, content)
        assert (run.created_rows, run.rejected_rows) == (2, 0), (kind, run.errors)
        # The template downloaded again imports again (the examples are updated, or fresh ones created).
        run = upload(client, url, download(client, url))
        assert (run.total_rows, run.rejected_rows) == (2, 0), (kind, run.errors)


def test_template_is_refused_to_users_who_may_not_import(client, taxonomy):
    researcher = member(OrganisationFactory(kind=Organisation.Kind.UNIVERSITY), Role.RESEARCHER)
    client.force_login(researcher)
    assert client.get(reverse("platform:organisation-import") + "?template=xlsx").status_code == 403
    assert client.get(reverse("transfer:import", args=["achievements"]) + "?template=xlsx").status_code == 403


@pytest.mark.parametrize("value", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx"])
def test_formula_like_text_is_neutralised(value):
    assert safe_cell(value) == "'" + value
    response = csv_response(["h"], [[value]], "x.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert rows == [["h"], ["'" + value]]


def test_numbers_and_plain_text_pass_unchanged():
    assert safe_cell(-5) == -5 and safe_cell("示例") == "示例" and safe_cell(None) is None
