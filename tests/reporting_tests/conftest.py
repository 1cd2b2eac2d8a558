import pytest


@pytest.fixture(autouse=True)
def no_dashboard_cache(settings):
    """Figures are read afresh in every request (test_cache.py turns the cache on)."""
    settings.REPORTING_CACHE_SECONDS = 0
