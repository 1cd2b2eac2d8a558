"""Property (issue 10 §6): on random records and random filter combinations, every aggregate the
dashboard reads from the fact table equals a direct count of the raw records."""
import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from platform_core.models import Organisation
from projects.models import Challenge, Mode
from reporting import selectors, services
from reporting.filters import ReportFilterForm
from talent.models import EnterpriseMentor
from tests.factories import IndustryChainFactory, IndustryNodeFactory, OrganisationFactory, RegionFactory, UserFactory
from transfer.models import Achievement, Deal

pytestmark = pytest.mark.django_db
BASE = datetime.date(2024, 1, 1)
STATES = Challenge.Status.values


class Rollback(Exception):
    pass


@pytest.fixture
def world(db):
    provinces = [RegionFactory(code=f"{61 + i}0000", name_zh=f"省{i}", parent=None) for i in range(2)]
    cities = [RegionFactory(code=f"{61 + i}0100", name_zh=f"市{i}", parent=provinces[i]) for i in range(2)]
    chains = [IndustryChainFactory(code=f"chain-{i}") for i in range(2)]
    nodes = [IndustryNodeFactory(chain=chains[i // 2], code=f"node-{i}") for i in range(4)]
    regions = [provinces[0], cities[0], cities[1]]
    enterprises = [OrganisationFactory(kind="enterprise", name_zh=f"企业{i}", region=regions[i]) for i in range(3)]
    universities = [OrganisationFactory(kind="university", name_zh=f"大学{i}", region=regions[2 - i]) for i in range(2)]
    users = [UserFactory(username=f"p{i}") for i in range(4)]
    return {"provinces": provinces, "cities": cities, "chains": chains, "nodes": nodes,
            "enterprises": enterprises, "universities": universities, "orgs": enterprises + universities,
            "users": users}


def at(offset: int) -> datetime.date:
    return BASE + datetime.timedelta(days=offset)


challenges = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 3), st.sampled_from(Mode.values),
                                st.sampled_from(STATES), st.integers(0, 700), st.integers(0, 1)), max_size=8)
achievements = st.lists(st.tuples(st.integers(0, 1), st.integers(0, 3), st.sampled_from(Achievement.Status.values),
                                  st.integers(1, 9), st.integers(0, 700)), max_size=8)
deals = st.lists(st.tuples(st.integers(0, 7), st.integers(0, 900_000), st.integers(0, 700)), max_size=4)
mentors = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2), st.integers(0, 700), st.integers(30, 700)),
                   max_size=5)
filters = st.fixed_dictionaries({
    "period": st.one_of(st.none(), st.tuples(st.integers(0, 700), st.integers(0, 400)),
                        st.tuples(st.sampled_from([2024, 2025]), st.integers(0, 4))),
    "region": st.integers(0, 4), "chain": st.integers(0, 6), "organisation": st.integers(0, 5),
    "mode": st.sampled_from(["", *Mode.values]),
})


def make_records(world, challenge_rows, achievement_rows, deal_rows, mentor_rows):
    for index, (poster, node, mode, status, offset, partnered) in enumerate(challenge_rows):
        challenge = Challenge.objects.create(
            poster=world["enterprises"][poster], partner=world["universities"][0] if partnered else None,
            posted_by=world["users"][0], title_zh=f"难题{index}", summary_zh="摘要", mode=mode, status=status,
            industry_node=world["nodes"][node], deadline=at(800))
        Challenge.objects.filter(pk=challenge.pk).update(created_at=timezone.make_aware(
            datetime.datetime.combine(at(offset), datetime.time(10))))
    made = []
    for index, (owner, node, status, trl, offset) in enumerate(achievement_rows):
        achievement = Achievement.objects.create(
            title=f"成果{index}", owner=world["universities"][owner], industry_node=world["nodes"][node], trl=trl,
            abstract="摘要", status=status, screening_reason="" if status == "stock" else "易转化")
        Achievement.objects.filter(pk=achievement.pk).update(created_at=timezone.make_aware(
            datetime.datetime.combine(at(offset), datetime.time(10))))
        made.append(achievement)
    for achievement_index, price, offset in deal_rows:
        if made:
            Deal.objects.create(achievement=made[achievement_index % len(made)], kind=Deal.Kind.ASSIGNMENT,
                                counterparty=world["enterprises"][0], price=Decimal(price), signed_on=at(offset))
    for user, enterprise, offset, length in mentor_rows:
        EnterpriseMentor.objects.get_or_create(
            user=world["users"][user], university=world["universities"][0], term_start=at(offset),
            defaults={"organisation": world["enterprises"][enterprise], "term_end": at(offset + length)})


def form_data(world, chosen) -> dict:
    data = {}
    period = chosen["period"]
    if period is not None and period[0] >= 2024:
        data["year"] = period[0]
        if period[1]:
            data["quarter"] = period[1]
    elif period is not None:
        data["start"], data["end"] = at(period[0]).isoformat(), at(period[0] + period[1]).isoformat()
    region = chosen["region"]
    if region in (1, 2):
        data["province"] = world["provinces"][region - 1].pk
    elif region in (3, 4):
        data["city"] = world["cities"][region - 3].pk
    chain = chosen["chain"]
    if chain in (1, 2):
        data["chain"] = world["chains"][chain - 1].pk
    elif chain >= 3:
        data["node"] = world["nodes"][chain - 3].pk
    if chosen["organisation"]:
        data["organisation"] = world["orgs"][chosen["organisation"] - 1].pk
    if chosen["mode"]:
        data["mode"] = chosen["mode"]
    return data


