"""Every list of the challenge → project chain costs the same number of queries with 20 rows as with 200.

Rows are written directly (the services are exercised elsewhere) and each carries what a
page or the API shows with it: its own poster and center, a call with a panel from both
sides, a bid with its team and scores, a project with milestones, TRL records and
evaluations, an undertaking.

Lists show 20 rows a page, so each is read with 5 rows and with 30 (a part page against a
full one): a query per row shows as 15 more, where 20 against 200 rows would compare two
full pages.
"""
from datetime import timedelta
from itertools import count

import pytest
from django.utils import timezone

from consortia.models import CenterMember, Side
from platform_core.models import Organisation, Role
from projects.models import (
    Bid, BidMember, BidScore, Call, Challenge, Evaluation, Milestone, PanelMember, Project, Topic, TrlRecord,
    Undertaking,
)
from tests.consortia_tests.factories import JointCenterFactory
from tests.factories import IndustryNodeFactory, OrganisationFactory, TechFieldFactory, member
from tests.querycount import assert_flat_queries

from .factories import CRITERIA, future

pytestmark = pytest.mark.django_db
SERIAL = count()
SIZES = {"small": 5, "big": 30}


class World:
    """A university whose people meet challenges posted by ever more enterprises.

    `tto` manages the university (the partner side of every challenge, the performer of
    every project: sees the most); `pi` is on every bid's team and has an accepted
    undertaking on every challenge.
    """

    def __init__(self):
        self.university = OrganisationFactory(kind=Organisation.Kind.UNIVERSITY)
        self.tto = member(self.university, Role.ORG_ADMIN, Role.TTO_STAFF, username="tto")
        self.pi = member(self.university, Role.RESEARCHER, username="pi")

    def challenges(self, n, *, status=Challenge.Status.PUBLISHED, center=None, poster=None):
        rows = []
        for _ in range(n):
            i = next(SERIAL)
            enterprise = poster or OrganisationFactory(kind=Organisation.Kind.ENTERPRISE)
            manager = member(enterprise, Role.RD_MANAGER)
            row_center = center or JointCenterFactory(enterprise=enterprise, university=self.university)
            challenge = Challenge.objects.create(
                poster=enterprise, partner=self.university, center=row_center, posted_by=manager,
                title_zh=f"难题{i}", summary_zh="摘要", confidential_detail="保密", industry_node=IndustryNodeFactory(),
                field=TechFieldFactory(), deadline=future(90), status=status)
            Undertaking.objects.create(challenge=challenge, user=self.pi, organisation=self.university,
                                       statement="承诺", status=Undertaking.Status.ACCEPTED)
            rows.append(challenge)
        return rows

    def calls(self, n, **kwargs):
        """Open calls, each with a panel from both sides and a bid whose team includes `pi`."""
        bids = []
        for challenge in self.challenges(n, status=Challenge.Status.OPEN, **kwargs):
            Topic.objects.create(challenge=challenge, title="课题", objectives="o", deliverables="d",
                                 status=Topic.Status.APPROVED, created_by=challenge.posted_by)
            call = Call.objects.create(challenge=challenge, criteria=CRITERIA, closes_on=future(30))
            panel = [PanelMember.objects.create(call=call, user=challenge.posted_by, organisation=challenge.poster),
                     PanelMember.objects.create(call=call, user=member(self.university, Role.RESEARCHER),
                                                organisation=self.university)]
            bids.append(self.bid(call, panel))
        return bids

    def bid(self, call, panel=()):
        lead = member(self.university, Role.RESEARCHER)
        bid = Bid.objects.create(call=call, organisation=self.university, lead=lead, team_name=f"团队{lead.pk}",
                                 approach="a", plan="p", budget=100000)
        BidMember.objects.create(bid=bid, user=self.pi)
        BidMember.objects.create(bid=bid, user=member(self.university, Role.STUDENT), role=BidMember.Role.STUDENT)
        for panelist in panel:
            BidScore.objects.create(bid=bid, panelist=panelist, scores={"技术路线": 80, "团队实力": 70}, total=76)
        return bid

    def projects(self, n, **kwargs):
        """Projects in progress, each with milestones (one due soon), a TRL record and an evaluation."""
        projects = []
        for bid in self.calls(n, **kwargs):
            challenge = bid.call.challenge
            Challenge.objects.filter(pk=challenge.pk).update(status=Challenge.Status.IN_PROGRESS)
            project = Project.objects.create(
                challenge=challenge, bid=bid, title=f"项目{bid.pk}", sponsor=challenge.poster,
                performer=self.university, lead=bid.lead, budget=100000, start_trl=3, current_trl=4, target_trl=6,
                status=Project.Status.IN_PROGRESS)
            for days in (5, 60):
                Milestone.objects.create(project=project, title="里程碑", deliverables="d",
                                         due_on=timezone.localdate() + timedelta(days=days), tranche=1000)
            TrlRecord.objects.create(project=project, trl=4, evidence="e", recorded_by=bid.lead)
            Evaluation.objects.create(project=project, organisation=self.university, evaluator=self.tto,
                                      technical_score=80, application_score=80, management_score=80)
            projects.append(project)
        return projects


