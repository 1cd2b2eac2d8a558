"""The permission matrix (platform_core/permission_matrix.py) played cell by cell with the demo accounts.

Each cell sends the row's page or API request as the column's demo account and reads the outcome
from the response; a refused write changes nothing. The same rows write docs/permissions.md.
"""
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from rest_framework.test import APIClient

from platform_core.permission_matrix import ACTIONS, CASES, ROLES
from tests.demo_data import demo  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db

CELLS = [pytest.param(case, username, id=f"{case.id}:{username}") for case in CASES for username, _who in ROLES]


def _send(client, method, url, data):
    if method == "get":
        return client.get(url)
    return getattr(client, method)(url, data=json.dumps(data) if data is not None else None,
                                   content_type="application/json")


def _fingerprint(obj):
    """The record as stored, to prove a refused write changed nothing."""
    model = type(obj)
    row = model.objects.filter(pk=obj.pk).values().first()
    return row, model.objects.count()


@pytest.mark.parametrize("case, username", CELLS)
def test_cell(demo, case, username):
    user = get_user_model().objects.get(username=username)
    obj = case.locate()
    assert obj is not None, f"no demo record for {case.id}"
    method, url, data = case.request(obj)
    if case.surface == "API":
        client = APIClient()
        client.force_authenticate(user)
        if case.read_first:
            client.get(case.read_first(obj))
        response = client.get(url) if method == "get" else getattr(client, method)(url, data, format="json")
    else:
        from django.test import Client

        client = Client()
        client.force_login(user)
        response = _send(client, method, url, data)
    expected = username in case.allowed
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8-sig", errors="replace")
    if case.outcome == "listed":
        assert response.status_code == 200, text[:300]
        listed = obj.pk in {row["id"] for row in json.loads(text)["results"]}
        assert listed == expected, f"{username}: listed={listed}"
    elif case.outcome == "shows":
        assert response.status_code in {200, 404}, text[:300]
        shows = response.status_code == 200 and case.text(obj) in text
        assert shows == expected, f"{username}: shows={shows}"
    else:
        allowed = 200 <= response.status_code < 300
        assert allowed == expected, f"{username}: {response.status_code} {text[:300]}"
        if not allowed:
            assert response.status_code in {400, 403, 404}, text[:300]


def test_refused_writes_change_nothing(demo):
    """Every write row, as a column that is refused: the record and its table are as they were."""
    writes = [case for case in CASES if case.request(case.locate())[0] != "get"]
    assert writes
    for case in writes:
        refused = next(username for username, _who in ROLES if username not in case.allowed)
        obj = case.locate()
        before = _fingerprint(obj)
        client = APIClient()
        client.force_authenticate(get_user_model().objects.get(username=refused))
        if case.read_first:
            client.get(case.read_first(obj))
        method, url, data = case.request(obj)
        response = getattr(client, method)(url, data, format="json")
        assert response.status_code in {400, 403, 404}, (case.id, refused, response.status_code)
        assert _fingerprint(obj) == before, (case.id, refused)


def test_the_matrix_covers_every_action_and_both_surfaces():
    assert {case.action for case in CASES} == set(ACTIONS)
    assert {case.surface for case in CASES} == {"API", "page"}


def test_the_committed_document_is_the_generated_one():
    call_command("permissions_doc", "--check")
