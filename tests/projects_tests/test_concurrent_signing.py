"""Two people signing at the same moment must not produce a double effect (needs PostgreSQL row locks)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from platform_core.models import AuditEvent, SignoffRequest
from platform_core.signoff import signoff_sign
from projects import services
from projects.models import Challenge, Topic
from tests.conftest import run_at_the_same_moment

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row-level locking is tested on PostgreSQL")


def _race(*signers, request_id):
    """Start every signer at once; return what each one got (None or the exception), by username."""
    errors = run_at_the_same_moment(
        *[lambda user=user: signoff_sign(actor=user, request_id=request_id) for user in signers]
    )
    return {user.username: error for user, error in zip(signers, errors, strict=True)}


def _topic_request(chain):
    chain.published()
    services.topic_save(actor=chain.manager, challenge=chain.challenge, title="t", objectives="o", deliverables="d")
    return services.topic_submit(actor=chain.manager, challenge=chain.challenge)


def test_both_sides_signing_at_once_take_effect_exactly_once(chain):
    request = _topic_request(chain)
    outcomes = _race(chain.people["ent_director"], chain.people["uni_director"], request_id=request.pk)
    assert all(result is None for result in outcomes.values()), outcomes
    request.refresh_from_db()
    assert request.status == SignoffRequest.Status.APPROVED
    assert Challenge.objects.get(pk=chain.challenge.pk).status == Challenge.Status.REFINED
    assert Topic.objects.get().status == Topic.Status.APPROVED
    assert AuditEvent.objects.filter(action="challenge.refined").count() == 1
    assert AuditEvent.objects.filter(action="signoff.approved").count() == 1


def test_two_signatories_of_the_same_side_only_one_counts(chain):
    request = _topic_request(chain)
    outcomes = _race(chain.people["ent_director"], chain.people["ent_chief"], request_id=request.pk)
    failures = [r for r in outcomes.values() if r is not None]
    assert len(failures) == 1 and isinstance(failures[0], ValidationError), outcomes
    request.refresh_from_db()
    assert request.signatures.count() == 1 and request.status == SignoffRequest.Status.PENDING
    assert Challenge.objects.get(pk=chain.challenge.pk).status == Challenge.Status.PUBLISHED


def test_simultaneous_last_signatures_on_an_award_create_one_project(chain):
    chain.bid()
    request = services.award_propose(actor=chain.manager, bid=chain.the_bid)
    outcomes = _race(chain.people["ent_chief"], chain.people["uni_chief"], request_id=request.pk)
    assert all(result is None for result in outcomes.values()), outcomes
    from projects.models import Project

    assert Project.objects.count() == 1
    assert AuditEvent.objects.filter(action="challenge.awarded").count() == 1
