"""One glossary (issue 13, item 2): one catalogue, one translation per msgid, no English on Chinese pages.

(a) Catalogues: the project catalogue (LOCALE_PATHS) is the only one in the repository; no
    msgid (with its context) has two translations anywhere; every glossary term
    (docs/glossary.md) is translated as the glossary says, in the catalogue and at run time.
(b) Pages: every string ``makemessages`` can discover has a translation, and the main pages
    of every demo role rendered in zh-hans show no English msgid as a text or label.
"""
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation

from tests.demo_data import DEMO_USERNAMES, demo  # noqa: F401 (fixture)
from tests.platform_tests.test_translations import REPO, SKIP_DIRS, parse_po

CATALOGUE = REPO / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
GLOSSARY = REPO / "docs" / "glossary.md"
SOURCE_IGNORE = [".venv", "venv", "node_modules", ".git", "tests", "bench", "static", "staticfiles",
                 ".test-media", "*.egg-info", "media"]


def _all_catalogues():
    return sorted(p for p in REPO.rglob("*.po") if not SKIP_DIRS.intersection(p.relative_to(REPO).parts))


def _translations(entries):
    return {(e["msgctxt"], e["msgid"]): tuple(e["msgstr"]) for e in entries if e["msgid"]}


def glossary_rows():
    """[(english, context or None, chinese)] from the tables of docs/glossary.md."""
    rows = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("|") or len(cells) < 4 or cells[0] in ("English", "") or set(cells[0]) <= {"-"}:
            continue
        rows.append((cells[0], cells[1] or None, cells[2]))
    return rows


def _variants(term: str) -> set[str]:
    forms = {term, term[:1].upper() + term[1:], term.lower(), term.capitalize()}
    return forms | {f + "s" for f in forms}


# ---------------------------------------------------------------- (a) one catalogue, one translation


def test_the_project_catalogue_is_the_only_one():
    assert [Path(p) for p in settings.LOCALE_PATHS] == [REPO / "locale"]
    others = [str(p.relative_to(REPO)) for p in _all_catalogues() if p != CATALOGUE]
    assert not others, f"translate in the project catalogue only ({CATALOGUE.relative_to(REPO)}): {others}"
    app_locales = sorted(str(p.relative_to(REPO)) for p in REPO.glob("*/locale") if p.parent != REPO
                         and not SKIP_DIRS.intersection(p.relative_to(REPO).parts))
    assert not app_locales, f"app catalogues must not come back: {app_locales}"


def test_no_msgid_has_two_translations_anywhere():
    seen: dict[tuple, dict[str, tuple]] = {}
    for po in _all_catalogues():
        for entry in parse_po(po):
            if entry["msgid"]:
                key = (entry["msgctxt"], entry["msgid"])
                seen.setdefault(key, {}).setdefault(tuple(entry["msgstr"]), f"{po.relative_to(REPO)}:{entry['line']}")
    twice = {key: where for key, where in seen.items() if len(where) > 1}
    assert not twice, f"msgids with two translations (give one a pgettext context): {twice}"


def test_no_msgid_is_listed_twice_in_the_catalogue():
    keys = [(e["msgctxt"], e["msgid"]) for e in parse_po(CATALOGUE) if e["msgid"]]
    assert len(keys) == len(set(keys)), sorted({k for k in keys if keys.count(k) > 1})


def test_the_glossary_is_read():
    rows = glossary_rows()
    assert len(rows) > 50
    assert ("title", "person", "职称") in rows and ("term", "fund", "存续期") in rows


def test_the_catalogue_follows_the_glossary():
    catalogue = _translations(parse_po(CATALOGUE))
    wrong, found = [], set()
    for english, context, chinese in glossary_rows():
        for msgid in _variants(english):
            if (context, msgid) in catalogue:
                found.add((english, context))
                if catalogue[(context, msgid)] != (chinese,):
                    wrong.append(f"[{context or ''}] {msgid!r}: {catalogue[(context, msgid)][0]!r}, glossary {chinese!r}")
    assert not wrong, "the catalogue differs from docs/glossary.md:\n" + "\n".join(sorted(wrong))
    unused = [row[:2] for row in glossary_rows() if row[:2] not in found and row[0] not in ("1121 model",)]
    assert not unused, f"glossary rows that no msgid uses (fix the term or its context): {unused}"


def test_glossary_terms_read_the_same_at_run_time():
    """What Django serves (all catalogues merged: the project's, the apps', Django's own) follows the glossary."""
    catalogue = _translations(parse_po(CATALOGUE))
    wrong = []
    with translation.override("zh-hans"):
        for english, context, chinese in glossary_rows():
            for msgid in _variants(english):
                if (context, msgid) not in catalogue:
                    continue
                got = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
                if got != chinese:
                    wrong.append(f"[{context or ''}] {msgid!r} -> {got!r}, glossary {chinese!r}")
    assert not wrong, wrong