def in_region(prefix: str, f) -> Q:
    """The organisation's region (or its parent's: a city is in its province)."""
    if f.city:
        return Q(**{f"{prefix}region": f.city})
    if f.province:
        return Q(**{f"{prefix}region": f.province}) | Q(**{f"{prefix}region__parent": f.province})
    return Q()


def on_chain(f, field="industry_node") -> Q:
    if f.node:
        return Q(**{field: f.node})
    if f.chain:
        return Q(**{f"{field}__chain": f.chain})
    return Q()


def in_period(field: str, f) -> Q:
    q = Q(**{f"{field}__lte": f.end})
    return q & Q(**{f"{field}__gte": f.start}) if f.start else q


def direct(f) -> dict:
    """The figures counted straight from the records, independently of reporting/sources.py."""
    org = f.organisation
    challenges = Challenge.objects.filter(in_period("created_at__date", f), in_region("poster__", f), on_chain(f))
    if f.mode:
        challenges = challenges.filter(mode=f.mode)
    if org:
        challenges = challenges.filter(Q(poster=org) | Q(partner=org))
    no_mode = bool(f.mode)  # achievements, deals and mentors have no collaboration mode
    achievements = Achievement.objects.filter(in_period("created_at__date", f), in_region("owner__", f), on_chain(f))
    deals = Deal.objects.filter(in_period("signed_on", f), in_region("achievement__owner__", f),
                                on_chain(f, "achievement__industry_node"))
    mentors = EnterpriseMentor.objects.filter(in_period("term_start", f), in_region("organisation__", f))
    if org:
        achievements = achievements.filter(owner=org)
        deals = deals.filter(Q(achievement__owner=org) | Q(counterparty=org))
        mentors = mentors.filter(Q(organisation=org) | Q(university=org))
    if no_mode or f.chain or f.node:
        mentors = mentors.none()
    if no_mode:
        achievements, deals = achievements.none(), deals.none()
    in_force = EnterpriseMentor.objects.filter(pk__in=mentors.model.objects.filter(
        in_region("organisation__", f), term_start__lte=f.end, term_end__gte=f.end).values("pk"))
    if org:
        in_force = in_force.filter(Q(organisation=org) | Q(university=org))
    if no_mode or f.chain or f.node:
        in_force = in_force.none()
    return {
        "posted": challenges.count(),
        "states": {state: challenges.filter(status=state).count() for state in STATES},
        "published": challenges.exclude(status="draft").count(),
        "achievements": achievements.count(),
        "screened_status": achievements.exclude(status="stock").count(),
        "trl": [achievements.filter(trl__gte=low, trl__lte=high).count() for low, high in ((1, 3), (4, 6), (7, 9))],
        "income": deals.aggregate(s=Sum("price"))["s"] or Decimal(0),
        "mentors": mentors.values("user").distinct().count(),
        "in_force": in_force.values("user").distinct().count(),
    }


def aggregated(board) -> dict:
    by_code = {f.code: f.value for f in board["innovation"] + board["capital"] + board["talent"]}
    challenge_funnel = dict(board["funnels"]["challenge"])
    achievement_funnel = board["funnels"]["achievement"]
    return {
        "posted": board["funnels"]["challenge"][0][1],
        "states": {state: by_code[f"challenge.state.{state}"] for state in STATES},
        "published": list(challenge_funnel.values())[1],
        "achievements": achievement_funnel[0][1],
        "trl": [n for _label, n in board["trl"]["achievements"]],
        "income": by_code["deal.income"],
        "mentors": by_code["mentor.appointed"],
        "in_force": by_code["mentor.in_force"],
    }


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                    HealthCheck.too_slow])
@given(challenge_rows=challenges, achievement_rows=achievements, deal_rows=deals, mentor_rows=mentors,
       chosen=st.lists(filters, min_size=3, max_size=3))
def test_aggregates_equal_direct_counts(world, challenge_rows, achievement_rows, deal_rows, mentor_rows, chosen):
    try:
        with transaction.atomic():
            make_records(world, challenge_rows, achievement_rows, deal_rows, mentor_rows)
            services.figures_full_recompute(run_id=services.recompute_run_create().pk)
            for choice in chosen:
                form = ReportFilterForm(form_data(world, choice), user=None)
                assert form.is_valid(), form.errors
                f = form.filters()
                expected = direct(f)
                got = aggregated(selectors.dashboard(selectors.Scope(None), f))
                expected.pop("screened_status")
                assert got == expected, (choice, f)
            raise Rollback
    except Rollback:
        pass


def test_incremental_refresh_follows_changes(world):
    """Only the touched days are recomputed, and the figures follow an edit and a delete."""
    services.figures_refresh()  # no earlier run: the whole table is built
    make_records(world, [(0, 0, "enterprise_led", "published", 10, 0), (1, 1, "enterprise_led", "draft", 20, 0)], [],
                 [], [])
    run = services.figures_refresh()
    assert run.kind == "incremental" and run.days == 2

    def posted():
        form = ReportFilterForm({}, user=None)
        assert form.is_valid()
        return selectors.dashboard(selectors.Scope(None), form.filters())["funnels"]["challenge"][:2]

    assert [n for _label, n in posted()] == [2, 1]
    draft = Challenge.objects.get(status="draft")
    draft.status = "published"
    draft.save()
    assert services.figures_refresh().days == 1
    assert [n for _label, n in posted()] == [2, 2]
    Challenge.objects.get(pk=draft.pk).delete()
    services.figures_refresh()
    assert [n for _label, n in posted()] == [1, 1]
    assert Organisation.objects.count() == 5
