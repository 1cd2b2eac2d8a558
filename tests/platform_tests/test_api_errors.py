"""What a request gets wrong is a 4xx with a readable message, never a 500."""
import pytest

from platform_core.models import Organisation
from tests.factories import IndustryChainFactory, IndustryNodeFactory, OrganisationFactory
from transfer.models import Achievement

pytestmark = pytest.mark.django_db
HUGE = "9" * 30


@pytest.mark.parametrize("url", ["/api/transfer/chains/abc/", "/api/transfer/chains/abc/overview/",
                                 "/api/transfer/chain-nodes/abc/", "/api/transfer/chain-nodes/1.5/"])
def test_a_malformed_id_is_not_found(api, researcher, url):
    IndustryNodeFactory(chain=IndustryChainFactory())
    api.force_authenticate(researcher)
    assert api.get(url).status_code == 404


@pytest.mark.parametrize("url", [f"/api/transfer/chains/{HUGE}/", f"/api/transfer/achievements/?trl={HUGE}",
                                 f"/api/organisations/?region={HUGE}"])
def test_a_number_beyond_the_database_is_refused(api, researcher, url):
    api.force_authenticate(researcher)
    response = api.get(url)
    assert response.status_code in (200, 400, 404), response.content  # an empty list, a refusal or none such
    if response.status_code == 400:
        assert response.json()  # says which parameter


def test_deleting_an_organisation_others_refer_to_is_refused_with_a_reason(api, staff, university):
    Achievement.objects.create(title="固态电解质", owner=university, trl=4, abstract="…",
                               industry_node=IndustryNodeFactory(chain=IndustryChainFactory()))
    api.force_authenticate(staff)
    response = api.delete(f"/api/organisations/{university.pk}/")
    assert response.status_code == 409
    assert "1" in response.json()["detail"]
    assert Organisation.objects.filter(pk=university.pk).exists()
    unused = OrganisationFactory()
    assert api.delete(f"/api/organisations/{unused.pk}/").status_code == 204
