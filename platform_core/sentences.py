"""Records read by people: audit events and notifications rendered as sentences.

Both store a language-neutral event code and its parameters (ids, codes, numbers); the
sentence is written at read time, in the reader's language, from a registered,
translatable template. Apps describe their objects once (`register_object`: how to name
and link one, which rows a user may see), and their sentences with resolvers saying how
to turn a stored parameter back into something readable:

    Ref("projects.Bid")           an id → the bid, linked when the reader may see it
    Choice(Undertaking.Status)    a stored code → its label
    Fields("projects.Challenge")  a list of field names → their verbose names

Rendering is in bulk: `render_sentences(items, reader=…)` collects every id of every
item first, fetches each model once (`in_bulk`) and asks its visibility selector once,
so a trail of 200 events costs the same queries as a trail of 5.
"""
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.apps import apps
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext


@dataclass(frozen=True)
class ObjectSpec:
    url: Callable | str | None = None          # URL name taking the pk, or obj → path
    visible: Callable | None = None            # user → queryset of the rows they may open
    select_related: tuple = ()
    label: Callable | None = None              # obj → text (default str)


OBJECTS: dict[str, ObjectSpec] = {}


def model_key(model) -> str:
    if isinstance(model, str):
        model = apps.get_model(model)
    return model._meta.label_lower


def register_object(model, *, url=None, visible=None, select_related=(), label=None) -> None:
    """Say how sentences name and link one kind of object."""
    OBJECTS[model_key(model)] = ObjectSpec(url=url, visible=visible, select_related=tuple(select_related),
                                           label=label)


# ---------------------------------------------------------------- resolvers


@dataclass(frozen=True)
class Ref:
    """The parameter holds the id (or a list of ids) of an object of `model`."""

    model: object


@dataclass(frozen=True)
class Choice:
    """The parameter holds a code of a TextChoices/IntegerChoices class (or a `(code, label)` list)."""

    choices: object

    def label(self, value):
        pairs = getattr(self.choices, "choices", self.choices)
        return dict(pairs).get(value, value)


@dataclass(frozen=True)
class Fields:
    """The parameter holds field names of `model`: shown as their verbose names."""

    model: object

    def label(self, names):
        model = apps.get_model(self.model) if isinstance(self.model, str) else self.model
        out = []
        for name in names if isinstance(names, (list, tuple)) else [names]:
            try:
                out.append(str(model._meta.get_field(name).verbose_name))
            except Exception:  # a field since renamed: its name still reads
                out.append(str(name))
        return out


@dataclass(frozen=True)
class Sentence:
    """A translatable template (`%(name)s` placeholders) and how to read each stored parameter."""

    text: Promise | str
    params: dict = field(default_factory=dict)


# ---------------------------------------------------------------- stored references


