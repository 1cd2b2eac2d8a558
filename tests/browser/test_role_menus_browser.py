"""Every demo role in Chromium: log in, open the home page and every entry of that role's menu; no
4xx/5xx answer and no console error anywhere (issue 13, "Done when")."""
import pytest
from django.core.management import call_command
from django.urls import reverse

from platform_core.demo import DEMO_PASSWORD, USERS
from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def menu_links(page) -> list[str]:
    """The hrefs of the top menu, dropdown children included (read from the DOM, as a user would click)."""
    return page.eval_on_selector_all(
        "#mainnav ul.me-auto a.nav-link[href], #mainnav ul.me-auto a.dropdown-item[href]",
        "els => els.map(e => e.getAttribute('href')).filter(h => h && h !== '#')")


def test_every_role_visits_its_menu(browser_page, live_server):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    page = browser_page
    problems, console_errors = [], []
    page.on("console", lambda msg: msg.type == "error" and console_errors.append(f"{page.url}: {msg.text}"))
    page.on("pageerror", lambda exc: console_errors.append(f"{page.url}: {exc}"))
    page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status} {r.url}"))
    seen = {}
    for username in ["admin", *USERS]:
        page.context.clear_cookies()
        login(page, live_server.url, username, DEMO_PASSWORD)
        assert page.url.rstrip("/") == live_server.url, f"{username} did not land on the home page"
        links = menu_links(page)
        assert links, f"{username} has an empty menu"
        seen[username] = links
        for href in links:
            page.goto(live_server.url + href)
    assert not problems, problems
    assert not console_errors, console_errors
    # The menus differ by role: a student's is short, the fund manager has no challenge board.
    assert reverse("projects:challenge-list") not in seen["zhou"] and len(seen["zhao"]) < len(seen["zhang"])