def test_every_discoverable_string_is_translated(tmp_path):
    """Run makemessages on a copy of the sources: it must find nothing new, empty or fuzzy."""
    if not shutil.which("xgettext"):
        if os.environ.get("CI"):
            pytest.fail("GNU gettext is required in CI (.ci/run installs it)")
        pytest.skip("GNU gettext not installed (apt-get install gettext)")
    copy = tmp_path / "src"
    shutil.copytree(REPO, copy, ignore=shutil.ignore_patterns(*SOURCE_IGNORE, "*.mo", "*.pyc", "__pycache__",
                                                                "*.sqlite3"))
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete", "--no-location",
         *[f"--ignore={pattern}" for pattern in SOURCE_IGNORE]],
        cwd=copy, capture_output=True, text=True, env={"DJANGO_SETTINGS_MODULE": "config.settings.test",
                                                       "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert not [p for p in copy.rglob("django.po") if p.parent.parent.parent.parent != copy], \
        "makemessages wrote an app catalogue"
    entries = parse_po(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
    missing = [f"[{e['msgctxt'] or ''}] {e['msgid']!r}" for e in entries
               if e["msgid"] and ("fuzzy" in e["flags"] or not all(e["msgstr"]))]
    assert not missing, f"strings without a Chinese translation: {missing}"


# ---------------------------------------------------------------- (b) Chinese pages show no English

PLACEHOLDER = re.compile(r"%\([^)]+\)[sdif]|%[sdif]|\{[a-z_]*\}")
IGNORED_TEXT = {"TRL", "API", "CSV", "Excel", "ID", "1121", "E5", "OK", "IPC", "PDF"}


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().rstrip(":：").strip()


def english_msgids():
    """English msgids whose Chinese differs: ({plain msgid}, one pattern for those with placeholders)."""
    plain, templated = set(), []
    for entry in parse_po(CATALOGUE):
        msgid, msgstr = entry["msgid"], (entry["msgstr"] or [""])[0]
        if not msgid or msgstr == msgid or msgid in IGNORED_TEXT:
            continue
        if len(re.findall(r"[A-Za-z]", PLACEHOLDER.sub("", msgid))) < 3:
            continue
        if PLACEHOLDER.search(msgid):
            parts = (re.escape(re.sub(r"\s+", " ", p)) for p in PLACEHOLDER.split(msgid.strip()))
            templated.append(".+?".join(parts))
        else:
            plain.add(_normal(msgid))
    return plain, re.compile("|".join(f"(?:{t})" for t in templated), re.S)


class VisibleText(HTMLParser):
    """Text nodes and the attributes a user reads (placeholder, title, aria-label, alt, button values)."""

    SKIP = {"script", "style", "code", "pre", "textarea"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts, self.links, self._skip = [], [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.SKIP:
            self._skip += 1
        for name in ("placeholder", "title", "aria-label", "alt", "data-placeholder", "data-no-results"):
            if attrs.get(name):
                self.texts.append(attrs[name])
        if tag == "input" and (attrs.get("type") or "") in ("submit", "button") and attrs.get("value"):
            self.texts.append(attrs["value"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.texts.append(data)


def _page(client, url):
    response = client.get(url)
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return None
    parser = VisibleText()
    parser.feed(response.content.decode())
    return parser


def _local(href: str) -> str | None:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith(
            ("/admin/", "/api/", "/static/", "/media/", "/i18n/", "/accounts/logout")):
        return None
    return parts.path


def _english(page, plain, templated):
    return [text for text in map(_normal, page.texts) if text in plain or templated.fullmatch(text)]


@pytest.mark.django_db
def test_chinese_pages_show_no_untranslated_english(demo, client):  # noqa: F811
    """Every role's home page, each page of its menu and the first record each menu page links to.

    A page reached by several roles is read once (as the first role), which keeps the run short.
    """
    plain, templated = english_msgids()
    client.cookies["django_language"] = "zh-hans"
    users = {u.username: u for u in get_user_model().objects.filter(username__in=DEMO_USERNAMES)}
    found, visited = {}, set()

    def read(path, username):
        visited.add(path)
        page = _page(client, path)
        for text in _english(page, plain, templated) if page else []:
            found.setdefault(text, f"{path} as {username}")
        return page

    for username in DEMO_USERNAMES:
        client.force_login(users[username])
        home = read("/", username)
        menu = [p for p in dict.fromkeys(map(_local, home.links)) if p and not re.search(r"/\d+/", p)]
        for path in menu:
            if path in visited:
                continue
            listing = read(path, username)
            details = [p for p in map(_local, listing.links if listing else []) if p and re.search(r"/\d+/$", p)]
            if details and details[0] not in visited:
                read(details[0], username)
    assert len(visited) > 30, sorted(visited)
    assert not found, f"English on Chinese pages: {found}"


# ---------------------------------------------------------------- Chinese punctuation in Chinese text

CJK = "\u4e00-\u9fff"
HALF_WIDTH = re.compile(rf"(?:[{CJK}]|%\([a-z_]+\)s)\s*[,;:](?!\d)|[{CJK}]\(|\)[{CJK}]|[{CJK}]\s*\(")
HALF_WIDTH_ALLOWED = {"List of {name, weight}; weights add up to 100."}  # an API field's JSON shape


def test_chinese_translations_use_chinese_punctuation():
    """Titles and messages composed from parts read “校招共用协议：张三，首席科学家”, not “…协议:张三,…”."""
    wrong = [f"{e['msgid']!r}: {s!r}" for e in parse_po(CATALOGUE) for s in e["msgstr"]
             if e["msgid"] not in HALF_WIDTH_ALLOWED and re.search(f"[{CJK}]", s) and HALF_WIDTH.search(s)]
    assert not wrong, "use ，；：（） in Chinese:\n" + "\n".join(wrong)