@pytest.fixture
def world(db):
    return World()


@pytest.mark.parametrize("url", ["/projects/", "/projects/?status=published", "/api/projects/challenges/"])
def test_challenge_lists(client, world, url):
    client.force_login(world.tto)
    assert_flat_queries(grow=world.challenges, fetch=lambda: client.get(url), **SIZES)


def test_challenge_lists_with_calls_and_projects(client, world):
    """The API shows each challenge's topic, call with its panel, and project."""
    client.force_login(world.tto)
    assert_flat_queries(grow=world.projects, fetch=lambda: client.get("/api/projects/challenges/"), **SIZES)


@pytest.mark.parametrize("username", ["tto", "pi"])
@pytest.mark.parametrize("url", ["/projects/list/", "/api/projects/projects/", "/api/projects/bids/",
                                 "/projects/workbench/", "/"])
def test_project_and_bid_lists(client, world, url, username):
    client.force_login(getattr(world, username))
    assert_flat_queries(grow=world.projects, fetch=lambda: client.get(url), **SIZES)


@pytest.mark.parametrize("url", ["/projects/workbench/", "/"])
def test_open_calls_of_a_researcher(client, world, url):
    client.force_login(world.pi)
    assert_flat_queries(grow=world.calls, fetch=lambda: client.get(url), **SIZES)


def test_undertaking_list(client, world):
    client.force_login(world.pi)
    assert_flat_queries(grow=world.challenges, fetch=lambda: client.get("/api/projects/undertakings/"), **SIZES)


@pytest.mark.parametrize("page", ["/projects/workbench/", "/", "/projects/centers/{center}/"])
def test_pages_of_the_posting_side(client, world, page):
    """An R&D manager and center director of one enterprise posting many challenges: bids to review,
    undertakings to decide, the center's chain."""
    enterprise = OrganisationFactory(kind=Organisation.Kind.ENTERPRISE)
    manager = member(enterprise, Role.RD_MANAGER, Role.ORG_ADMIN, username="rd")
    center = JointCenterFactory(enterprise=enterprise, university=world.university)
    CenterMember.objects.create(center=center, user=manager, side=Side.ENTERPRISE,
                                position=CenterMember.Position.DIRECTOR)
    client.force_login(manager)
    assert_flat_queries(grow=lambda n: world.projects(n, center=center, poster=enterprise),
                        fetch=lambda: client.get(page.format(center=center.pk)), **SIZES)


def test_bids_on_a_challenge_page(client, world):
    (bid,) = world.calls(1)
    call, poster_manager = bid.call, bid.call.challenge.posted_by
    client.force_login(poster_manager)
    assert_flat_queries(grow=lambda n: [world.bid(call, call.panel.all()) for _ in range(n)],
                        fetch=lambda: client.get(f"/projects/challenges/{call.challenge_id}/"), **SIZES)


def test_milestones_on_a_project_page(client, world):
    (project,) = world.projects(1)
    client.force_login(project.lead)

    def grow(n):
        Milestone.objects.bulk_create([Milestone(project=project, title="m", deliverables="d", due_on=future(10))
                                       for _ in range(n)])

    assert_flat_queries(grow=grow, fetch=lambda: client.get(f"/projects/list/{project.pk}/"), **SIZES)
