"""More than two people (or uploads) at the same moment, in real transactions on PostgreSQL.

Each race holds its racers at a meeting point inside the code under test (race.py), right after the step a
row lock guards, so a missing lock shows on every run, not now and then.
"""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count, Sum

from funds import selectors as fund_selectors
from funds import services as fund_services
from funds.models import Investment, Tranche
from platform_core import signoff
from platform_core.importers import OrganisationImporter
from platform_core.models import AuditEvent, ImportRun, Notification, Organisation, Role, SignoffRequest
from platform_core.signoff import signoff_sign
from projects import services
from projects.models import Bid, Challenge, Milestone, Project, Topic
from tests.conftest import run_at_the_same_moment
from tests.factories import UserFactory, member, valid_credit_code
from tests.funds_tests import factories as f
from transfer.importers import AchievementImporter
from transfer.models import Achievement

from .race import meet_after

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def outcomes(*calls):
    """Run the calls at the same moment; (successes, failures) with the failures' exceptions."""
    errors = run_at_the_same_moment(*calls)
    return [e for e in errors if e is None], [e for e in errors if e is not None]


def _topic_request(chain):
    chain.published()
    services.topic_save(actor=chain.manager, challenge=chain.challenge, title="t", objectives="o", deliverables="d")
    return services.topic_submit(actor=chain.manager, challenge=chain.challenge)


def _sign_all_at_once(request, signers, monkeypatch):
    meet_after(monkeypatch, signoff, "_create_signature", racers=len(signers))
    return outcomes(*[lambda user=user: signoff_sign(actor=user, request_id=request.pk) for user in signers])


# Sign-offs: each decision takes effect once


def test_four_signatories_two_per_side_the_decision_takes_effect_once(chain, monkeypatch):
    request = _topic_request(chain)
    people = chain.people
    ok, failed = _sign_all_at_once(request, [people["ent_director"], people["ent_chief"], people["uni_director"],
                                             people["uni_chief"]], monkeypatch)
    assert len(ok) == 2 and len(failed) == 2 and all(isinstance(e, ValidationError) for e in failed), failed
    request.refresh_from_db()
    assert request.status == SignoffRequest.Status.APPROVED
    assert request.signatures.values("party").distinct().count() == 2 == request.signatures.count()
    assert Topic.objects.get().status == Topic.Status.APPROVED
    assert Challenge.objects.get(pk=chain.challenge.pk).status == Challenge.Status.REFINED
    assert AuditEvent.objects.filter(action="challenge.refined").count() == 1
    assert AuditEvent.objects.filter(action="signoff.approved").count() == 1


def test_approve_reject_and_withdraw_at_once_end_in_one_verdict(chain, monkeypatch):
    request = _topic_request(chain)
    meet_after(monkeypatch, signoff, "_lock_pending", racers=3)
    ok, failed = outcomes(
        lambda: signoff_sign(actor=chain.people["ent_director"], request_id=request.pk),
        lambda: signoff.signoff_reject(actor=chain.people["uni_director"], request_id=request.pk, reason="预算偏高"),
        lambda: signoff.signoff_withdraw(actor=chain.manager, request_id=request.pk),
    )
    assert all(isinstance(e, ValidationError) for e in failed), failed
    request.refresh_from_db()
    assert request.status in (SignoffRequest.Status.REJECTED, SignoffRequest.Status.WITHDRAWN)
    ends = AuditEvent.objects.filter(action__in=["signoff.rejected", "signoff.withdraw", "signoff.approved"])
    assert list(ends.values_list("action", flat=True)) == [
        "signoff.rejected" if request.status == SignoffRequest.Status.REJECTED else "signoff.withdraw"]
    assert Challenge.objects.get(pk=chain.challenge.pk).status == Challenge.Status.PUBLISHED
    assert Topic.objects.get().status != Topic.Status.APPROVED


# Awards: one award per call, one project


def test_three_award_proposals_at_once_open_one_sign_off_and_four_signers_create_one_project(chain, monkeypatch):
    chain.bid()
    rival = member(chain.center.university, Role.RESEARCHER, username="rival_pi")
    rival_bid = services.bid_submit(actor=rival, call=chain.call, organisation=chain.center.university,
                                    team_name="王强团队", approach="固相掺杂", plan="两阶段", budget=1200000)
    meet_after(monkeypatch, services, "signoff_open", racers=3)
    ok, failed = outcomes(
        lambda: services.award_propose(actor=chain.manager, bid=chain.the_bid),
        lambda: services.award_propose(actor=chain.manager, bid=rival_bid),
        lambda: services.award_propose(actor=chain.manager, bid=chain.the_bid),
    )
    assert len(ok) == 1 and all(isinstance(e, ValidationError) for e in failed), failed
    [request] = SignoffRequest.objects.filter(kind="projects.bid_award", status=SignoffRequest.Status.PENDING)
    assert Bid.objects.filter(status=Bid.Status.PROPOSED).count() == 1
    assert AuditEvent.objects.filter(action="bid.propose_award").count() == 1

    people = chain.people
    ok, failed = _sign_all_at_once(request, [people["ent_director"], people["ent_chief"], people["uni_director"],
                                             people["uni_chief"]], monkeypatch)
    assert len(ok) == 2, failed
    assert Project.objects.count() == 1
    assert Bid.objects.filter(status=Bid.Status.AWARDED).count() == 1
    assert AuditEvent.objects.filter(action="challenge.awarded").count() == 1


