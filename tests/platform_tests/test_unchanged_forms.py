"""Saving an edit page unchanged changes nothing (issue 13, item 1: the funds form erased its dates).

For every edit page of every app (found by walking the URL patterns), each demo object is
opened by a demo user allowed to edit it, in Chinese and in English; the form is submitted
exactly as a browser would submit it untouched (a ``type=date`` input whose value is not
ISO ``YYYY-MM-DD`` is sent empty, as Chromium does) and the object (every concrete field,
money, dates, many-to-many) must be unchanged.
"""
import re
from datetime import date, datetime
from html.parser import HTMLParser

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from consortia.models import JointCenter
from funds.models import Fund
from platform_core import widgets
from platform_core.models import Organisation
from projects.models import Challenge, Topic
from talent.models import SharedHire, TalentProfile
from tests.demo_data import DEMO_USERNAMES, demo  # noqa: F401 (fixture)
from transfer.models import Achievement

pytestmark = pytest.mark.django_db

def _draft_topics():
    """The demo's topics are all past drafting: give each published challenge a draft (topic_save's state)."""
    Topic.objects.filter(challenge__status=Challenge.Status.PUBLISHED).update(status=Topic.Status.DRAFT)
    for challenge in Challenge.objects.filter(status=Challenge.Status.PUBLISHED, topic__isnull=True):
        Topic.objects.create(challenge=challenge, title=f"{challenge.title_zh}：课题", objectives="目标\n第二行",
                             deliverables="样机、报告", created_by=challenge.posted_by)


