"""Every gettext catalog in the repository is complete, not fuzzy, and compiled.

Parses each ``django.po`` (outside virtualenvs) with the standard library only and
checks that its sibling ``django.mo`` holds exactly the same translations, so a
catalog that was edited but not recompiled (by any app) fails here.
"""

import ast
import gettext
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SKIP_DIRS = {".venv", "venv", "node_modules", ".git"}


def _catalogs():
    return sorted(
        p for p in REPO.rglob("django.po")
        if not SKIP_DIRS.intersection(p.relative_to(REPO).parts)
    )


def _unquote(text):
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), f"not a quoted PO string: {text!r}"
    return ast.literal_eval(text)


def parse_po(path):
    """Return the entries of a .po file as dicts.

    Keys: ``msgctxt`` (or None), ``msgid``, ``msgid_plural`` (or None),
    ``msgstr`` (a list: one item, or one per plural form), ``flags`` (a set),
    ``line`` (where the entry starts). Obsolete (``#~``) entries are skipped.
    """
    entries, entry, field = [], None, None

    def new_entry(lineno):
        return {"msgctxt": None, "msgid": None, "msgid_plural": None, "msgstr": [],
                "flags": set(), "line": lineno}

    def finish():
        nonlocal entry, field
        if entry is not None and entry["msgid"] is not None:
            entries.append(entry)
        entry, field = None, None

    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#"):
            if entry is not None and entry["msgstr"]:
                finish()
            if entry is None:
                entry = new_entry(lineno)
            if line.startswith("#,"):
                entry["flags"].update(f.strip() for f in line[2:].split(",") if f.strip())
            continue
        if line.startswith('"'):
            assert entry is not None and field is not None, f"{path}:{lineno}: stray string"
            value = _unquote(line)
            if field == "msgstr":
                entry["msgstr"][-1] += value
            else:
                entry[field] += value
            continue
        keyword, _, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and entry is not None and entry["msgstr"]:
            finish()
        if entry is None:
            entry = new_entry(lineno)
        if keyword in ("msgctxt", "msgid", "msgid_plural"):
            entry[keyword] = _unquote(rest)
            field = keyword
        elif keyword == "msgstr" or keyword.startswith("msgstr["):
            entry["msgstr"].append(_unquote(rest))
            field = "msgstr"
        else:
            raise AssertionError(f"{path}:{lineno}: cannot parse {raw!r}")
    finish()
    return entries


def _label(entry):
    ctxt = f"[{entry['msgctxt']}] " if entry["msgctxt"] else ""
    return f"line {entry['line']}: {ctxt}{entry['msgid']!r}"


def test_catalogs_exist():
    assert _catalogs(), "no django.po found in the repository"


@pytest.mark.parametrize("po", _catalogs(), ids=lambda p: str(p.relative_to(REPO)))
def test_catalog_is_complete_and_compiled(po):
    entries = parse_po(po)
    assert entries, f"{po} has no entries"

    fuzzy = [_label(e) for e in entries if "fuzzy" in e["flags"]]
    assert not fuzzy, f"fuzzy entries in {po}: {fuzzy}"

    untranslated = [
        _label(e) for e in entries
        if e["msgid"] and (not e["msgstr"] or any(not s for s in e["msgstr"]))
    ]
    assert not untranslated, f"untranslated entries in {po}: {untranslated}"

    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run compilemessages"
    with mo.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)

    stale = []
    for e in entries:
        if not e["msgid"]:
            continue  # header
        if e["msgid_plural"] is None:
            if e["msgctxt"] is None:
                got = compiled.gettext(e["msgid"])
            else:
                got = compiled.pgettext(e["msgctxt"], e["msgid"])
            if got != e["msgstr"][0]:
                stale.append(f"{_label(e)} -> .mo has {got!r}, .po has {e['msgstr'][0]!r}")
        else:
            if e["msgctxt"] is None:
                got = compiled.ngettext(e["msgid"], e["msgid_plural"], 1)
            else:
                got = compiled.npgettext(e["msgctxt"], e["msgid"], e["msgid_plural"], 1)
            if got not in e["msgstr"]:
                stale.append(f"{_label(e)} (plural) -> .mo has {got!r}")
    assert not stale, f"{mo} is out of date with {po.name}; recompile: {stale}"