# Investments against a fund's headroom


def test_six_investments_at_once_never_exceed_the_committed_size(fund, fund_manager, company, monkeypatch):
    assert fund.committed_size == Decimal("1000000.00")
    meet_after(monkeypatch, fund_selectors, "fund_invested_total", racers=6)
    ok, failed = outcomes(*[
        lambda: fund_services.investment_record(actor=fund_manager, fund=fund, round="seed", amount="300000",
                                                equity_percent="5", invested_on=f.today(), company=company)
        for _ in range(6)
    ])
    assert len(ok) == 3 and len(failed) == 3 and all(isinstance(e, ValidationError) for e in failed), failed
    total = Investment.objects.filter(fund=fund).aggregate(total=Sum("amount"))["total"]
    assert total == Decimal("900000.00") <= fund.committed_size
    assert AuditEvent.objects.filter(action="investment.record").count() == 3


# Tranche payment: paid once


def test_four_payments_of_one_tranche_at_once_pay_it_once(enterprise, enterprise_admin, project, monkeypatch):
    milestone = f.make_milestone(project, status=Milestone.Status.ACCEPTED)
    commitment = f.make_commitment(enterprise, project=project)
    tranche = fund_services.tranche_add(actor=enterprise_admin, commitment=commitment, title="里程碑拨款",
                                        amount="500000", milestone=milestone)
    second_admin = member(enterprise, Role.ORG_ADMIN, Role.RD_MANAGER, username="ent_admin_2")
    meet_after(monkeypatch, fund_services, "_lock_commitment", racers=4)
    ok, failed = outcomes(*[
        lambda actor=actor: fund_services.tranche_pay(actor=actor, tranche=tranche, paid_on=f.today())
        for actor in (enterprise_admin, second_admin, enterprise_admin, second_admin)
    ])
    assert len(ok) == 1 and all(isinstance(e, ValidationError) for e in failed), failed
    tranche.refresh_from_db()
    assert tranche.status == Tranche.Status.PAID
    assert AuditEvent.objects.filter(action="tranche.pay").count() == 1
    per_recipient = Notification.objects.filter(event="funds.tranche_paid").values("recipient").annotate(n=Count("id"))
    assert per_recipient and {row["n"] for row in per_recipient} == {1}


# Imports of the same file: no duplicate rows


ACHIEVEMENT_HEADER = "成果编号,成果名称,权利人,所属学院,产业链节点,技术成熟度,成果简介,关键词,完成人\n"


def _achievement_file(world, count):
    rows = [f"CG{n:03d},固态电解质第{n}号,{world.university.name_zh},{world.school.name_zh},ne-cell,5,界面改性,电池,李明"
            for n in range(count)]
    return (ACHIEVEMENT_HEADER + "\n".join(rows) + "\n").encode("utf-8")


def test_the_same_achievement_file_imported_three_times_at_once_adds_each_row_once(world, monkeypatch):
    content = _achievement_file(world, 20)
    meet_after(monkeypatch, AchievementImporter, "prepare", racers=3)
    ok, failed = outcomes(*[
        lambda: AchievementImporter(actor=world.tto).run(SimpleUploadedFile("achievements.csv", content))
        for _ in range(3)
    ])
    assert Achievement.objects.count() == 20
    assert not Achievement.objects.values("owner", "external_ref").annotate(n=Count("id")).filter(n__gt=1).exists()
    assert not failed, failed  # each upload ends with its report (rows created, updated or refused), no crash
    runs = ImportRun.objects.filter(kind="achievements")
    assert runs.count() == 3 and sum(r.created_rows for r in runs) == 20


def test_the_same_organisation_file_imported_three_times_at_once_adds_each_row_once(monkeypatch):
    staff = UserFactory(username="import_staff", is_staff=True, is_superuser=True)
    codes = [valid_credit_code(500 + n) for n in range(10)]
    content = ("名称,类型,统一社会信用代码\n" + "\n".join(f"并发导入企业{n},企业,{code}" for n, code in enumerate(codes))
               + "\n").encode("utf-8")
    meet_after(monkeypatch, OrganisationImporter, "prepare", racers=3)
    ok, failed = outcomes(*[
        lambda: OrganisationImporter(actor=staff).run(SimpleUploadedFile("orgs.csv", content)) for _ in range(3)
    ])
    assert Organisation.objects.filter(credit_code__in=codes).count() == 10
    assert not failed, failed
    runs = ImportRun.objects.filter(kind="organisations")
    assert runs.count() == 3 and sum(r.created_rows for r in runs) == 10
