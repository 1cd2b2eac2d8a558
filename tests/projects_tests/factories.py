"""Builders for the challenge → project chain, going through the services like a user would."""
from datetime import timedelta

from django.utils import timezone

from platform_core.models import Role
from platform_core.signoff import signoff_sign
from projects import services
from projects.models import Challenge
from tests.factories import member


def future(days=60):
    return timezone.localdate() + timedelta(days=days)


CRITERIA = [{"name": "技术路线", "weight": 60}, {"name": "团队实力", "weight": 40}]


def challenge_data(**overrides):
    data = {
        "title_zh": "高镍正极材料循环寿命提升", "title_en": "Longer cycle life of high-nickel cathodes",
        "summary_zh": "现有高镍三元正极在高温循环下容量衰减快，需要提出改性方案。",
        "confidential_detail": "当前产线 NCM811 在 45℃ 下 500 次循环容量保持率仅 78%，配方见附件。",
        "current_trl": 3, "target_trl": 6, "budget_min": 500000, "budget_max": 2000000, "deadline": future(90),
    }
    data.update(overrides)
    return data


def sign_all(request):
    """Every party signs through its first authorised signatory."""
    for party in request.parties.all():
        signoff_sign(actor=party.signatories.first(), request_id=request.pk, party_id=party.pk)
    request.refresh_from_db()
    return request


class Chain:
    """Drives one challenge through the states; each step returns the chain for chaining."""

    def __init__(self, center, people, poster=None):
        self.center, self.people = center, people
        self.manager = people["ent_director"]
        self.pi = member(center.university, Role.RESEARCHER, username=f"pi_{center.pk}")
        self.challenge = None

    def draft(self, **overrides):
        self.challenge = services.challenge_create(actor=self.manager, poster=self.center.enterprise,
                                                   center=self.center, **challenge_data(**overrides))
        return self

    def published(self, **overrides):
        self.draft(**overrides)
        services.challenge_publish(actor=self.manager, challenge=self.challenge)
        return self

    def refined(self, **overrides):
        self.published(**overrides)
        services.topic_save(actor=self.manager, challenge=self.challenge, title="高镍正极表面包覆改性",
                            objectives="45℃ 循环 1000 次容量保持率 ≥ 90%", deliverables="改性工艺包与中试样品")
        sign_all(services.topic_submit(actor=self.manager, challenge=self.challenge))
        return self

    def opened(self, **overrides):
        self.refined(**overrides)
        self.call = services.call_open(actor=self.manager, challenge=self._fresh(), closes_on=future(30),
                                       criteria=CRITERIA,
                                       panel=[self.people["ent_chief"], self.people["uni_chief"]])
        return self

    def bid(self, **overrides):
        self.opened(**overrides)
        self.the_bid = services.bid_submit(actor=self.pi, call=self.call, organisation=self.center.university,
                                           team_name="李明团队", approach="原子层沉积包覆", plan="三阶段",
                                           budget=1500000)
        return self

    def awarded(self, **overrides):
        self.bid(**overrides)
        sign_all(services.award_propose(actor=self.manager, bid=self.the_bid))
        self.project = self._fresh().project
        return self

    def in_progress(self, **overrides):
        self.awarded(**overrides)
        self.milestone = services.milestone_add(actor=self.pi, project=self.project, title="小试验证",
                                                deliverables="包覆样品与测试报告", due_on=future(30), tranche=500000)
        services.project_start(actor=self.pi, project=self.project)
        self.project.refresh_from_db()
        return self

    def _fresh(self) -> Challenge:
        self.challenge.refresh_from_db()
        return Challenge.objects.get(pk=self.challenge.pk)
