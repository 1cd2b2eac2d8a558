"""The demo data set (settings.DEMO_LOADERS) as a test fixture, loaded once per test module.

    from tests.demo_data import demo  # noqa: F401 (the fixture)

The rows live in a transaction around the module that is rolled back at its end; each test
runs in a savepoint inside it (pytest-django's ``db``), so tests may write freely.
"""
from importlib import import_module

import pytest
from django.conf import settings
from django.db import transaction

from platform_core.demo import DEMO_PASSWORD, USERS, DemoContext

DEMO_USERNAMES = [*USERS, "admin"]  # the superuser last: a real editor is tried first


def load_demo() -> DemoContext:
    ctx = DemoContext()
    for path in settings.DEMO_LOADERS:
        import_module(path).load(ctx)
    return ctx


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with transaction.atomic():
            ctx = load_demo()
            yield ctx
            transaction.set_rollback(True)


__all__ = ["DEMO_PASSWORD", "DEMO_USERNAMES", "demo", "load_demo"]
