"""Searchable selects for tables too big for a select box (users, enterprises, organisations).

One mechanism for every app: a *source* is registered once under a name with the rows
a given user may pick; the form field takes its queryset from the same source (so the
field accepts exactly what the search offers), its widget renders only the chosen
option(s), and the browser asks `GET /api/autocomplete/<source>/?q=…` as the user
types (Tom Select, vendored in static/vendor/tom-select).

    register("enterprises", queryset=lambda user, params: Organisation.objects.of_kind("enterprise"),
             search=("name_zh", "name_en", "credit_code"))
    self.fields["enterprise"] = autocomplete_field("enterprises", user=user, label=_("Enterprise"))

A source whose rows depend on a context object (a center, a call) takes it from
`params` (forwarded as query parameters) and must check that the user may see it.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import reduce
from operator import or_
from urllib.parse import urlencode

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Organisation

RESULT_LIMIT = 20


@dataclass(frozen=True)
class Source:
    queryset: Callable[[object, Mapping[str, str]], QuerySet]
    search: tuple[str, ...]
    label: Callable[[object], str] = str


SOURCES: dict[str, Source] = {}


def register(name: str, *, queryset, search, label=str) -> None:
    SOURCES[name] = Source(queryset=queryset, search=tuple(search), label=label)


def source(name: str) -> Source:
    if name not in SOURCES:
        raise KeyError(name)
    return SOURCES[name]


def choices_for(name: str, *, user, params: Mapping[str, str] | None = None) -> QuerySet:
    """The rows `user` may pick from source `name` (raises ValidationError on bad params)."""
    return source(name).queryset(user, params or {})


def search(name: str, *, user, query: str, params: Mapping[str, str] | None = None,
           limit: int = RESULT_LIMIT) -> list[dict]:
    """At most `limit` matches of `query` as [{"id", "text"}], in the source's order."""
    src = source(name)
    rows = choices_for(name, user=user, params=params)
    query = (query or "").strip()[:100]
    if query:
        rows = rows.filter(reduce(or_, (Q(**{f"{field}__icontains": query}) for field in src.search)))
    return [{"id": row.pk, "text": src.label(row)} for row in rows[:limit]]


class AutocompleteMixin:
    """Renders only the selected option(s); the rest arrive from the search endpoint."""

    def __init__(self, source_name: str, params: Mapping[str, str] | None = None, attrs=None):
        self.source_name, self.params = source_name, dict(params or {})
        super().__init__(attrs=attrs)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        url = reverse("autocomplete", args=[self.source_name])
        if self.params:
            url += "?" + urlencode(self.params)
        context["widget"]["attrs"].update({
            "data-autocomplete": url,
            "data-placeholder": _("Type to search…"),
            "data-no-results": _("Nothing found"),
            "class": context["widget"]["attrs"].get("class", "form-select"),
        })
        return context

    def optgroups(self, name, value, attrs=None):
        selected = [v for v in value if v not in ("", None)]
        queryset = getattr(self.choices, "queryset", None)
        options = []
        if not self.allow_multiple_selected:
            options.append(self.create_option(name, "", "", not selected, 0, attrs=attrs))
        if queryset is not None and selected:
            try:
                chosen = list(queryset.filter(pk__in=selected))
            except (ValueError, TypeError, ValidationError):
                chosen = []
            label = getattr(self.choices.field, "label_from_instance", str)
            for index, obj in enumerate(chosen, start=len(options)):
                options.append(self.create_option(name, str(obj.pk), label(obj), True, index, attrs=attrs))
        return [(None, options, 0)]


class AutocompleteSelect(AutocompleteMixin, forms.Select):
    pass


class AutocompleteSelectMultiple(AutocompleteMixin, forms.SelectMultiple):
    pass


def autocomplete_field(name: str, *, user, params: Mapping[str, str] | None = None, multiple: bool = False,
                       **kwargs) -> forms.ModelChoiceField:
    """A model choice field over source `name` for `user`, with the searchable widget."""
    field_class = forms.ModelMultipleChoiceField if multiple else forms.ModelChoiceField
    widget_class = AutocompleteSelectMultiple if multiple else AutocompleteSelect
    field = field_class(queryset=choices_for(name, user=user, params=params),
                        widget=widget_class(name, params=params), **kwargs)
    field.label_from_instance = source(name).label
    return field


# ------------------------------------------------------------------ the core's own sources


def _kinds(params: Mapping[str, str]) -> list[str]:
    kinds = [k for k in (params.get("kind") or "").split(",") if k]
    unknown = sorted(set(kinds) - set(Organisation.Kind.values))
    if unknown:
        raise ValidationError(_("Unknown organisation type: %(kinds)s") % {"kinds": ", ".join(unknown)})
    return kinds


def _organisations(user, params):
    rows = Organisation.objects.select_related("region").order_by("name_zh", "pk")
    kinds = _kinds(params)
    return rows.filter(kind__in=kinds) if kinds else rows


def organisation_label(organisation) -> str:
    region = f" · {organisation.region.name}" if organisation.region_id else ""
    return f"{organisation.name}{region}"


def _users(user, params):
    return get_user_model().objects.filter(is_active=True).order_by("username", "pk")


def user_label(user) -> str:
    return f"{user} ({user.username})" if str(user) != user.username else user.username


register("organisations", queryset=_organisations, search=("name_zh", "name_en", "credit_code"),
         label=organisation_label)
register("users", queryset=_users, search=("username", "display_name", "first_name", "last_name"),
         label=user_label)
