"""Races on PostgreSQL: the people and records of the projects, funds and transfer tests, reused."""
import pytest
from django.db import connection

from tests.funds_tests.conftest import company, fund, fund_manager, fund_org, project  # noqa: F401
from tests.projects_tests.conftest import center_setup, chain, chinese_messages  # noqa: F401
from tests.transfer_tests.conftest import world  # noqa: F401


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are exercised on PostgreSQL (.ci/run)")
