"""Who sees what: drafts, confidential detail and undertakings, in services, pages and API."""
import pytest
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError

from platform_core.models import Organisation, Role
from projects import services
from projects.models import Challenge, Undertaking
from tests.factories import OrganisationFactory, member

pytestmark = pytest.mark.django_db
SECRET = "NCM811"


@pytest.fixture
def outsider(db):
    return member(OrganisationFactory(kind=Organisation.Kind.UNIVERSITY), Role.RESEARCHER, username="outsider")


def test_drafts_are_hidden_from_outsiders(client, api, chain, outsider):
    chain.draft()
    client.force_login(outsider)
    assert client.get(f"/projects/challenges/{chain.challenge.pk}/").status_code == 404
    assert chain.challenge.title_zh not in client.get("/projects/").content.decode()
    api.force_authenticate(outsider)
    assert api.get(f"/api/projects/challenges/{chain.challenge.pk}/").status_code == 404
    client.force_login(chain.people["uni_chief"])  # the partner side refines, so it sees the draft
    assert client.get(f"/projects/challenges/{chain.challenge.pk}/").status_code == 200


def test_confidential_detail_needs_an_accepted_undertaking(client, api, chain, outsider):
    chain.published()
    url = f"/projects/challenges/{chain.challenge.pk}/"
    client.force_login(outsider)
    page = client.get(url).content.decode()
    assert chain.challenge.summary_zh in page and SECRET not in page
    api.force_authenticate(outsider)
    assert "confidential_detail" not in api.get(f"/api/projects/challenges/{chain.challenge.pk}/").json()

    client.post(f"{url}undertaking/", {"statement": "本人承诺保密。"})
    undertaking = Undertaking.objects.get(user=outsider)
    assert SECRET not in client.get(url).content.decode()  # requested, not yet accepted

    with pytest.raises(PermissionDenied):
        services.undertaking_decide(actor=outsider, undertaking=undertaking, accept=True)
    undertaking.refresh_from_db()
    assert undertaking.status == Undertaking.Status.REQUESTED

    manager = client.__class__()
    manager.force_login(chain.manager)
    manager.post(f"/projects/undertakings/{undertaking.pk}/decide/", {"decision": "accept"})
    assert SECRET in client.get(url).content.decode()
    assert SECRET in api.get(f"/api/projects/challenges/{chain.challenge.pk}/").json()["confidential_detail"]


def test_declined_undertaking_keeps_detail_hidden_and_cannot_be_resent(chain, outsider):
    chain.published()
    undertaking = services.undertaking_request(actor=outsider, challenge=chain.challenge, statement="保密")
    services.undertaking_decide(actor=chain.manager, undertaking=undertaking, accept=False)
    assert not outsider.has_perm("projects.view_confidential", chain.challenge)
    with pytest.raises(ValidationError):
        services.undertaking_request(actor=outsider, challenge=chain.challenge, statement="再次")
    assert Undertaking.objects.count() == 1


def test_center_partners_read_confidential_detail(chain):
    chain.published()
    for key in ("ent_director", "ent_chief", "uni_director", "uni_chief"):
        assert chain.people[key].has_perm("projects.view_confidential", chain.challenge), key


def test_bids_are_visible_to_team_and_reviewers_only(client, api, chain, outsider):
    chain.bid()
    bid_url = f"/projects/bids/{chain.the_bid.pk}/"
    client.force_login(outsider)
    assert client.get(bid_url).status_code == 404
    api.force_authenticate(outsider)
    assert api.get(f"/api/projects/bids/{chain.the_bid.pk}/").status_code == 404
    assert api.get("/api/projects/bids/").json()["count"] == 0
    client.force_login(chain.people["uni_chief"])  # panel member
    assert client.get(bid_url).status_code == 200


def test_projects_are_visible_to_participants_only(client, chain, outsider):
    chain.awarded()
    client.force_login(outsider)
    assert client.get(f"/projects/list/{chain.project.pk}/").status_code == 404
    client.force_login(chain.pi)
    assert client.get(f"/projects/list/{chain.project.pk}/").status_code == 200
    # seen but not allowed: the partner side may not start the PI's project
    client.force_login(chain.people["uni_chief"])
    response = client.post(f"/projects/list/{chain.project.pk}/start/")
    assert response.status_code == 403
    chain.project.refresh_from_db()
    assert chain.project.status == "planning"


