from datetime import date

import pytest

from talent.models import DualMentorAssignment, EnterpriseMentor, SharedHire

pytestmark = pytest.mark.django_db


def hire_payload(cast, **overrides):
    data = {
        "talent": cast.talent.pk, "university": cast.university.pk, "position": "首席科学家",
        "annual_cost": "1200000.00", "start_date": "2025-07-01", "end_date": "2028-06-30",
        "shares": [
            {"organisation": cast.energy.pk, "salary_percent": "45", "time_percent": "40"},
            {"organisation": cast.storage.pk, "salary_percent": "25", "time_percent": "20"},
            {"organisation": cast.government.pk, "salary_percent": "30"},
        ],
    }
    data.update(overrides)
    return data


def test_shared_hire_end_to_end(api, cast):
    api.force_authenticate(cast.hr)
    response = api.post("/api/talent/shared-hires/", hire_payload(cast), format="json")
    assert response.status_code == 201, response.content
    hire_id = response.json()["id"]
    assert len(response.json()["shares"]) == 3
    assert api.post(f"/api/talent/shared-hires/{hire_id}/submit/").json()["status"] == "signing"
    signoff_id = api.get("/api/signoffs/?awaiting=1").json()["results"][0]["id"]
    for user in (cast.hr, cast.energy_admin, cast.storage_admin, cast.officer):
        api.force_authenticate(user)
        assert api.post(f"/api/signoffs/{signoff_id}/sign/", {"confirm": True}, format="json").status_code == 200
    api.force_authenticate(cast.storage_admin)
    detail = api.get(f"/api/talent/shared-hires/{hire_id}/").json()
    assert detail["status"] == "in_effect"
    costs = api.get(f"/api/talent/shared-hires/{hire_id}/costs/").json()
    assert {c["amount"] for c in costs if c["year"] == 2026} == {"540000.00", "300000.00", "360000.00"}
    report = api.get(f"/api/talent/cost-report/?organisation={cast.storage.pk}&year=2026").json()["results"]
    storage_row = [r for r in report if r["organisation"] == cast.storage.pk]
    assert storage_row[0]["amount"] == "300000.00"
    counts = api.get("/api/talent/counts/").json()
    assert counts["shared_talent_in_effect"] == 1


def test_bad_shares_get_400_with_message_and_nothing_changes(api, cast):
    api.force_authenticate(cast.hr)
    payload = hire_payload(cast)
    payload["shares"][2]["salary_percent"] = "10"
    response = api.post("/api/talent/shared-hires/", payload, format="json")
    assert response.status_code == 400
    assert "100%" in str(response.json())
    response = api.post("/api/talent/shared-hires/", hire_payload(cast, end_date="2024-01-01"), format="json")
    assert response.status_code == 400
    assert SharedHire.objects.count() == 0


def test_hire_permissions(api, cast):
    api.force_authenticate(cast.hr)
    hire_id = api.post("/api/talent/shared-hires/", hire_payload(cast), format="json").json()["id"]
    api.force_authenticate(cast.outsider)
    assert api.get(f"/api/talent/shared-hires/{hire_id}/").status_code == 404
    assert api.get("/api/talent/shared-hires/").json()["count"] == 0
    api.force_authenticate(cast.energy_admin)
    assert api.get(f"/api/talent/shared-hires/{hire_id}/").status_code == 200
    assert api.patch(f"/api/talent/shared-hires/{hire_id}/", {"position": "改"}, format="json").status_code == 403
    assert api.post(f"/api/talent/shared-hires/{hire_id}/submit/").status_code == 403
    refused = api.post("/api/talent/shared-hires/", hire_payload(cast), format="json")
    assert refused.status_code == 400 and "university" in refused.json()  # not a university he recruits for
    api.force_authenticate(cast.hr)
    response = api.patch(f"/api/talent/shared-hires/{hire_id}/", {"position": "固态电池首席科学家"}, format="json")
    assert response.status_code == 200 and response.json()["position"] == "固态电池首席科学家"
    assert len(response.json()["shares"]) == 3


def test_mentor_and_assignment_api(api, cast):
    api.force_authenticate(cast.hr)
    bad = api.post("/api/talent/mentors/", {
        "user": cast.professor.pk, "organisation": cast.energy.pk, "university": cast.university.pk,
        "term_start": "2024-09-01", "term_end": "2028-08-31"}, format="json")
    assert bad.status_code == 400 and EnterpriseMentor.objects.count() == 0
    mentor = api.post("/api/talent/mentors/", {
        "user": cast.engineer.pk, "organisation": cast.energy.pk, "university": cast.university.pk,
        "term_start": "2024-09-01", "term_end": "2028-08-31"}, format="json")
    assert mentor.status_code == 201, mentor.content
    payload = {"student": cast.student.pk, "degree": "master", "university": cast.university.pk,
               "university_mentor": cast.professor.pk, "enterprise_mentor": mentor.json()["id"],
               "placement_kind": "enterprise", "placement_label": "液冷热管理实验室", "start_date": "2025-09-01",
               "expected_graduation": "2027-06-30"}
    created = api.post("/api/talent/assignments/", payload, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["enterprise"] == cast.energy.pk
    second = api.post("/api/talent/assignments/", payload, format="json")
    assert second.status_code == 400 and DualMentorAssignment.objects.count() == 1

    api.force_authenticate(cast.student)
    assert api.get("/api/talent/assignments/?mine=1").json()["count"] == 1
    assert api.post(f"/api/talent/assignments/{created.json()['id']}/close/",
                    {"status": "graduated", "on_date": "2027-06-20"}, format="json").status_code == 403
    api.force_authenticate(cast.outsider)
    assert api.get(f"/api/talent/assignments/{created.json()['id']}/").status_code == 404
    api.force_authenticate(cast.hr)
    closed = api.post(f"/api/talent/assignments/{created.json()['id']}/close/",
                      {"status": "graduated", "on_date": "2027-06-20"}, format="json")
    assert closed.json()["status"] == "graduated"
    assert api.get("/api/talent/counts/?start=2027-01-01&end=2027-12-31").json()["students_trained"] == 1
    assert date(2027, 6, 20) == DualMentorAssignment.objects.get().ended_on


def test_profiles_api(api, cast):
    api.force_authenticate(cast.outsider)
    assert api.get("/api/talent/profiles/?search=林海").json()["count"] == 1
    assert api.patch(f"/api/talent/profiles/{cast.talent.pk}/", {"title": "x"}, format="json").status_code == 403
    assert api.post("/api/talent/evidence/", {"profile": cast.talent.pk, "kind": "award", "title": "x"},
                    format="json").status_code == 403
    api.force_authenticate(cast.hr)
    response = api.post("/api/talent/profiles/", {
        "name_zh": "陈思远", "organisation": cast.university.pk, "expertise": ["碳化硅", "功率模块"],
        "is_overseas": True}, format="json")
    assert response.status_code == 201, response.content
    evidence = api.post("/api/talent/evidence/", {"profile": response.json()["id"], "kind": "publication",
                                                  "title": "SiC MOSFET 阈值漂移", "year": 2021}, format="json")
    assert evidence.status_code == 201
    assert api.get("/api/talent/profiles/?search=碳化硅").json()["count"] == 1