# url name -> (model of the `pk` in the URL, the rows the page edits for that pk[, setup]).
EDIT_PAGES = {
    "platform:organisation-edit": (Organisation, lambda pk: Organisation.objects.filter(pk=pk)),
    "consortia:center-edit": (JointCenter, lambda pk: JointCenter.objects.filter(pk=pk)),
    "funds:fund-edit": (Fund, lambda pk: Fund.objects.filter(pk=pk)),
    "projects:challenge-edit": (Challenge, lambda pk: Challenge.objects.filter(pk=pk)),
    "projects:topic-edit": (Challenge, lambda pk: Topic.objects.filter(challenge_id=pk), _draft_topics),
    "talent:profile-edit": (TalentProfile, lambda pk: TalentProfile.objects.filter(pk=pk)),
    "talent:hire-edit": (SharedHire, lambda pk: SharedHire.objects.filter(pk=pk)),
    "transfer:achievement-edit": (Achievement, lambda pk: Achievement.objects.filter(pk=pk)),
}
OBJECTS_PER_PAGE = 2
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from _walk(entry.url_patterns, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{prefix}{entry.name}", entry


def edit_page_names() -> set[str]:
    """Pages of the site (not the admin, not the API) whose name says they edit a record."""
    return {name for name, pattern in _walk(get_resolver().url_patterns)
            if name.endswith("-edit") and not name.startswith(("admin:", "api"))}


class BrowserForm(HTMLParser):
    """What a browser submits for the page's main POST form when the user changes nothing."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self._form, self._select, self._textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._form = {"action": attrs.get("action") or "", "data": [], "submit": None, "selects": []}
            self.forms.append(self._form)
        if self._form is None:
            return
        name = attrs.get("name")
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            value = attrs.get("value") or ""
            if kind in ("submit", "image"):
                if self._form["submit"] is None:
                    self._form["submit"] = (name, value)
            elif kind in ("checkbox", "radio"):
                if "checked" in attrs and name:
                    self._form["data"].append((name, attrs.get("value", "on")))
            elif kind not in ("file", "button", "reset") and name and "disabled" not in attrs:
                if kind == "date" and not ISO_DATE.match(value):
                    value = ""  # Chromium sanitises a date input's value: anything but ISO is dropped
                self._form["data"].append((name, value))
        elif tag == "button" and (attrs.get("type") or "submit").lower() == "submit":
            if self._form["submit"] is None:
                self._form["submit"] = (name, attrs.get("value") or "")
        elif tag == "select" and name and "disabled" not in attrs:
            self._select = {"name": name, "multiple": "multiple" in attrs, "options": []}
            self._form["selects"].append(self._select)
        elif tag == "option" and self._select is not None:
            self._select["options"].append((attrs.get("value"), "selected" in attrs))
        elif tag == "textarea" and name and "disabled" not in attrs:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data
        if self._select is not None and self._select["options"] and self._select["options"][-1][0] is None:
            value, selected = self._select["options"][-1]
            self._select["options"][-1] = (data.strip(), selected)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            self._form["data"].append((name, text[1:] if text.startswith("\n") else text))
            self._textarea = None

    @classmethod
    def submission(cls, html: str) -> tuple[str, dict]:
        parser = cls()
        parser.feed(html)
        candidates = [f for f in parser.forms if any(n == "csrfmiddlewaretoken" for n, _ in f["data"])]
        assert candidates, "no POST form on the page"
        form = max(candidates, key=lambda f: len(f["data"]) + len(f["selects"]))
        data: dict[str, list[str]] = {}
        for name, value in form["data"]:
            data.setdefault(name, []).append(value)
        for select in form["selects"]:
            chosen = [v for v, selected in select["options"] if selected]
            if not chosen and not select["multiple"] and select["options"]:
                chosen = [select["options"][0][0]]  # a single select submits its first option
            if chosen:
                data.setdefault(select["name"], []).extend(chosen)
        if form["submit"] and form["submit"][0]:
            data[form["submit"][0]] = [form["submit"][1]]
        return form["action"], data


def snapshot(rows) -> list[dict]:
    """Every concrete field (auto_now ones excepted) and every many-to-many of the rows."""
    result = []
    for obj in rows.model.objects.filter(pk__in=rows.values("pk")).order_by("pk"):
        state = {}
        for field in obj._meta.concrete_fields:
            if getattr(field, "auto_now", False):
                continue
            state[field.attname] = getattr(obj, field.attname)
        for field in obj._meta.many_to_many:
            state[field.name] = sorted(getattr(obj, field.name).values_list("pk", flat=True))
        result.append(state)
    return result


def _editor(client, url):
    """The first demo user (in DEMO_USERNAMES order) whose GET of the page shows the form."""
    users = {u.username: u for u in get_user_model().objects.filter(username__in=DEMO_USERNAMES)}
    for username in DEMO_USERNAMES:
        client.force_login(users[username])
        response = client.get(url)
        if response.status_code == 200 and b"csrfmiddlewaretoken" in response.content:
            return users[username], response
    return None, None


def test_every_edit_page_is_covered():
    assert edit_page_names() == set(EDIT_PAGES), (
        "an edit page is missing from EDIT_PAGES (or a listed one was removed): add it, with the rows it edits")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("page", sorted(EDIT_PAGES))
def test_saving_an_edit_page_unchanged_changes_nothing(demo, client, page, language):  # noqa: F811
    model, edited, *setup = EDIT_PAGES[page]
    for prepare in setup:
        prepare()
    client.cookies["django_language"] = language
    checked, problems, skipped = 0, [], []
    for pk in model.objects.order_by("pk").values_list("pk", flat=True):
        if checked >= OBJECTS_PER_PAGE:
            break
        if not edited(pk).exists():
            continue
        url = reverse(page, args=[pk])
        user, response = _editor(client, url)
        if user is None:
            continue
        checked += 1
        before = snapshot(edited(pk))
        action, data = BrowserForm.submission(response.content.decode())
        saved = client.post(action or url, data)
        if saved.status_code != 302:
            form = (saved.context or {}).get("form")
            if form is not None and set(form.errors) == {"__all__"}:
                skipped.append(f"{url}: {form.errors['__all__']}")  # the record's state forbids editing now
                checked -= 1
                continue
            errors = form.errors.get_json_data() if form is not None else saved.content[:300]
            problems.append(f"{url} as {user.username}: not saved ({saved.status_code}) {errors}")
            continue
        after = snapshot(edited(pk))
        if after != before:
            changed = {k: (before[0][k], after[0][k]) for k in before[0] if before[0][k] != after[0].get(k)}
            problems.append(f"{url} as {user.username}: changed {changed}")
    assert checked, f"no demo object of {model.__name__} could be edited by a demo user on {page}: {skipped}"
    assert not problems, "\n".join(problems)


# ----------------------------------------------------------------- one date widget, everywhere

def _form_classes():
    from importlib import import_module

    from django.apps import apps

    seen = set()
    for config in apps.get_app_configs():
        if not config.name.split(".")[0] in {"platform_core", "consortia", "projects", "talent", "transfer",
                                              "funds", "matching"}:
            continue
        try:
            module = import_module(f"{config.name}.forms")
        except ModuleNotFoundError:
            continue
        for value in vars(module).values():
            if (isinstance(value, type) and issubclass(value, forms.BaseForm) and value.__module__ == module.__name__
                    and value not in seen):
                seen.add(value)
                yield value


def test_every_date_field_of_every_form_uses_the_core_widget():
    wrong = []
    classes = list(_form_classes())
    for form_class in classes:
        for name, field in form_class.base_fields.items():
            if isinstance(field, forms.DateTimeField):
                expected = widgets.DateTimeInput
            elif isinstance(field, forms.DateField):
                expected = widgets.DateInput
            else:
                continue
            if not isinstance(field.widget, expected):
                wrong.append(f"{form_class.__module__}.{form_class.__name__}.{name}: {type(field.widget).__name__}")
    assert len(classes) > 20
    assert not wrong, f"date fields not using platform_core.widgets: {wrong}"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_core_widgets_render_iso_values_in_every_language(language):
    with translation.override(language):
        assert 'value="2021-03-01"' in widgets.DateInput().render("d", date(2021, 3, 1))
        assert 'type="date"' in widgets.DateInput().render("d", date(2021, 3, 1))
        html = widgets.DateTimeInput().render("t", datetime(2021, 3, 1, 9, 5))
        assert 'value="2021-03-01T09:05"' in html and 'type="datetime-local"' in html
