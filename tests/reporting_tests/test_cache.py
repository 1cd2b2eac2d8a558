"""Dashboards are cached per data version: the same filters read the fact table once until it is rebuilt."""
import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from platform_core.models import Role
from reporting import services
from reporting.models import DailyFigure
from tests.factories import OrganisationFactory, member

from .test_pages import post_challenge

pytestmark = pytest.mark.django_db


def test_the_cache_lasts_until_the_figures_are_rebuilt(client, settings):
    settings.REPORTING_CACHE_SECONDS = 300
    cache.clear()
    enterprise = OrganisationFactory(kind="enterprise")
    officer = member(OrganisationFactory(kind="government"), Role.PROGRAM_OFFICER)
    post_challenge(enterprise, officer, "难题一", datetime.date(2025, 3, 1))
    services.figures_full_recompute(run_id=services.recompute_run_create().pk)
    client.force_login(officer)
    for url in ("/reporting/", "/api/reporting/figures/"):
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        assert not [q for q in queries.captured_queries if DailyFigure._meta.db_table in q["sql"]]
    post_challenge(enterprise, officer, "难题二", datetime.date(2025, 3, 2))
    services.figures_refresh()
    api = client.get("/api/reporting/funnels/").json()
    assert api["challenge"][0]["count"] == 2
    assert b"2</td>" in client.get("/reporting/").content
    cache.clear()
