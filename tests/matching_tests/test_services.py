"""Computing, storing and deciding matches (services), with the lexical engine."""
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError

from matching import indexes, services
from matching.models import Direction, IndexState, Match, MatchFeedback
from platform_core.models import Notification
from platform_core.notifications import render_notifications
from projects.models import Challenge
from transfer.models import Achievement, Push

pytestmark = pytest.mark.django_db


def ranked(direction, source):
    ct = ContentType.objects.get_for_model(type(source))
    return list(Match.objects.filter(direction=direction, source_type=ct, source_id=source.pk).order_by("rank"))


def test_every_direction_ranks_the_fitting_candidate_first_and_explains_why(scene):
    scene.compute()
    [best, *_] = ranked(Direction.CHALLENGE_EXPERT, scene.challenge)
    assert best.candidate == scene.li
    assert "钙钛矿" in best.explanation["text"]["shared_terms"]
    assert best.explanation["node"] == {"score": 1.0, "relation": "same_node", "label": "光伏组件"}
    assert {"kind": "achievement", "title": "钙钛矿叠层太阳电池封装技术"} in best.explanation["evidence"]

    [best, *rest] = ranked(Direction.CHALLENGE_ACHIEVEMENT, scene.challenge)
    assert best.candidate == scene.pv_achievement
    assert best.explanation["trl"]["relation"] == "fit" and best.explanation["trl"]["level"] == 5
    assert all(best.score > other.score for other in rest)

    [best, *_] = ranked(Direction.ACHIEVEMENT_ENTERPRISE, scene.pv_achievement)
    assert best.candidate == scene.pv_company
    assert best.explanation["field"]["relation"] == "same_field"
    [best, *_] = ranked(Direction.ACHIEVEMENT_ENTERPRISE, scene.chip_achievement)
    assert best.candidate == scene.chip_company

    talent_matches = ranked(Direction.TALENT_ENTERPRISE, scene.talent)
    assert talent_matches[0].candidate == scene.pv_company
    assert scene.center in [m.candidate for m in talent_matches]


def test_shared_terms_are_readable():
    assert services.readable_terms(["转换效率", "转换", "效率", "件", "钙钛矿"]) == ["转换效率", "钙钛矿"]
    assert services.readable_terms(["电池", "电池组", "稳定性"]) == ["电池组", "稳定性"]


def test_the_same_task_twice_makes_no_duplicates(scene):
    scene.compute()
    before = sorted(Match.objects.values_list("direction", "source_id", "candidate_id", "score"))
    services.challenge_changed(challenge_id=scene.challenge.pk)
    services.challenge_changed(challenge_id=scene.challenge.pk)
    services.achievement_changed(achievement_id=scene.pv_achievement.pk)
    scene.compute()
    assert sorted(Match.objects.values_list("direction", "source_id", "candidate_id", "score")) == before


def test_a_dismissed_match_never_comes_back(scene):
    scene.compute()
    [best, *_] = ranked(Direction.CHALLENGE_ACHIEVEMENT, scene.challenge)
    services.match_decide(actor=scene.rd, match=best, verdict="dismissed", reason="已评估，不适用")
    scene.compute()
    best.refresh_from_db()
    assert best.status == "dismissed"
    from matching.selectors import matches_of_source

    assert best not in matches_of_source(scene.rd, scene.challenge)
    assert MatchFeedback.objects.get(match=best).reason == "已评估，不适用"


def test_an_accepted_enterprise_is_lifted_for_other_achievements_on_the_same_node(scene):
    scene.compute()
    [best, *_] = ranked(Direction.ACHIEVEMENT_ENTERPRISE, scene.pv_achievement)
    services.match_decide(actor=scene.broker, match=best, verdict="accepted")
    other = scene.achievement("钙钛矿光伏组件激光划线工艺", "钙钛矿组件的激光划线与串联工艺。", scene.pv,
                              scene.materials, trl=4, keywords=["钙钛矿"])
    services.achievement_changed(achievement_id=other.pk)
    [lifted, *_] = ranked(Direction.ACHIEVEMENT_ENTERPRISE, other)
    assert lifted.candidate == scene.pv_company
    assert lifted.explanation["feedback"] == {"boost": 0.08, "reason": "same_node"}


def test_only_the_people_running_the_source_decide(scene):
    scene.compute()
    [match, *_] = ranked(Direction.CHALLENGE_EXPERT, scene.challenge)
    for outsider in (scene.competitor, scene.li, scene.center_member, scene.chip_rd):
        with pytest.raises(PermissionDenied):
            services.match_decide(actor=outsider, match=match, verdict="accepted")
    with pytest.raises(ValidationError):
        services.match_decide(actor=scene.rd, match=match, verdict="maybe")
    match.refresh_from_db()
    assert match.status == "new" and not MatchFeedback.objects.exists()