def to_param(value):
    """A notification parameter as JSON: objects by model and id, the rest as plain values."""
    if isinstance(value, models.Model):
        return {"$ref": value._meta.label_lower, "pk": value.pk}
    if isinstance(value, Promise):
        raise TypeError("Pass codes, ids or objects, not translated text: the reader's language is chosen later.")
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set)):
        return [to_param(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_param(v) for k, v in value.items()}
    return value


def is_ref(value) -> bool:
    return isinstance(value, dict) and "$ref" in value and "pk" in value


@dataclass
class Item:
    """One thing to render: a sentence (or None for the generic one) and its parameter values."""

    sentence: Sentence | None
    values: dict
    fallback: Callable | None = None  # values → text, when sentence is None


class _Resolver:
    def __init__(self, reader):
        self.reader = reader
        self.wanted: dict[str, set] = defaultdict(set)
        self.objects: dict[str, dict] = {}
        self.visible: dict[str, set] = {}

    def want(self, key: str, pk) -> None:
        if pk in (None, ""):
            return
        try:
            model = apps.get_model(key)
        except (LookupError, ValueError):
            return
        try:
            self.wanted[key].add(model._meta.pk.to_python(pk))
        except Exception:
            pass

    def fetch(self) -> None:
        for key, pks in self.wanted.items():
            model = apps.get_model(key)
            spec = OBJECTS.get(key, ObjectSpec())
            qs = model._default_manager.all()
            if spec.select_related:
                qs = qs.select_related(*spec.select_related)
            self.objects[key] = qs.in_bulk(list(pks))
            seen = set()
            if spec.url and spec.visible and self.reader is not None and getattr(self.reader, "is_authenticated", False):
                seen = set(spec.visible(self.reader).filter(pk__in=pks).values_list("pk", flat=True))
            self.visible[key] = seen

    def obj(self, key, pk):
        try:
            pk = apps.get_model(key)._meta.pk.to_python(pk)
        except Exception:
            return None
        return self.objects.get(key, {}).get(pk)

    def show(self, key, pk, *, html: bool, missing: str = ""):
        obj = self.obj(key, pk)
        spec = OBJECTS.get(key, ObjectSpec())
        if obj is None:
            text = missing or f"#{pk}"
            return conditional_escape(text) if html else text
        text = str(spec.label(obj) if spec.label else obj)
        if not html:
            return text
        if obj.pk in self.visible.get(key, ()):
            url = _url(spec.url, obj)
            if url:
                return format_html('<a href="{}">{}</a>', url, text)
        return conditional_escape(text)


def _url(url, obj) -> str:
    if url is None:
        return ""
    if callable(url):
        return url(obj)
    try:
        return reverse(url, args=[obj.pk])
    except NoReverseMatch:
        return ""


_NUMBER_PLACEHOLDER = re.compile(r"%\((\w+)\)d")


class _Values(dict):
    def __missing__(self, key):
        return "—"


def _plain(value, html):
    if isinstance(value, SafeString):
        return value
    if isinstance(value, bool):
        value = _("yes") if value else _("no")
    elif isinstance(value, (list, tuple)):
        value = pgettext("list separator", ", ").join(str(v) for v in value) if value else "—"
    elif value is None or value == "":
        value = "—"
    return conditional_escape(str(value)) if html else str(value)


def render_sentences(items: Sequence[Item], *, reader=None, html: bool = True) -> list[str]:
    """Render each item in the active language; objects fetched once per model for all items."""
    resolver = _Resolver(reader)
    for item in items:
        params = item.sentence.params if item.sentence else {}
        for name, value in item.values.items():
            resolver_spec = params.get(name)
            if is_ref(value):
                resolver.want(value["$ref"], value["pk"])
            elif isinstance(value, list) and value and all(is_ref(v) for v in value):
                for v in value:
                    resolver.want(v["$ref"], v["pk"])
            elif isinstance(value, _Obj):
                resolver.want(value.key, value.pk)
            elif isinstance(resolver_spec, Ref):
                for pk in value if isinstance(value, (list, tuple)) else [value]:
                    resolver.want(model_key(resolver_spec.model), pk)
    resolver.fetch()

    out = []
    for item in items:
        params = item.sentence.params if item.sentence else {}
        values = _Values()
        for name, value in item.values.items():
            spec = params.get(name)
            if is_ref(value):
                values[name] = resolver.show(value["$ref"], value["pk"], html=html)
            elif isinstance(value, list) and value and all(is_ref(v) for v in value):
                shown = [resolver.show(v["$ref"], v["pk"], html=html) for v in value]
                joined = conditional_escape(pgettext("list separator", ", ")).join(shown) if html else \
                    pgettext("list separator", ", ").join(shown)
                values[name] = mark_safe(joined) if html else joined
            elif isinstance(value, _Obj):
                values[name] = resolver.show(value.key, value.pk, html=html, missing=value.missing)
            elif isinstance(spec, Ref):
                key = model_key(spec.model)
                if isinstance(value, (list, tuple)):
                    shown = [resolver.show(key, pk, html=html) for pk in value]
                    values[name] = mark_safe(pgettext("list separator", ", ").join(shown)) if html else pgettext("list separator", ", ").join(shown)
                else:
                    values[name] = resolver.show(key, value, html=html)
            elif isinstance(spec, (Choice, Fields)):
                values[name] = _plain(spec.label(value), html)
            elif callable(spec):
                values[name] = _plain(spec(value), html)
            else:
                values[name] = _plain(value, html)
        if item.sentence is not None:
            template = str(item.sentence.text)
        else:
            template = str(item.fallback(values)) if item.fallback else "%(action)s"
        template = _NUMBER_PLACEHOLDER.sub(r"%(\1)s", template)  # every value is text by now
        if html:
            template = conditional_escape(template)
        try:
            text = template % values
        except (TypeError, ValueError, KeyError):
            text = template
        out.append(mark_safe(text) if html else text)
    return out


@dataclass(frozen=True)
class _Obj:
    """An object parameter known by its model key and pk (the target of an audit event)."""

    key: str
    pk: object
    missing: str = ""


def obj_value(key: str, pk, missing: str = "") -> _Obj:
    return _Obj(key=key, pk=pk, missing=missing)


def money(value) -> str:
    """A stored amount ("1800000.00") as people read it (1,800,000.00)."""
    try:
        return f"{Decimal(str(value)):,.2f}"
    except Exception:
        return str(value)