def test_confidential_attachments_are_served_only_to_readers_of_the_detail(client, api, chain, outsider,
                                                                           settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    chain.published()
    client.force_login(chain.manager)
    url = f"/projects/challenges/{chain.challenge.pk}/attachments/"
    client.post(url, {"file": SimpleUploadedFile("配方.txt", b"NCM811 recipe"), "description": "配方",
                      "is_confidential": "on"})
    client.post(url, {"file": SimpleUploadedFile("brochure.txt", b"public"), "description": "公开说明"})
    secret, public = chain.challenge.attachments.order_by("id")
    assert secret.is_confidential and not public.is_confidential
    assert b"".join(client.get(f"/projects/attachments/{secret.pk}/").streaming_content) == b"NCM811 recipe"

    client.force_login(outsider)
    assert client.get(f"/projects/attachments/{secret.pk}/").status_code == 404
    assert client.get(f"/projects/attachments/{public.pk}/").status_code == 200
    assert client.post(url, {"file": SimpleUploadedFile("x.txt", b"x")}).status_code == 403
    assert chain.challenge.attachments.count() == 2  # the outsider's upload was refused
    api.force_authenticate(outsider)
    listed = api.get(f"/api/projects/challenges/{chain.challenge.pk}/attachments/").json()
    assert [a["id"] for a in listed] == [public.pk]
    refused = api.post(f"/api/projects/challenges/{chain.challenge.pk}/attachments/",
                       {"file": SimpleUploadedFile("y.txt", b"y")}, format="multipart")
    assert refused.status_code == 403 and chain.challenge.attachments.count() == 2


def test_a_center_member_who_bids_reads_neither_the_detail_nor_rival_bids(client, chain):
    from consortia.models import CenterMember, Side
    from projects.models import Call

    chain.bid()
    member_pi = member(chain.center.university, Role.RESEARCHER, username="member_pi")
    CenterMember.objects.create(center=chain.center, user=member_pi, side=Side.UNIVERSITY,
                                position=CenterMember.Position.MEMBER)
    # a plain member of the center (not a director or chief scientist) who bids is a rival bidder
    assert not member_pi.has_perm("projects.view_confidential", chain._fresh())
    own = services.bid_submit(actor=member_pi, call=Call.objects.get(), organisation=chain.center.university,
                              team_name="成员团队", approach="a", plan="p", budget=1000)
    client.force_login(member_pi)
    assert client.get(f"/projects/bids/{own.pk}/").status_code == 200
    assert client.get(f"/projects/bids/{chain.the_bid.pk}/").status_code == 404
    assert "李明团队" not in client.get(f"/projects/challenges/{chain.challenge.pk}/").content.decode()


def test_challenge_list_shows_confidential_detail_row_by_row_as_the_rule_says(api, chain, university):
    """The API list reads access for the whole page at once; each row must agree with the per-challenge rule
    (sides, center, accepted undertaking, awarded team)."""
    chain.awarded()
    other = Challenge.objects.get(pk=chain.challenge.pk)
    other.pk = None
    other.center = None
    other.partner = None
    other.save()
    reader = member(university, Role.RESEARCHER, username="reader")
    Undertaking.objects.create(challenge=other, user=reader, organisation=university, statement="s",
                               status=Undertaking.Status.ACCEPTED)
    people = [chain.manager, chain.people["uni_chief"], chain.pi, reader,
              member(OrganisationFactory(), Role.PROGRAM_OFFICER)]
    seen = set()
    for user in people:
        api.force_authenticate(user)
        rows = {row["id"]: row for row in api.get("/api/projects/challenges/").json()["results"]}
        for challenge in Challenge.objects.all():
            expected = user.has_perm("projects.view_confidential", challenge)
            assert ("confidential_detail" in rows[challenge.pk]) == expected, (user.username, challenge.pk)
            seen.add(expected)
    assert seen == {True, False}
