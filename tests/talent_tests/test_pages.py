import pytest

from talent.models import SharedHire

from .test_selectors import sign_all

pytestmark = pytest.mark.django_db


def hire_form(cast, subsidy="30"):
    return {
        "talent": cast.talent.pk, "university": cast.university.pk, "position": "首席科学家",
        "annual_cost": "1200000", "start_date": "2025-07-01", "end_date": "2028-06-30", "notes": "",
        "shares-TOTAL_FORMS": "4", "shares-INITIAL_FORMS": "0", "shares-MIN_NUM_FORMS": "4",
        "shares-MAX_NUM_FORMS": "1000",
        "shares-0-organisation": cast.energy.pk, "shares-0-salary_percent": "45", "shares-0-time_percent": "40",
        "shares-1-organisation": cast.storage.pk, "shares-1-salary_percent": "25", "shares-1-time_percent": "20",
        "shares-2-organisation": cast.government.pk, "shares-2-salary_percent": subsidy,
        "shares-2-time_percent": "",
        "shares-3-organisation": "", "shares-3-salary_percent": "", "shares-3-time_percent": "",
    }


def test_pages_render_in_chinese(client, cast):
    client.force_login(cast.hr)
    for url in ("/talent/", "/talent/shared-hires/", "/talent/shared-hires/new/", "/talent/cost-report/",
                "/talent/mentors/", "/talent/mentors/new/", "/talent/assignments/", "/talent/assignments/new/",
                f"/talent/profiles/{cast.talent.pk}/", "/talent/profiles/new/"):
        response = client.get(url)
        assert response.status_code == 200, url
    assert "校招共用" in client.get("/talent/shared-hires/").content.decode()


def test_create_hire_through_the_form(client, cast):
    client.force_login(cast.hr)
    response = client.post("/talent/shared-hires/new/", hire_form(cast))
    hire = SharedHire.objects.get()
    assert response.status_code == 302 and response.url == f"/talent/shared-hires/{hire.pk}/"
    assert hire.shares.count() == 3
    page = client.get(response.url).content.decode()
    assert "540,000.00" in page  # 2026 share of the first enterprise


def test_bad_shares_on_the_form_show_the_rule_and_save_nothing(client, cast):
    client.force_login(cast.hr)
    response = client.post("/talent/shared-hires/new/", hire_form(cast, subsidy="20"))
    assert response.status_code == 200
    assert "100%" in response.content.decode()
    assert SharedHire.objects.count() == 0


def test_hire_pages_permissions(client, cast):
    hire = cast.hire()
    client.force_login(cast.outsider)
    assert client.get(f"/talent/shared-hires/{hire.pk}/").status_code == 404
    assert client.get("/talent/shared-hires/new/").status_code == 403
    client.force_login(cast.energy_admin)
    assert client.get(f"/talent/shared-hires/{hire.pk}/").status_code == 200
    assert client.get(f"/talent/shared-hires/{hire.pk}/edit/").status_code == 403
    assert client.post(f"/talent/shared-hires/{hire.pk}/submit/").status_code == 403
    hire.refresh_from_db()
    assert hire.status == SharedHire.Status.DRAFT


def test_cost_csv_exports(client, cast):
    hire = cast.hire()
    sign_all(cast, hire)
    client.force_login(cast.storage_admin)
    csv_text = client.get(f"/talent/shared-hires/{hire.pk}/costs.csv").content.decode("utf-8-sig")
    assert "启明储能" in csv_text and "300000.00" in csv_text
    report = client.get("/talent/cost-report/?year=2026&format=csv")
    assert report["Content-Type"].startswith("text/csv")
    lines = report.content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 4  # header + three parties in 2026


def test_english_after_language_switch(client, cast):
    client.force_login(cast.hr)
    client.post("/i18n/setlang/", {"language": "en", "next": "/talent/"})
    assert "Shared hires" in client.get("/talent/shared-hires/").content.decode()