def test_a_broker_turns_a_match_into_a_push_once(scene):
    scene.compute()
    [match, *_] = ranked(Direction.ACHIEVEMENT_ENTERPRISE, scene.pv_achievement)
    push = services.match_push(actor=scene.broker, match=match, note="与贵司组件路线契合")
    assert (push.source, push.enterprise, push.achievement) == ("matching", scene.pv_company, scene.pv_achievement)
    match.refresh_from_db()
    assert match.status == "accepted"
    with pytest.raises(ValidationError):
        services.match_push(actor=scene.broker, match=match)
    assert Push.objects.count() == 1
    [expert_match, *_] = ranked(Direction.CHALLENGE_EXPERT, scene.challenge)
    with pytest.raises(ValidationError):
        services.match_push(actor=scene.rd, match=expert_match)


def test_strong_new_matches_notify_each_person_once_per_pass(scene):
    scene.pv_achievement.broker = scene.broker
    scene.pv_achievement.save()
    scene.compute()
    # one digest for the challenge's poster, however many directions found strong matches
    [digest] = render_notifications(Notification.objects.filter(recipient=scene.rd, event="matching.new_match"))
    assert digest.url == "/matching/" and scene.challenge.title in digest.rendered_body
    assert Notification.objects.filter(recipient=scene.broker, event="matching.new_match").count() == 1
    # the chip achievement has no broker: the owner's technology-transfer staff hear of it
    assert Notification.objects.filter(recipient=scene.tto, event="matching.new_match").count() == 1
    scene.compute()
    assert Notification.objects.filter(event="matching.new_match").count() == 3


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize("title,summary", [
    ("   ", " \n\t "),
    ("钙钛矿🔋🌞电池", "😀😀 钙钛矿 perovskite 전지 Перовскит ペロブスカイト 封装 🙂"),
    ("钙钛矿叠层电池", "钙钛矿封装 " * 120_000),  # about 1 MB
])
def test_odd_challenge_texts_do_not_crash(scene, title, summary):
    scene.challenge.title_zh, scene.challenge.summary_zh = title, summary
    scene.challenge.save()
    services.challenge_changed(challenge_id=scene.challenge.pk)
    services.challenge_changed(challenge_id=scene.challenge.pk)
    matches = ranked(Direction.CHALLENGE_EXPERT, scene.challenge)
    if title.strip():
        assert matches and matches[0].candidate == scene.li
    else:
        assert matches == []


def test_a_challenge_without_node_is_scored_without_that_part(scene):
    Challenge.objects.filter(pk=scene.challenge.pk).update(industry_node=None, field=None)
    services.challenge_changed(challenge_id=scene.challenge.pk)
    [best, *_] = ranked(Direction.CHALLENGE_ACHIEVEMENT, scene.challenge)
    assert best.explanation["node"]["relation"] == "query_missing"
    assert best.explanation["field"]["relation"] == "query_missing"
    assert 0 < best.score <= 1


def test_candidates_and_sources_deleted_before_the_task_runs(scene):
    scene.compute()
    achievement_pk = scene.chip_achievement.pk
    Achievement.objects.filter(pk=achievement_pk).delete()  # the index still holds it
    services.challenge_changed(challenge_id=scene.challenge.pk)
    assert achievement_pk not in [m.candidate_id for m in ranked(Direction.CHALLENGE_ACHIEVEMENT, scene.challenge)]
    assert services.achievement_changed(achievement_id=achievement_pk) == 0
    assert not Match.objects.filter(direction=Direction.ACHIEVEMENT_ENTERPRISE, source_id=achievement_pk).exists()
    assert services.challenge_changed(challenge_id=999_999) == 0
    assert services.talent_changed(profile_id=999_999) == 0


def test_a_closed_challenge_keeps_only_decided_matches(scene):
    scene.compute()
    [accepted, *others] = ranked(Direction.CHALLENGE_EXPERT, scene.challenge)
    services.match_decide(actor=scene.rd, match=accepted, verdict="accepted")
    Challenge.objects.filter(pk=scene.challenge.pk).update(status=Challenge.Status.CLOSED)
    services.challenge_changed(challenge_id=scene.challenge.pk)
    assert ranked(Direction.CHALLENGE_EXPERT, scene.challenge) == [accepted]


# ------------------------------------------------------------------ the persisted index


def test_the_index_is_persisted_updated_in_place_and_rebuilt_when_missing(scene, matching_env):
    scene.compute()
    path = indexes.index_dir("achievements")
    assert (path / "meta.json").exists() and (path / "version").exists()
    index = indexes.get_index("achievements")
    compactions = index.compactions
    added = scene.achievement("固态电池界面工程", "固态电解质界面改性。", scene.storage, scene.materials, trl=4)
    services.achievement_changed(achievement_id=added.pk)
    index = indexes.get_index("achievements")
    assert f"achievement:{added.pk}" in index and index.compactions == compactions  # no rebuild
    # another process would load the saved files: the addition is in them
    indexes._loaded.clear()
    assert f"achievement:{added.pk}" in indexes.get_index("achievements")
    # files of another database (another version) are not trusted
    IndexState.objects.filter(name="achievements").update(version="other")
    rebuilt = indexes.get_index("achievements")
    assert IndexState.objects.get(name="achievements").version != "other"
    assert f"achievement:{added.pk}" in rebuilt


def test_the_domain_dictionary_holds_the_taxonomy_and_keywords(scene):
    from matching.profiles import domain_terms

    terms = domain_terms()
    assert {"光伏组件", "钙钛矿", "材料科学与工程", "先进封装"} <= set(terms)
