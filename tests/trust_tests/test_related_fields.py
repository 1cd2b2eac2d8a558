"""Issue 12 §4: every related field a writer fills offers only what that writer may see or act for.

Walks every serializer of the API (the viewsets the URL conf routes to, and every serializer class
defined in an `api` module), so a field added tomorrow with `Model.objects.all()` fails here.
"""
import inspect
from importlib import import_module

import pytest
from django.urls import get_resolver
from rest_framework import relations, serializers
from rest_framework.test import APIRequestFactory

from platform_core.visibility import DIRECTORY_MODELS, OWNERSHIP_FIELDS, VisibleRelatedField
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SERIALIZER_MODULES = [
    "platform_core.api.serializers", "platform_core.accounts.api", "consortia.api.serializers",
    "projects.api.serializers", "talent.api.serializers", "transfer.api.serializers", "funds.api.serializers",
    "matching.api.serializers",
]


def _routed_viewsets(patterns):
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            yield from _routed_viewsets(pattern.url_patterns)
        elif getattr(pattern.callback, "cls", None) is not None:
            yield pattern.callback.cls, getattr(pattern.callback, "actions", None) or {}


def all_serializer_classes() -> set[type]:
    found = set()
    for viewset, actions in _routed_viewsets(get_resolver().url_patterns):
        for action in {*actions.values(), "create", "update", "partial_update"}:
            view = viewset()
            view.action, view.request, view.format_kwarg, view.kwargs = action, None, None, {}
            try:
                found.add(view.get_serializer_class())
            except (AssertionError, AttributeError):  # a view without a serializer (APIView)
                pass
    for name in SERIALIZER_MODULES:
        module = import_module(name)
        found |= {cls for _name, cls in inspect.getmembers(module, inspect.isclass)
                  if issubclass(cls, serializers.BaseSerializer) and cls.__module__ == module.__name__}
    return {cls for cls in found if not issubclass(cls, serializers.ListSerializer)}


def writable_related_fields(serializer, prefix=""):
    for name, field in serializer.fields.items():
        if field.read_only:
            continue
        if isinstance(field, serializers.ListSerializer):
            yield from writable_related_fields(field.child, f"{prefix}{name}.")
        elif isinstance(field, serializers.BaseSerializer):
            yield from writable_related_fields(field, f"{prefix}{name}.")
        else:
            related = field.child_relation if isinstance(field, relations.ManyRelatedField) else field
            if isinstance(related, relations.RelatedField):
                yield f"{prefix}{name}", name, related


def unsafe_related_fields(user) -> list[str]:
    request = APIRequestFactory().post("/")
    request.user = user
    problems = []
    for cls in sorted(all_serializer_classes(), key=lambda c: f"{c.__module__}.{c.__qualname__}"):
        serializer = cls(context={"request": request})
        for path, name, field in writable_related_fields(serializer):
            if isinstance(field, VisibleRelatedField):
                continue
            label = field.get_queryset().model._meta.label
            where = f"{cls.__module__}.{cls.__qualname__}.{path} ({label})"
            if name in OWNERSHIP_FIELDS:
                problems.append(f"{where}: an ownership field must be read-only or restricted to the writer")
            elif label not in DIRECTORY_MODELS:
                problems.append(f"{where}: offers every row; use VisibleRelatedField(<selector>)")
    return problems


def test_the_walk_finds_the_api_serializers():
    names = {cls.__name__ for cls in all_serializer_classes()}
    assert {"InvestmentSerializer", "TalentProfileSerializer", "DealSerializer", "InvitationSerializer",
            "ChallengeSerializer", "SharedHireSerializer"} <= names
    assert len(names) > 60


def test_every_writable_related_field_is_restricted_to_what_the_writer_may_see():
    assert unsafe_related_fields(UserFactory()) == []


def test_the_walk_would_catch_an_unrestricted_queryset(monkeypatch):
    from funds.api import serializers as funds_serializers
    from projects.models import Project

    class Careless(serializers.Serializer):
        project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all())

    Careless.__module__ = funds_serializers.__name__
    monkeypatch.setattr(funds_serializers, "Careless", Careless, raising=False)
    assert [p for p in unsafe_related_fields(UserFactory()) if "Careless.project" in p]
