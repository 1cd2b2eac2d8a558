"""No request makes the API answer 5xx (issue 12 §9): every list with a number beyond any database integer
in each of its filters, every detail route with ids that are not integers or are too large, and a
duplicate notification preference."""
import re

import pytest
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from platform_core.models import NotificationPreference

pytestmark = pytest.mark.django_db
HUGE = "9" * 30
BAD_IDS = ["abc", HUGE, "-1", "0x10", "１２"]


def api_patterns(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from api_patterns(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name and hasattr(pattern.callback, "cls"):
            if "format" not in pattern.pattern.regex.groupindex:
                yield namespace + pattern.name, pattern


def lists():
    seen = set()
    for name, pattern in api_patterns():
        if name.endswith("-list") and not pattern.pattern.regex.groupindex and name not in seen:
            seen.add(name)
            view = pattern.callback.cls
            fields = getattr(view, "filterset_fields", None) or []
            yield name, list(fields)


def details():
    seen = set()
    for name, pattern in api_patterns():
        groups = list(pattern.pattern.regex.groupindex)
        if groups and name not in seen:
            seen.add(name)
            yield name, groups


def urls_of(name, groups, value):
    try:
        return reverse(name, kwargs={group: value for group in groups})
    except NoReverseMatch:
        return None


def test_the_walk_finds_the_api():
    assert len(list(lists())) > 20 and len(list(details())) > 30


@pytest.mark.parametrize("who", ["staff", "researcher"])
def test_huge_numbers_in_every_filter_are_not_a_server_error(api, request, who):
    api.force_authenticate(request.getfixturevalue(who))
    failures = []
    for name, fields in lists():
        url = reverse(name)
        for query in [*(f"{field}={HUGE}" for field in fields), f"page={HUGE}", f"page_size={HUGE}",
                      f"ordering={HUGE}", f"search={HUGE}", "id=abc"]:
            response = api.get(f"{url}?{query}")
            if response.status_code >= 500:
                failures.append(f"{url}?{query} → {response.status_code}")
    assert failures == []


@pytest.mark.parametrize("who", ["staff", "researcher"])
def test_malformed_and_huge_ids_on_every_detail_route_are_not_a_server_error(api, request, who):
    api.force_authenticate(request.getfixturevalue(who))
    failures = []
    for name, groups in details():
        for value in BAD_IDS:
            url = urls_of(name, groups, value)
            if url is None:
                continue
            for method in ("get", "post", "patch", "delete"):
                response = getattr(api, method)(url, {}, format="json")
                if response.status_code >= 500:
                    failures.append(f"{method.upper()} {url} → {response.status_code}")
    assert failures == []


def test_a_duplicate_notification_preference_is_refused_with_a_reason(api, researcher):
    api.force_authenticate(researcher)
    url = "/api/notification-preferences/"
    first = api.post(url, {"event": "platform.signoff_requested", "delivery": "digest"}, format="json")
    second = api.post(url, {"event": "platform.import_finished", "delivery": "off"}, format="json")
    assert first.status_code == second.status_code == 201
    clash = api.patch(f"{url}{second.json()['id']}/", {"event": "platform.signoff_requested"}, format="json")
    assert clash.status_code == 400 and "event" in clash.json()
    again = api.put(f"{url}{second.json()['id']}/", {"event": "platform.signoff_requested", "delivery": "off"},
                    format="json")
    assert again.status_code == 400
    assert sorted(NotificationPreference.objects.filter(user=researcher).values_list("event", "delivery")) == [
        ("platform.import_finished", "off"), ("platform.signoff_requested", "digest")]
    # Posting an event already chosen changes its delivery (one row per event).
    assert api.post(url, {"event": "platform.signoff_requested", "delivery": "off"}, format="json").status_code == 201
    assert NotificationPreference.objects.filter(user=researcher).count() == 2


@pytest.mark.django_db(transaction=True)  # as in a real request: autocommit, no test transaction to break
def test_a_duplicate_the_database_refuses_is_a_conflict_not_a_500(api, researcher, monkeypatch):
    from platform_core.api.serializers import NotificationPreferenceSerializer

    api.force_authenticate(researcher)
    url = "/api/notification-preferences/"
    api.post(url, {"event": "platform.signoff_requested", "delivery": "digest"}, format="json")
    other = api.post(url, {"event": "platform.import_finished", "delivery": "off"}, format="json").json()
    # Two requests racing past the serializer's check: the unique constraint decides.
    monkeypatch.setattr(NotificationPreferenceSerializer, "validate_event", lambda self, value: value)
    response = api.patch(f"{url}{other['id']}/", {"event": "platform.signoff_requested"}, format="json")
    assert response.status_code == 409 and response.json()["detail"]
    assert NotificationPreference.objects.get(pk=other["id"]).event == "platform.import_finished"
