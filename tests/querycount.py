"""Size is a test condition: a list's query count must not grow with its rows.

    def test_pool_queries_are_flat(client, world):
        client.force_login(world.broker)
        assert_flat_queries(grow=lambda n: world.achievements(n), fetch=lambda: client.get("/transfer/pool/"))

`grow(n)` adds n more rows the fetching user can see; `fetch()` reads the list (a page or
an API call) and is checked for a 200. The list is read once first (sessions, content
types and other per-process caches warm up), then with 5 rows (a part page, so that a
query per row on the page shows) and with 200 rows (many pages).
"""
from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(fetch: Callable[[], object]) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        result = fetch()
    status = getattr(result, "status_code", 200)
    assert status == 200, f"the list answered {status}"
    return len(queries), queries


def _refresh_planner_statistics() -> None:
    """PostgreSQL plans from table statistics, which autovacuum keeps current in a real database.

    A test database is never analysed: its tables look empty, the planner nests loops over whole
    tables for every joined row, and a 200-row list ran for over twenty minutes in CI.
    """
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def assert_flat_queries(*, grow: Callable[[int], object], fetch: Callable[[], object],
                        small: int = 5, big: int = 200) -> int:
    """Assert that reading the list costs no more queries with `big` rows than with `small`."""
    grow(small)
    fetch()
    few, _ = count_queries(fetch)
    grow(big - small)
    _refresh_planner_statistics()
    many, queries = count_queries(fetch)
    listing = "\n".join(q["sql"][:200] for q in queries.captured_queries)
    assert many <= few, f"{few} queries with {small} rows, {many} with {big}:\n{listing}"
    return many
