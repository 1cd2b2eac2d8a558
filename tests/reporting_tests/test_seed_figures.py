"""Step 1 of issue 10: after `seed_scale`, the dashboard (which reads only the fact table) shows every
§1 figure exactly as the seed counts it with the apps' own selectors."""
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from reporting import selectors, services
from reporting.filters import ReportFilterForm
from reporting.models import DailyFigure
from talent.models import DualMentorAssignment, EnterpriseMentor
from tests.platform_tests.test_seed_scale import EXPECTED, Rollback, figures

SCALE = 0.01
pytestmark = pytest.mark.django_db


def dashboard_figures(params=None) -> dict:
    form = ReportFilterForm(params or {}, user=None)
    assert form.is_valid(), form.errors
    board = selectors.dashboard(selectors.Scope(None), form.filters())
    return {figure.code: figure for figure in board["headline"]}, board


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    seen = {}
    with django_db_blocker.unblock():
        try:
            with transaction.atomic():
                call_command("seed_scale", scale=SCALE, stdout=io.StringIO())
                run = services.figures_full_recompute(run_id=services.recompute_run_create().pk)
                seen["run"] = (run.status, run.progress, run.rows)
                seen["rows"] = DailyFigure.objects.count()
                seen["expected"] = figures()
                today = timezone.localdate()
                seen["in_force"] = EnterpriseMentor.objects.filter(
                    term_start__lte=today, term_end__gte=today).values("user").distinct().count()
                seen["in_training"] = DualMentorAssignment.objects.filter(
                    status=DualMentorAssignment.Status.IN_TRAINING).count()
                seen["board"], seen["sections"] = dashboard_figures()
                seen["before_2000"], _ = dashboard_figures({"year": 1999})
                # Recomputing the whole range again changes nothing (idempotent).
                first = DailyFigure.objects.order_by("day").values_list("day", flat=True).first()
                services.figures_recompute_range(start=first, end=today)
                seen["rows_again"] = DailyFigure.objects.count()
                seen["board_again"], _ = dashboard_figures()
                raise Rollback
        except Rollback:
            pass
    return seen


def test_the_full_recompute_finishes(seeded):
    status, progress, rows = seeded["run"]
    assert (status, progress) == ("done", 100)
    assert rows == seeded["rows"] > 0


def test_headline_figures_equal_the_seeds(seeded):
    board, expected = seeded["board"], seeded["expected"]
    assert expected == EXPECTED
    centers = board["centers.signed"]
    assert centers.value == expected["center_enterprises"]
    assert dict(centers.beside) == {"世界500强": expected["fortune_global_500"],
                                    "中国500强": expected["china_top_500"]}
    assert board["consortia"].value == expected["consortia"]
    assert board["challenge.solved"].value == expected["solved"]
    assert board["mentor.appointed"].value == expected["mentors"]
    assert board["mentor.appointed"].beside[0][1] == seeded["in_force"]
    assert board["student.graduated"].value == expected["students_trained"]
    assert board["student.graduated"].beside[0][1] == seeded["in_training"]
    assert board["broker"].value == expected["brokers"]
    sifted = board["achievement.screened"]
    assert sifted.value == expected["pushed"]
    assert [value for _label, value in sifted.beside] == [expected["screened"], expected["achievements"]]
    assert board["fund.seed_angel"].value == expected["seed_angel_funds"]
    assert board["fund.seed_angel"].beside[0][1] == expected["financial_institutions"]
    assert board["patent.transferred"].value == expected["patents_transferred"]
    assert board["company.incubated"].value == expected["companies"]
    assert board["hire.effective"].value == expected["shared_talent"]


def test_a_year_without_data_is_zeros(seeded):
    assert {code: figure.value for code, figure in seeded["before_2000"].items()} == {
        code: 0 for code in seeded["board"]}


def test_recomputing_a_range_again_changes_nothing(seeded):
    assert seeded["rows_again"] == seeded["rows"]
    assert {c: f.value for c, f in seeded["board_again"].items()} == {c: f.value for c, f in seeded["board"].items()}


def test_funnels_only_narrow(seeded):
    for funnel in seeded["sections"]["funnels"].values():
        counts = [n for _label, n in funnel]
        assert counts == sorted(counts, reverse=True) and counts[0] > 0
