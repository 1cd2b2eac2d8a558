"""The one searchable-select mechanism: sources, the widget (no table in the page) and the endpoint."""
import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from platform_core.autocomplete import autocomplete_field, search
from platform_core.models import Organisation
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _orgs(n, kind=Organisation.Kind.ENTERPRISE, prefix="企业"):
    return [OrganisationFactory(kind=kind, name_zh=f"{prefix}{i:03d}") for i in range(n)]


class PickForm(forms.Form):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"] = autocomplete_field("organisations", user=user, params={"kind": "enterprise"},
                                                       label="企业")


def test_widget_lists_only_the_chosen_row_not_the_table():
    enterprises = _orgs(60)
    user = UserFactory()
    empty = PickForm(user=user).as_p()
    assert empty.count("<option") == 1  # the empty choice only
    assert 'data-autocomplete="/api/autocomplete/organisations/?kind=enterprise"' in empty
    chosen = PickForm({"enterprise": enterprises[7].pk}, user=user)
    assert chosen.is_valid()
    html = chosen.as_p()
    assert html.count("<option") == 2 and "企业007" in html and "企业008" not in html


def test_field_accepts_only_what_the_source_offers():
    university = OrganisationFactory(kind=Organisation.Kind.UNIVERSITY, name_zh="长安理工大学")
    form = PickForm({"enterprise": university.pk}, user=UserFactory())
    assert not form.is_valid() and "enterprise" in form.errors
    bad = PickForm({"enterprise": "x' OR 1=1"}, user=UserFactory())
    assert not bad.is_valid()
    assert bad.as_p().count("<option") == 1


def test_search_filters_limits_and_keeps_query_count_flat():
    _orgs(30)
    _orgs(5, kind=Organisation.Kind.UNIVERSITY, prefix="大学")
    user = UserFactory()
    results = search("organisations", user=user, query="企业", params={"kind": "enterprise"})
    assert len(results) == 20 and all(r["text"].startswith("企业") for r in results)
    assert search("organisations", user=user, query="企业01", params={"kind": "enterprise"})[0]["text"].startswith(
        "企业01")
    assert search("organisations", user=user, query="大学", params={"kind": "enterprise"}) == []
    with CaptureQueriesContext(connection) as small:
        search("organisations", user=user, query="", params={})
    _orgs(200, prefix="新企业")
    with CaptureQueriesContext(connection) as big:
        search("organisations", user=user, query="", params={})
    assert len(big) == len(small) == 1


def test_endpoint_needs_login_rejects_bad_params_and_unknown_sources(api):
    _orgs(3)
    assert api.get("/api/autocomplete/organisations/?q=企业").status_code in (401, 403)
    api.force_authenticate(UserFactory())
    response = api.get("/api/autocomplete/organisations/", {"q": "企业00", "kind": "enterprise"})
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]][:1] == ["企业000"]
    bad = api.get("/api/autocomplete/organisations/", {"kind": "castle"}, HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 400 and "castle" in str(bad.json())
    assert api.get("/api/autocomplete/nothing-here/").status_code == 404


def test_user_source_finds_by_name_and_hides_inactive(api):
    UserFactory(username="wangfang", display_name="王芳")
    UserFactory(username="gone", display_name="王离职", is_active=False)
    texts = [r["text"] for r in search("users", user=UserFactory(), query="王")]
    assert texts == ["王芳 (wangfang)"]
