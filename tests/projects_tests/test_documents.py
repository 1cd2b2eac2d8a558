"""Files of the 揭榜挂帅 chain: the call's templates, proposals (申报书), milestone deliverables and evaluation
reports. Every upload passes the core's check (type, contents, size); every download follows the reader's
right to the record; refusals store nothing."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from platform_core.models import Role
from platform_core.uploads import validate_document
from projects import services
from projects.models import Document, Milestone
from tests.factories import member

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


def pdf(name="申报书.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.parametrize("name,content,reason", [
    ("setup.pdf", b"MZ\x90\x00\x03" + b"\x00" * 60, "不是 .pdf"),  # a Windows program renamed
    ("方案.docx", b"%PDF-1.4 not a zip", "不是 .docx"),
    ("说明.txt", b"<html><script>alert(1)</script></html>", "不是纯文本"),
    ("说明.txt", b"\xef\xbb\xbf<!DOCTYPE html><p>x</p>", "不是纯文本"),
    ("run.sh", b"#!/bin/sh\nrm -rf /\n", "不接受"),
    ("图.svg", b"<svg onload='alert(1)'/>", "不接受"),
    ("README", b"plain", "无扩展名"),
    ("空.pdf", b"", "非空"),
])
def test_dangerous_or_mislabelled_files_are_refused_with_the_reason(name, content, reason):
    with pytest.raises(ValidationError, match=reason):
        validate_document(SimpleUploadedFile(name, content))


def test_files_over_the_limit_are_refused_and_office_files_pass(settings):
    settings.MAX_DOCUMENT_SIZE = 1024
    with pytest.raises(ValidationError, match="最大 0 MB"):
        validate_document(pdf(content=PDF + b"0" * 2000))
    for name, content in (("a.pdf", PDF), ("b.docx", b"PK\x03\x04rest"), ("c.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),
                          ("d.png", b"\x89PNG\r\n\x1a\nIHDR"), ("e.txt", "进度说明".encode()), ("F.JPG", b"\xff\xd8\xff\xe0")):
        validate_document(SimpleUploadedFile(name, content))


def test_a_proposal_is_read_by_its_team_and_the_reviewers_not_by_a_rival(chain, client, api):
    chain.bid()
    rival = member(chain.center.university, Role.RESEARCHER, username="rival")
    services.bid_submit(actor=rival, call=chain.call, organisation=chain.center.university, team_name="对手团队",
                        approach="另一条路线", plan="两阶段", budget=1000000)
    document = services.document_add(actor=chain.pi, kind=Document.Kind.PROPOSAL, owner=chain.the_bid, file=pdf())
    assert document.name == "申报书.pdf" and document.size == len(PDF)
    url = f"/projects/documents/{document.pk}/"
    for reader, status in ((chain.pi, 200), (chain.people["ent_director"], 200), (rival, 404)):
        client.force_login(reader)
        response = client.get(url)
        assert response.status_code == status, reader
        if status == 200:
            assert b"".join(response.streaming_content) == PDF
            assert response["Content-Disposition"].startswith("attachment")
    with pytest.raises(PermissionDenied):
        services.document_add(actor=rival, kind=Document.Kind.PROPOSAL, owner=chain.the_bid, file=pdf())
    api.force_authenticate(rival)
    assert api.get("/api/projects/documents/").json()["count"] == 0
    assert api.get(f"/api/projects/documents/{document.pk}/download/").status_code == 404
    assert Document.objects.count() == 1


def test_the_posting_side_adds_templates_every_reader_of_the_call_downloads_them(chain, client):
    chain.opened()
    client.force_login(chain.manager)
    page = client.get(f"/projects/challenges/{chain.challenge.pk}/").content.decode()
    assert 'data-testid="call-documents-upload"' in page
    response = client.post(f"/projects/challenges/{chain.challenge.pk}/call/documents/",
                           {"kind": "proposal_template", "file": SimpleUploadedFile("申报书模板.docx", b"PK\x03\x04x")})
    assert response.status_code == 302
    template = Document.objects.get(kind="proposal_template")
    researcher = member(chain.center.university, Role.RESEARCHER, username="reader")
    client.force_login(researcher)
    page = client.get(f"/projects/challenges/{chain.challenge.pk}/").content.decode()
    assert "申报书模板.docx" in page and 'data-testid="call-documents-upload"' not in page
    assert client.get(f"/projects/documents/{template.pk}/").status_code == 200
    refused = client.post(f"/projects/challenges/{chain.challenge.pk}/call/documents/",
                          {"kind": "proposal_template", "file": SimpleUploadedFile("x.docx", b"PK\x03\x04x")})
    assert refused.status_code == 403 and Document.objects.count() == 1


def test_a_bad_upload_on_the_page_says_why_and_stores_nothing(chain, client, media):
    chain.bid()
    client.force_login(chain.pi)
    response = client.post(f"/projects/bids/{chain.the_bid.pk}/documents/",
                           {"file": SimpleUploadedFile("申报书.pdf", b"MZ\x90\x00")}, follow=True)
    assert "不是 .pdf" in response.content.decode()
    assert not Document.objects.exists() and not any(p.is_file() for p in media.rglob("*"))


def test_deliverables_belong_to_the_lead_until_acceptance_and_reports_to_the_evaluation(chain, client, api):
    chain.in_progress()
    outsider = member(chain.center.university, Role.RESEARCHER, username="outsider")
    with pytest.raises(PermissionDenied):
        services.document_add(actor=chain.people["ent_director"], kind="deliverable", owner=chain.milestone,
                              file=pdf("测试报告.pdf"))
    api.force_authenticate(chain.pi)
    created = api.post("/api/projects/documents/", {"kind": "deliverable", "owner": chain.milestone.pk,
                                                    "file": pdf("测试报告.pdf")}, format="multipart")
    assert created.status_code == 201, created.content
    deliverable = Document.objects.get(pk=created.json()["id"])
    client.force_login(chain.people["ent_director"])
    page = client.get(f"/projects/list/{chain.project.pk}/").content.decode()
    assert 'data-testid="deliverable"' in page and "测试报告.pdf" in page
    assert client.get(f"/projects/documents/{deliverable.pk}/").status_code == 200
    client.force_login(outsider)
    assert client.get(f"/projects/documents/{deliverable.pk}/").status_code == 404
    Milestone.objects.filter(pk=chain.milestone.pk).update(status=Milestone.Status.ACCEPTED)
    with pytest.raises(ValidationError, match="已验收"):
        services.document_add(actor=chain.pi, kind="deliverable", owner=chain.milestone, file=pdf("补充.pdf"))
    with pytest.raises(ValidationError, match="提交评价后"):
        services.document_add(actor=chain.people["ent_director"], kind="evaluation_report", owner=chain.project,
                              file=pdf("评价报告.pdf"))
    assert api.post("/api/projects/documents/", {"kind": "deliverable", "owner": 999999, "file": pdf()},
                    format="multipart").status_code == 404
    assert Document.objects.count() == 1
