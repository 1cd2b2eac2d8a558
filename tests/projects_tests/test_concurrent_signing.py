"""People signing at the same moment must not produce a double effect, nor lose one (needs PostgreSQL row locks).

Once its signature is written, each signer waits inside its transaction for the others
(tests/concurrency_tests/race.py): without the row lock on the request (platform_core.signoff._lock_pending)
they all look for the other sides' signatures at once, none sees one, and the decision never takes effect,
every run; with the lock they sign one after the other.
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from platform_core import signoff
from platform_core.models import AuditEvent, SignoffRequest
from platform_core.signoff import signoff_sign
from projects import services
from projects.models import Challenge, Topic
from tests.concurrency_tests.race import meet_after
from tests.conftest import run_at_the_same_moment

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row-level locking is tested on PostgreSQL")


def _race(*signers, request_id, monkeypatch):
    """Start every signer at once; return what each one got (None or the exception), by username."""
    meet_after(monkeypatch, signoff, "_create_signature", racers=len(signers))
    errors = run_at_the_same_moment(
        *[lambda user=user: signoff_sign(actor=user, request_id=request_id) for user in signers]
    )
    return {user.username: error for user, error in zip(signers, errors, strict=True)}


def _topic_request(chain):
    chain.published()
    services.topic_save(actor=chain.manager, challenge=chain.challenge, title="t", objectives="o", deliverables="d")
    return services.topic_submit(actor=chain.manager, challenge=chain.challenge)


def test_both_sides_signing_at_once_take_effect_exactly_once(chain, monkeypatch):
    request = _topic_request(chain)
    outcomes = _race(chain.people["ent_director"], chain.people["uni_director"], request_id=request.pk,
                     monkeypatch=monkeypatch)
    assert all(result is None for result in outcomes.values()), outcomes
    request.refresh_from_db()
    assert request.status == SignoffRequest.Status.APPROVED
    assert Challenge.objects.get(pk=chain.challenge.pk).status == Challenge.Status.REFINED
    assert Topic.objects.get().status == Topic.Status.APPROVED
    assert AuditEvent.objects.filter(action="challenge.refined").count() == 1
    assert AuditEvent.objects.filter(action="signoff.approved").count() == 1


def test_two_signatories_of_the_same_side_only_one_counts(chain, monkeypatch):
    request = _topic_request(chain)
    outcomes = _race(chain.people["ent_director"], chain.people["ent_chief"], chain.people["uni_director"],
                     request_id=request.pk, monkeypatch=monkeypatch)
    failures = [r for r in outcomes.values() if r is not None]
    assert len(failures) == 1 and isinstance(failures[0], ValidationError), outcomes
    assert outcomes[chain.people["uni_director"].username] is None, outcomes
    request.refresh_from_db()
    assert request.signatures.count() == 2 and request.status == SignoffRequest.Status.APPROVED
    assert {s.party.organisation_id for s in request.signatures.all()} == {
        chain.center.enterprise_id, chain.center.university_id}
    assert Challenge.objects.get(pk=chain.challenge.pk).status == Challenge.Status.REFINED
    assert AuditEvent.objects.filter(action="challenge.refined").count() == 1


def test_simultaneous_last_signatures_on_an_award_create_one_project(chain, monkeypatch):
    chain.bid()
    request = services.award_propose(actor=chain.manager, bid=chain.the_bid)
    outcomes = _race(chain.people["ent_chief"], chain.people["uni_chief"], request_id=request.pk,
                     monkeypatch=monkeypatch)
    assert all(result is None for result in outcomes.values()), outcomes
    from projects.models import Project

    assert Project.objects.count() == 1
    assert AuditEvent.objects.filter(action="challenge.awarded").count() == 1
