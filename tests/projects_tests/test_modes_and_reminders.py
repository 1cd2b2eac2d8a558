"""Seed 003's three modes share one path; milestone reminders flag overdue work once a day."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from platform_core.models import Notification, Organisation, Role
from platform_core.notifications import render_notifications
from projects import services, tasks
from projects.models import Challenge, Milestone, Mode
from tests.factories import OrganisationFactory, member

from .factories import CRITERIA, challenge_data, future, sign_all

pytestmark = pytest.mark.django_db


def _run_to_award(poster_admin, poster, partner_admin, partner, bidder, bidder_org, **extra):
    challenge = services.challenge_create(actor=poster_admin, poster=poster, partner=partner,
                                          **challenge_data(**extra))
    services.challenge_publish(actor=poster_admin, challenge=challenge)
    services.topic_save(actor=partner_admin, challenge=challenge, title="t", objectives="o", deliverables="d")
    sign_all(services.topic_submit(actor=partner_admin, challenge=challenge))
    call = services.call_open(actor=poster_admin, challenge=Challenge.objects.get(pk=challenge.pk),
                              closes_on=future(20), criteria=CRITERIA, panel=[poster_admin, partner_admin])
    bid = services.bid_submit(actor=bidder, call=call, organisation=bidder_org, team_name="团队", approach="a",
                              plan="p", budget=500000)
    sign_all(services.award_propose(actor=poster_admin, bid=bid))
    return Challenge.objects.get(pk=challenge.pk)


def test_government_led_call_with_subsidy_awarded_to_an_enterprise(enterprise, university, university_admin):
    government = OrganisationFactory(kind=Organisation.Kind.GOVERNMENT, name_zh="省科技厅")
    officer = member(government, Role.ORG_ADMIN, Role.PROGRAM_OFFICER, username="officer")
    other_enterprise = OrganisationFactory(kind=Organisation.Kind.ENTERPRISE)
    bidder = member(other_enterprise, Role.RD_MANAGER, username="bidder")
    challenge = _run_to_award(officer, government, university_admin, university, bidder, other_enterprise,
                              subsidy=Decimal("5000000"), terms="省财政补助 500 万元")
    assert challenge.mode == Mode.GOVERNMENT_LED and challenge.subsidy == Decimal("5000000")
    assert challenge.status == Challenge.Status.AWARDED and challenge.project.performer == other_enterprise


def test_university_led_direction_joined_by_an_enterprise(enterprise, university, university_admin,
                                                         enterprise_admin):
    # The bidder is not the enterprise's panel member: a panel member who bids is recused (projects.conflicts).
    bidder = member(enterprise, Role.RD_MANAGER, username="enterprise_bidder")
    challenge = _run_to_award(university_admin, university, enterprise_admin, enterprise, bidder, enterprise)
    assert challenge.mode == Mode.UNIVERSITY_LED
    assert challenge.project.performer == enterprise and challenge.project.sponsor == university


def test_mode_must_fit_the_poster(enterprise, enterprise_admin):
    with pytest.raises(ValidationError):
        services.challenge_create(actor=enterprise_admin, poster=enterprise, mode=Mode.GOVERNMENT_LED,
                                  **challenge_data())
    assert not Challenge.objects.exists()


def test_reminders_flag_overdue_and_due_soon_once_a_day(chain):
    chain.in_progress()
    soon = services.milestone_add(actor=chain.pi, project=chain.project, title="三天后到期", deliverables="d",
                                  due_on=timezone.localdate() + timedelta(days=3))
    Milestone.objects.filter(pk=chain.milestone.pk).update(due_on=timezone.localdate() - timedelta(days=2))
    assert tasks.remind_milestones.delay().get() == 2
    assert tasks.remind_milestones.delay().get() == 0  # idempotent for the day
    titles = [n.rendered_title for n in render_notifications(
        Notification.objects.filter(recipient=chain.pi, event="projects.milestone_due"))]
    assert any("逾期" in t for t in titles)
    assert any(soon.title in t for t in titles)
    assert Notification.objects.filter(recipient=chain.manager, event="projects.milestone_due").exists()
