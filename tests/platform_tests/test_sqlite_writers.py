"""Two writers at once on the embedded default (a SQLite file) queue instead of failing."""
import threading
import time

import pytest
from django.conf import settings
from django.db import connections, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper
from django.db.utils import OperationalError


@pytest.fixture(autouse=True)
def own_databases(django_db_blocker):
    """These tests open their own SQLite files, not the test database."""
    with django_db_blocker.unblock():
        yield


def _wrapper(path, options):
    return DatabaseWrapper({
        "ENGINE": "django.db.backends.sqlite3", "NAME": str(path), "OPTIONS": options, "TIME_ZONE": None,
        "CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": False, "AUTOCOMMIT": True, "ATOMIC_REQUESTS": False,
        "USER": "", "PASSWORD": "", "HOST": "", "PORT": "", "TEST": {},
    }, alias=f"writer-{threading.get_ident()}")


def _two_read_then_write_transactions(path, options) -> list:
    """Each thread reads, waits for the other to have read, then writes: the classic lock upgrade race."""
    setup = _wrapper(path, options)
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS counter (n integer)")
    setup.close()
    both_read = threading.Barrier(2)
    errors = []

    def writer():
        db = _wrapper(path, options)
        connections[db.alias] = db  # this thread's own; transaction.atomic begins as Django does
        try:
            with transaction.atomic(using=db.alias), db.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM counter")
                cursor.fetchone()  # the read transaction holds its snapshot from here
                try:
                    both_read.wait(timeout=1)
                except threading.BrokenBarrierError:
                    pass  # the other writer waits for our lock at BEGIN: carry on
                cursor.execute("INSERT INTO counter VALUES (1)")
                time.sleep(0.2)
        except OperationalError as exc:
            errors.append(str(exc))
        finally:
            db.close()

    threads = [threading.Thread(target=writer) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_concurrent_writers_fail_without_the_options(tmp_path):
    deferred = {**settings.SQLITE_OPTIONS, "transaction_mode": None}
    assert _two_read_then_write_transactions(tmp_path / "deferred.sqlite3", deferred) == ["database is locked"]


def test_concurrent_writers_queue_with_the_embedded_defaults(tmp_path):
    path = tmp_path / "embedded.sqlite3"
    assert _two_read_then_write_transactions(path, settings.SQLITE_OPTIONS) == []
    db = _wrapper(path, settings.SQLITE_OPTIONS)
    with db.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM counter")
        assert cursor.fetchone() == (2,)
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone() == ("wal",)
    db.close()
