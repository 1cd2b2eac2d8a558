"""The audit trail reads as sentences in the reader's language, never as an action code and a dict."""
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.utils import translation

from platform_core import audit
from platform_core.audit import ACTIONS, audit_log, audit_sentences, audit_trail
from platform_core.models import AuditEvent, Organisation
from platform_core.sentences import Choice, Fields, Ref
from projects import services as project_services
from projects.models import Challenge, Undertaking
from tests.factories import OrganisationFactory, UserFactory
from tests.querycount import assert_flat_queries

ROOT = Path(__file__).resolve().parents[2]
APPS = ["platform_core", "consortia", "projects", "transfer", "funds", "talent", "matching"]
CALL = re.compile(r"audit_log\((?:[^()]|\([^()]*\))*?action=(f?)\"([^\"]+)\"", re.S)

# Actions whose code is computed (f-strings in the services) and every value they can take.
COMPUTED = {
    "challenge.{to}": [f"challenge.{s}" for s in Challenge.Status if s != Challenge.Status.DRAFT],
    "undertaking.{undertaking.status}": [f"undertaking.{s}" for s in (Undertaking.Status.ACCEPTED,
                                                                     Undertaking.Status.DECLINED)],
    "signoff.{status}": ["signoff.approved", "signoff.rejected"],
    "match.{verdict}": ["match.accepted", "match.dismissed"],
    "import.{self.kind}": ["import.organisations", "import.achievements", "import.patents"],
    "talent.assignment_{status}": ["talent.assignment_graduated", "talent.assignment_withdrawn"],
}


def actions_in_code() -> tuple[set, set]:
    literal, computed = set(), set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for is_f, code in CALL.findall(path.read_text(encoding="utf-8")):
                (computed if is_f else literal).add(code)
    return literal, computed


def test_every_audited_action_in_the_code_is_registered():
    literal, computed = actions_in_code()
    assert len(literal) > 60  # the grep finds the calls (a broken pattern would pass vacuously)
    assert literal - set(ACTIONS) == set()
    assert computed == set(COMPUTED), "a new computed action code: list its values in COMPUTED"
    for codes in COMPUTED.values():
        assert set(codes) - set(ACTIONS) == set()


def _example(sentence, org) -> dict:
    """Stored data for one action, built from what its sentence names."""
    data = {}
    for name in re.findall(r"%\((\w+)\)", str(sentence.text)):
        if name in {"actor", "target"}:
            continue
        spec = sentence.params.get(name)
        if isinstance(spec, Ref):
            data[name] = 999999  # gone: still a sentence
        elif isinstance(spec, Choice):
            data[name] = list(getattr(spec.choices, "values", [None]))[0]
        elif isinstance(spec, Fields):
            data[name] = ["id"]
        elif callable(spec):
            data[name] = "1"
        else:
            data[name] = "72.00"
    return data


def _app_of(code: str) -> str:
    return audit.ACTION_ORIGINS[code].split(".")[0]


@pytest.mark.django_db
@pytest.mark.parametrize("app", APPS)
def test_each_action_of_each_app_reads_as_a_sentence_in_chinese_and_english(app):
    actor = UserFactory(display_name="王强")
    org = OrganisationFactory(name_zh="西安动力电池有限公司", name_en="Xi'an Power Battery Co.")
    codes = sorted(c for c in ACTIONS if _app_of(c) == app)
    assert codes, f"{app} registers no action"
    events = [AuditEvent(actor=actor, action=code, target_type=ContentType.objects.get_for_model(Organisation),
                         target_id=str(org.pk), target_repr=str(org), data=_example(ACTIONS[code], org))
              for code in codes]
    for event in events:
        event.actor_id = actor.pk
    with translation.override("zh-hans"):
        zh = [s for _e, s in audit_sentences(events, reader=actor, html=False)]
    with translation.override("en"):
        en = [s for _e, s in audit_sentences(events, reader=actor, html=False)]
    for code, chinese, english in zip(codes, zh, en, strict=True):
        for text in (chinese, english):
            assert "{" not in text and "%(" not in text and code not in text, (code, text)
        assert re.search(r"[\u4e00-\u9fff]", chinese.replace("王强", "").replace("西安动力电池有限公司", "")), \
            f"{code} has no Chinese sentence: {chinese}"
        assert chinese != english, f"{code} is not translated: {english}"


