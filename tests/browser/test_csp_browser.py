"""The content security policy holds on the real pages (issue 12 §11): every demo role opens its home page,
every entry of its menu and the first record linked from each, in Chromium; the browser reports no
violation of the policy (no inline script, style or handler without the nonce) and no console error."""
import re

import pytest
from django.core.management import call_command

from platform_core.demo import DEMO_PASSWORD, USERS
from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs before the page's own scripts and is not subject to its policy: records every violation.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " @" + e.lineNumber);
});
"""


def links(page, selector: str) -> list[str]:
    return page.eval_on_selector_all(selector, "els => els.map(e => e.getAttribute('href'))"
                                               ".filter(h => h && h.startsWith('/') && !h.includes('?'))")


def shape(path: str) -> str:
    return re.sub(r"/\d+/", "/N/", path)


def test_no_page_of_any_role_violates_the_content_security_policy(browser_page, live_server):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    page = browser_page
    page.context.add_init_script(RECORD_VIOLATIONS)
    violations, console = [], []
    page.on("console", lambda msg: msg.type == "error" and console.append(f"{page.url}: {msg.text}"))
    page.on("pageerror", lambda exc: console.append(f"{page.url}: {exc}"))

    def visit(path):
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        found = page.evaluate("window.__cspViolations || []")
        violations.extend(f"{path}: {v}" for v in found)

    for path in ["/accounts/login/", "/accounts/register/"]:
        visit(path)
    seen_shapes = set()
    visited = 0
    for username in ["admin", *USERS]:
        page.context.clear_cookies()
        login(page, live_server.url, username, DEMO_PASSWORD)
        menu = links(page, "#mainnav ul.me-auto a.nav-link[href], #mainnav ul.me-auto a.dropdown-item[href]")
        for path in ["/", "/accounts/tokens/", "/notifications/preferences/", *menu]:
            if shape(path) in seen_shapes and path not in ("/",):
                continue
            seen_shapes.add(shape(path))
            visit(path)
            visited += 1
            # The first record the page links to (a detail page), once per kind of page.
            for detail in links(page, "main a[href]"):
                if re.search(r"/\d+/$", detail) and shape(detail) not in seen_shapes:
                    seen_shapes.add(shape(detail))
                    visit(detail)
                    visited += 1
                    break
    assert visited > 40
    assert violations == []
    assert [line for line in console if "Content Security Policy" in line or "Refused to" in line] == []
    assert console == []
