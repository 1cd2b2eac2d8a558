"""`manage.py seed_scale` at a tiny scale: the §1 figures as the project's selectors count them,
every state of the chain, nothing sent, reproducible, and clear refusals of bad arguments.

Each run happens inside a transaction that is rolled back, so the module leaves the test
database as it found it.
"""
import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from consortia.models import Consortium, JointCenter
from consortia.selectors import center_and_consortium_counts
from funds import selectors as funds_selectors
from platform_core.models import Notification, Organisation
from projects.models import Challenge, Mode
from projects.selectors import challenge_funnel
from talent.selectors import talent_counts
from transfer import selectors as transfer_selectors
from transfer.models import Achievement, Patent

SCALE = 0.01
# The seed's figures times 0.01, rounded half up; consortia keep one of each kind (structure).
EXPECTED = {
    "center_enterprises": 2, "fortune_global_500": 1, "china_top_500": 1, "centers_active": 2, "consortia": 3,
    "solved": 25, "mentors": 10, "students_trained": 20, "brokers": 1, "achievements": 300, "screened": 14,
    "pushed": 14, "patents": 200, "patents_transferred": 14, "companies": 2, "seed_angel_funds": 2,
    "financial_institutions": 3, "shared_talent": 3, "enterprises": 20,
}


class Rollback(Exception):
    pass


def figures() -> dict:
    signed = Organisation.objects.filter(
        pk__in=JointCenter.objects.exclude(agreement_signed_on=None).values("enterprise_id"))
    centers = center_and_consortium_counts()
    talent = talent_counts()
    pool = transfer_selectors.pool_summary()
    return {
        "center_enterprises": signed.count(),
        "fortune_global_500": signed.filter(is_fortune_global_500=True).count(),
        "china_top_500": signed.filter(is_china_top_500=True).count(),
        "centers_active": centers["centers"], "consortia": centers["consortia"],
        "solved": challenge_funnel().get(Challenge.Status.SOLVED, 0),
        "mentors": talent["enterprise_mentors_appointed"], "students_trained": talent["students_trained"],
        "brokers": transfer_selectors.count_brokers(), "achievements": pool["total"], "screened": pool["screened"],
        "pushed": transfer_selectors.count_pushed_achievements(), "patents": Patent.objects.count(),
        "patents_transferred": transfer_selectors.count_patents_transferred_or_licensed(),
        "companies": transfer_selectors.count_incubated_companies(),
        "seed_angel_funds": funds_selectors.count_funds_brought_in(kinds=funds_selectors.SEED_AND_ANGEL),
        "financial_institutions": funds_selectors.count_financial_institutions(),
        "shared_talent": talent["shared_talent_in_effect"],
        "enterprises": Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE).count(),
    }


def seed(scale: float, seed_value: int | None = None) -> dict:
    """Run the command, look at what it made, roll it all back."""
    out = io.StringIO()
    seen = {}
    options = {"scale": scale, "stdout": out}
    if seed_value is not None:
        options["seed"] = seed_value
    try:
        with transaction.atomic():
            callbacks = len(connection.run_on_commit)
            outbox = len(mail.outbox)
            call_command("seed_scale", **options)
            seen["figures"] = figures()
            seen["states"] = set(Challenge.objects.values_list("status", flat=True))
            seen["modes"] = set(Challenge.objects.values_list("mode", flat=True))
            seen["consortium_kinds"] = set(Consortium.objects.values_list("kind", flat=True))
            seen["notifications"] = Notification.objects.count()
            seen["emails"] = len(mail.outbox) - outbox
            seen["deferred"] = len(connection.run_on_commit) - callbacks
            seen["challenge_titles"] = sorted(Challenge.objects.values_list("title_zh", flat=True))
            seen["achievement_titles"] = sorted(Achievement.objects.values_list("title", flat=True))
            seen["organisations"] = sorted(Organisation.objects.values_list("name_zh", flat=True))
            with pytest.raises(CommandError) as again:
                call_command("seed_scale", scale=scale, stdout=io.StringIO())
            seen["again"] = str(again.value)
            raise Rollback
    except Rollback:
        pass
    seen["output"] = out.getvalue()
    return seen


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return seed(SCALE)


def test_figures_are_the_seeds_times_the_scale(seeded):
    assert seeded["figures"] == EXPECTED


def test_every_challenge_state_mode_and_consortium_kind_is_present(seeded):
    assert seeded["states"] == set(Challenge.Status.values)
    assert seeded["modes"] == set(Mode.values)
    assert seeded["consortium_kinds"] == set(Consortium.Kind.values)


def test_nothing_is_sent_or_deferred(seeded):
    assert seeded["notifications"] == 0
    assert seeded["emails"] == 0
    # No e-mail and no matching refresh waits for the commit either.
    assert seeded["deferred"] == 0


def test_prints_the_figures_and_refuses_a_second_run(seeded):
    output = seeded["output"]
    assert "problems solved (final joint evaluation approved)" in output
    assert "differ from the plan" not in output
    assert "seed_scale finished" in output
    assert "already present" in seeded["again"]


def test_texts_are_chinese_not_placeholders(seeded):
    titles = seeded["challenge_titles"] + seeded["achievement_titles"]
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in title) for title in titles)
    assert not any("lorem" in title.lower() for title in titles)


@pytest.mark.django_db
def test_same_seed_same_data(seeded):
    first, second = seed(0.001, 7), seed(0.001, 7)
    assert first["figures"] == second["figures"]
    assert first["challenge_titles"] == second["challenge_titles"]
    assert first["achievement_titles"] == second["achievement_titles"]
    assert first["organisations"] == second["organisations"]
    # Another seed, other data (the default seed made `seeded`).
    assert first["organisations"] != seeded["organisations"]


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["0", "-1", "abc", "nan"])
def test_bad_scale_is_refused_clearly(value):
    with pytest.raises(CommandError, match="must be a number greater than 0"):
        call_command("seed_scale", "--scale", value, stdout=io.StringIO())
    assert not Organisation.objects.exists()