@pytest.mark.django_db
def test_bid_score_reads_like_people_write_it_with_links_only_for_what_the_reader_sees(chain_for_audit):
    chain = chain_for_audit
    chief = chain.people["ent_chief"]
    chief.display_name = "王强"
    chief.save()
    project_services.bid_score(actor=chief, bid=chain.the_bid, scores={"技术路线": 80, "团队实力": 60})
    event = audit_trail(chain.challenge).filter(action="bid.score").get()
    total = event.data["total"]
    with translation.override("zh-hans"):
        [(_e, text)] = audit_sentences([event], reader=chief, html=False)
        [(_e, html)] = audit_sentences([event], reader=chief)
        [(_e, outsider_html)] = audit_sentences([event], reader=UserFactory())
    assert text == f"王强 为 李明团队的方案打分：{total}"
    assert f'href="/projects/bids/{chain.the_bid.pk}/"' in html
    assert "href" not in outsider_html and "李明团队" in outsider_html
    with translation.override("en"):
        [(_e, english)] = audit_sentences([event], reader=chief, html=False)
    assert english == f"王强 scored the bid of 李明团队: {total}"


@pytest.mark.django_db
def test_an_unknown_action_still_reads_as_a_sentence():
    actor = UserFactory(display_name="李明")
    org = OrganisationFactory(name_zh="某大学")
    event = audit_log(actor=actor, action="legacy.thing_done", target=org, secret={"a": 1})
    with translation.override("zh-hans"):
        [(_e, text)] = audit_sentences([event], html=False)
    assert "{" not in text and "李明" in text and "某大学" in text and "legacy" in text


@pytest.mark.django_db
def test_the_history_card_shows_sentences_and_its_queries_do_not_grow(client, staff):
    org = OrganisationFactory(name_zh="西安交通大学")
    members = [UserFactory() for _ in range(3)]

    def grow(n):
        for i in range(n):
            audit_log(actor=members[i % 3], action="organisation.update", target=org, fields=["name_zh"])
            audit_log(actor=members[i % 3], action="signoff.open", target=org, kind="projects.topic_approval")

    client.force_login(staff)
    # The organisation page shows its last 20 events; render a long trail directly as well.
    assert_flat_queries(grow=grow, fetch=lambda: client.get(f"/organisations/{org.pk}/"))
    page = client.get(f"/organisations/{org.pk}/").content.decode()
    assert "organisation.update" not in page and "{'" not in page
    assert "编辑了" in page

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def render_all():
        with CaptureQueriesContext(connection) as q:
            audit_sentences(audit_trail(org), reader=staff)
        return len(q)

    AuditEvent.objects.filter(pk__in=list(audit_trail(org).values_list("pk", flat=True)[5:])).delete()
    few = render_all()
    grow(100)
    assert audit_trail(org).count() == 205
    assert render_all() <= few


@pytest.fixture
def chain_for_audit(enterprise, university):
    from tests.consortia_tests.factories import staffed_center
    from tests.projects_tests.factories import Chain

    return Chain(*staffed_center(enterprise, university)).bid()


def test_every_app_registers_its_objects():
    from platform_core.sentences import OBJECTS

    for label in ["projects.challenge", "projects.bid", "transfer.achievement", "funds.fund", "talent.sharedhire",
                  "consortia.jointcenter", "platform.organisation", "platform.signoffrequest"]:
        assert label in OBJECTS, label
        assert apps.get_model(label)
