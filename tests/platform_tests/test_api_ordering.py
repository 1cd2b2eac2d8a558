"""`?ordering=` on a non-unique field still gives every row exactly once across pages."""
import pytest
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from platform_core.api.filters import StableOrderingFilter
from platform_core.models import Organisation
from tests.factories import OrganisationFactory


class OrganisationOrdering(APIView):
    ordering_fields = ["kind", "name_zh", "id"]


def ordering_for(query):
    request = APIView().initialize_request(APIRequestFactory().get("/", query))
    return StableOrderingFilter().get_ordering(request, Organisation.objects.all(), OrganisationOrdering())


def test_ordering_ends_with_the_primary_key_in_the_first_keys_direction():
    assert ordering_for({"ordering": "kind"}) == ["kind", "pk"]
    assert ordering_for({"ordering": "-kind,name_zh"}) == ["-kind", "name_zh", "-pk"]
    assert ordering_for({"ordering": "name_zh,-id"}) == ["name_zh", "-id"]


@pytest.mark.django_db
def test_pages_ordered_by_a_shared_value_neither_repeat_nor_skip_rows(api, staff):
    OrganisationFactory.create_batch(45, kind=Organisation.Kind.ENTERPRISE)
    api.force_authenticate(staff)
    seen = []
    url = "/api/organisations/?ordering=kind"
    while url:
        body = api.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert len(seen) == len(set(seen)) == Organisation.objects.count()
