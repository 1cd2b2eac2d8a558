import os

import pytest
from rest_framework.test import APIClient

from platform_core.models import Organisation, Role
from tests.factories import OrganisationFactory, member

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM
# calls from such a thread unless told it is safe (it is: the loop is Playwright's).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the platform's default language (the test client may activate another)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def enterprise(db):
    return OrganisationFactory(kind=Organisation.Kind.ENTERPRISE, name_zh="秦岭新能源科技股份有限公司")


@pytest.fixture
def university(db):
    return OrganisationFactory(kind=Organisation.Kind.UNIVERSITY, name_zh="长安理工大学")


@pytest.fixture
def enterprise_admin(enterprise):
    return member(enterprise, Role.ORG_ADMIN, Role.RD_MANAGER, username="ent_admin")


@pytest.fixture
def university_admin(university):
    return member(university, Role.ORG_ADMIN, Role.TTO_STAFF, username="uni_admin")


@pytest.fixture
def researcher(university):
    return member(university, Role.RESEARCHER, username="researcher")


@pytest.fixture
def staff(db):
    from tests.factories import UserFactory

    return UserFactory(username="staff", is_staff=True, is_superuser=True)


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def browser_page(live_server):
    """A Playwright page in Debian's headless Chromium (never a downloaded browser).

    Use with `live_server.url`; tests using it are marked `browser` and skipped
    only where Chromium is not installed and we are not in CI.
    """
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("Chromium is required in CI (.ci/run installs it)")
        pytest.skip("Chromium not installed (apt-get install chromium fonts-wqy-microhei)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--no-first-run"],
        )
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(45000)  # a loaded 2-core CI machine can take seconds per page; failures still show
        yield page
        context.close()
        browser.close()


def login(page, base_url: str, username: str, password: str = "pw") -> None:
    """Log in through the real login form."""
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("main form button[type=submit]")


def choose_autocomplete(page, field_id: str, typed: str, option_text: str | None = None) -> None:
    """Pick an option of a searchable select (platform_core.autocomplete) the way a user does:
    type into its box, wait for the server's answer, click the option."""
    page.click(f"#{field_id}-ts-control")
    page.fill(f"#{field_id}-ts-control", typed)
    option = page.locator(f"#{field_id}-ts-dropdown .option", has_text=option_text or typed).first
    option.click()


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    """A real `celery worker` process on Redis, sharing the PostgreSQL test database.

    Runs where REDIS_URL is set and the database is PostgreSQL (CI); skipped on the
    embedded SQLite default, whose in-memory test database another process cannot see.
    Tests using it need `django_db(transaction=True)` so their rows are committed.
    """
    import subprocess
    import sys
    import time

    from django.db import connection

    from config.celery import app

    if not os.environ.get("REDIS_URL") or connection.vendor != "postgresql":
        pytest.skip("needs REDIS_URL and PostgreSQL (run by .ci/run)")
    settings_dict = connection.settings_dict
    database_url = "postgres://{USER}:{PASSWORD}@{HOST}:{PORT}/{NAME}".format(**{
        **settings_dict, "PORT": settings_dict.get("PORT") or 5432,
    })
    env = {**os.environ, "DATABASE_URL": database_url, "CELERY_TASK_ALWAYS_EAGER": "0",
           "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=WARNING",
         "--without-gossip", "--without-mingle", "--hostname=test-worker@%h"],
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if app.control.ping(timeout=1.0):
                break
            if worker.poll() is not None:
                pytest.fail("the Celery worker exited at start-up")
        else:
            pytest.fail("the Celery worker did not answer within 60 s")
        yield worker
    finally:
        worker.terminate()
        worker.wait(timeout=30)


@pytest.fixture
def celery_not_eager(celery_worker_process):
    """Send tasks to the real worker instead of running them in-process."""
    from config.celery import app

    app.conf.task_always_eager = False
    yield celery_worker_process
    app.conf.task_always_eager = True


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.2):
    """Poll until `predicate()` is truthy (work done by another process); return its value."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")


def run_at_the_same_moment(*callables) -> list:
    """Start the callables together in threads with their own database connections.

    Returns what each raised (None where it succeeded), in order. For row-locking
    tests on PostgreSQL; the tests need `django_db(transaction=True)`.
    """
    import threading

    from django.db import connection

    barrier = threading.Barrier(len(callables))
    errors = [None] * len(callables)

    def run(index, fn):
        try:
            barrier.wait()
            fn()
        except Exception as exc:  # collected and asserted by the caller
            errors[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(callables)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors
