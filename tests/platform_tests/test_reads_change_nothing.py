"""Reading the API changes nothing: every list and detail GET, as every demo role, writes no row."""
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, get_resolver, reverse
from rest_framework.test import APIClient

from platform_core.models import User

pytestmark = pytest.mark.django_db
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
ROLES = ["tto", "broker", "li", "zhao", "zhang", "chen", "xu", "sun", "zhou"]
DETAILS_PER_LIST = 3


def api_list_names() -> list[str]:
    resolver = get_resolver()
    names = [k for k in resolver.reverse_dict if isinstance(k, str) and k.endswith("-list")]
    for namespace, (_, inner) in resolver.namespace_dict.items():
        names += [f"{namespace}:{k}" for k in inner.reverse_dict if isinstance(k, str) and k.endswith("-list")]
    urls = []
    for name in names:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        if url.startswith("/api/"):
            urls.append(name)
    return sorted(set(urls))


def test_no_get_in_the_api_writes():
    call_command("load_demo", verbosity=0)
    names = api_list_names()
    assert len(names) >= 30  # every app's endpoints were found
    writes = []
    for username in ROLES:
        client = APIClient()
        client.force_authenticate(User.objects.get(username=username))
        for name in names:
            with CaptureQueriesContext(connection) as listed:
                response = client.get(reverse(name))
            assert response.status_code in (200, 403), (name, username, response.status_code)
            urls = [reverse(name)]
            if response.status_code == 200:
                body = response.json()
                rows = body["results"] if isinstance(body, dict) and "results" in body else body
                for row in rows[:DETAILS_PER_LIST] if isinstance(rows, list) else []:
                    try:
                        urls.append(reverse(name.replace("-list", "-detail"), kwargs={"pk": row["id"]}))
                    except (NoReverseMatch, KeyError, TypeError):
                        break
            captured = list(listed.captured_queries)
            for url in urls[1:]:
                with CaptureQueriesContext(connection) as read:
                    assert client.get(url).status_code == 200, (url, username)
                captured += read.captured_queries
            writes += [(username, urls, q["sql"][:80]) for q in captured if WRITE.match(q["sql"])]
    assert writes == []
