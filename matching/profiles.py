"""What the matcher reads about each object: its texts and its structured features.

A *profile* is built from the evidence the domain apps hold:

* an expert (a user account): talent-profile keywords, biography and evidence, the
  achievements they invented and those achievements' patents, the bids they led or
  joined and the projects they led;
* an achievement: title, abstract, keywords and its patents' titles; a patent that
  belongs to no achievement stands alone;
* an enterprise: its description, industry-chain positions and fields, the challenges it
  posted and the achievements it took in deals or showed interest in;
* a joint center: its research directions and description, nodes and fields;
* a challenge (as a query): title and public summary in both languages and the refined
  topic (never the confidential detail: explanations quote query words).

Candidate keys are strings such as ``"achievement:12"`` so one index can hold several kinds.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Q

from consortia.models import JointCenter
from platform_core.models import IndustryNode, Organisation, Role, TechField
from projects.models import Bid, Challenge, Project
from talent.models import TalentProfile
from transfer.models import Achievement, Deal, Patent
from transfer.permissions import INTERESTED_OR_LATER, PUBLIC_STATUSES

EXPERT_ROLES = (Role.RESEARCHER, Role.MENTOR)
LIVE_PATENT_STATUSES = (Patent.LegalStatus.PENDING, Patent.LegalStatus.GRANTED)
CLOSED_CHALLENGE_STATUSES = (Challenge.Status.SOLVED, Challenge.Status.CLOSED)
FINISHED_ACHIEVEMENT_STATUSES = (Achievement.Status.TRANSFERRED, Achievement.Status.SPUN_OFF)
MAX_EVIDENCE = 5


@dataclass
class Profile:
    key: str
    texts: list[str]
    nodes: set[int] = field(default_factory=set)
    fields: set[int] = field(default_factory=set)
    trl: tuple[int, int] | None = None  # (lowest, highest) TRL the object is at or aims for
    evidence: list[dict] = field(default_factory=list)  # {"kind", "title"}

    @property
    def has_text(self) -> bool:
        return any(t and not t.isspace() for t in self.texts)


def key_of(kind: str, pk) -> str:
    return f"{kind}:{pk}"


def split_key(key: str) -> tuple[str, int]:
    kind, _, pk = key.partition(":")
    return kind, int(pk)


def _join(*parts) -> str:
    return "\n".join(str(p) for p in parts if p and str(p).strip())


def achievement_text(achievement: Achievement) -> str:
    return _join(achievement.title, achievement.abstract, " ".join(map(str, achievement.keywords or [])))


# ----------------------------------------------------------------- candidates


def expert_queryset():
    """Accounts with research evidence: researchers and mentors, inventors, bid leads, talent profiles."""
    return get_user_model().objects.filter(
        Q(memberships__role__in=EXPERT_ROLES, memberships__is_active=True) | Q(invented_achievements__isnull=False)
        | Q(bids_led__isnull=False) | Q(talent_profile__isnull=False),
        is_active=True,
    ).distinct()


def expert_profile(user) -> Profile:
    profile = Profile(key_of("user", user.pk), [])
    talent = TalentProfile.objects.filter(user=user).first()
    if talent is not None:
        profile.texts.append(_join(talent.title, " ".join(map(str, talent.expertise or [])), talent.biography))
        for evidence in talent.evidence.all():
            profile.texts.append(_join(evidence.title, evidence.summary))
            profile.evidence.append({"kind": evidence.kind, "title": evidence.title})
        profile.nodes |= set(talent.industry_nodes.values_list("pk", flat=True))
        profile.fields |= set(talent.fields.values_list("pk", flat=True))
    for achievement in Achievement.objects.filter(inventors=user).prefetch_related("patents"):
        profile.texts.append(_join(achievement_text(achievement),
                                   *[p.title for p in achievement.patents.all()]))
        profile.evidence.append({"kind": "achievement", "title": achievement.title})
        profile.nodes.add(achievement.industry_node_id)
        if achievement.field_id:
            profile.fields.add(achievement.field_id)
    for bid in Bid.objects.filter(Q(lead=user) | Q(members__user=user)).select_related("call__challenge").distinct():
        profile.texts.append(_join(bid.team_name, bid.approach))
        profile.evidence.append({"kind": "bid", "title": bid.call.challenge.title_zh})
        challenge = bid.call.challenge
        if challenge.industry_node_id:
            profile.nodes.add(challenge.industry_node_id)
    for project in Project.objects.filter(lead=user):
        profile.texts.append(_join(project.title, project.result_abstract))
        profile.evidence.append({"kind": "project", "title": project.title})
    profile.evidence = profile.evidence[:MAX_EVIDENCE]
    return profile


def achievement_candidates():
    return Achievement.objects.filter(status__in=PUBLIC_STATUSES)


def patent_candidates():
    return Patent.objects.filter(achievements__isnull=True, legal_status__in=LIVE_PATENT_STATUSES)


def achievement_profile(achievement: Achievement) -> Profile:
    patents = list(achievement.patents.all())
    return Profile(
        key_of("achievement", achievement.pk),
        [_join(achievement_text(achievement), *[p.title for p in patents])],
        nodes={achievement.industry_node_id},
        fields={achievement.field_id} if achievement.field_id else set(),
        trl=(achievement.trl, achievement.trl),
        evidence=[{"kind": "patent", "title": f"{p.title}（{p.application_number}）"} for p in patents][:MAX_EVIDENCE],
    )


def patent_profile(patent: Patent) -> Profile:
    return Profile(key_of("patent", patent.pk), [_join(patent.title, " ".join(patent.ipc_codes or []))],
                   evidence=[{"kind": "patent", "title": f"{patent.title}（{patent.application_number}）"}])


def enterprise_candidates():
    return Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE)


def enterprise_profile(organisation: Organisation) -> Profile:
    nodes = list(organisation.industry_nodes.all())
    fields = list(organisation.fields.all())
    profile = Profile(
        key_of("organisation", organisation.pk),
        [_join(organisation.description, *[_node_text(n) for n in nodes], *[f.name_zh for f in fields])],
        nodes={n.pk for n in nodes}, fields={f.pk for f in fields},
    )
    challenges = list(Challenge.objects.filter(poster=organisation).exclude(status=Challenge.Status.DRAFT))
    trls = []
    for challenge in challenges:
        profile.texts.append(challenge_text(challenge))
        profile.evidence.append({"kind": "challenge", "title": challenge.title_zh})
        if challenge.industry_node_id:
            profile.nodes.add(challenge.industry_node_id)
        if challenge.field_id:
            profile.fields.add(challenge.field_id)
        trls.append((challenge.current_trl, challenge.target_trl))
    taken = Achievement.objects.filter(
        Q(deals__counterparty=organisation)
        | Q(pushes__enterprise=organisation, pushes__status__in=INTERESTED_OR_LATER)).distinct()
    dealt = set(Deal.objects.filter(counterparty=organisation).values_list("achievement_id", flat=True))
    for achievement in taken:
        profile.texts.append(achievement_text(achievement))
        profile.evidence.append({"kind": "deal" if achievement.pk in dealt else "push", "title": achievement.title})
        profile.nodes.add(achievement.industry_node_id)
    if trls:
        profile.trl = (min(t[0] for t in trls), max(t[1] for t in trls))
    profile.evidence = profile.evidence[:MAX_EVIDENCE]
    return profile


def center_candidates():
    return JointCenter.objects.filter(status=JointCenter.Status.ACTIVE)


def center_profile(center: JointCenter) -> Profile:
    nodes = list(center.industry_nodes.all())
    fields = list(center.fields.all())
    return Profile(
        key_of("center", center.pk),
        [_join(center.name_zh, center.research_directions, center.description,
               *[_node_text(n) for n in nodes], *[f.name_zh for f in fields])],
        nodes={n.pk for n in nodes}, fields={f.pk for f in fields},
        evidence=[{"kind": "center", "title": f"{center.enterprise.name_zh} × {center.university.name_zh}"}],
    )


def _node_text(node: IndustryNode) -> str:
    return _join(node.name_zh, " ".join(map(str, node.keywords or [])))


# ----------------------------------------------------------------- queries


def challenge_text(challenge: Challenge) -> str:
    topic = getattr(challenge, "topic", None) if hasattr(challenge, "topic") else None
    return _join(challenge.title_zh, challenge.title_en, challenge.summary_zh, challenge.summary_en,
                 topic.title if topic else "", topic.objectives if topic else "")


def challenge_query(challenge: Challenge) -> Profile:
    return Profile(key_of("challenge", challenge.pk), [challenge_text(challenge)],
                   nodes={challenge.industry_node_id} if challenge.industry_node_id else set(),
                   fields={challenge.field_id} if challenge.field_id else set(),
                   trl=(challenge.current_trl, challenge.target_trl))


def achievement_query(achievement: Achievement) -> Profile:
    return Profile(key_of("achievement", achievement.pk), [achievement_text(achievement)],
                   nodes={achievement.industry_node_id},
                   fields={achievement.field_id} if achievement.field_id else set(),
                   trl=(achievement.trl, achievement.trl))


def talent_query(talent: TalentProfile) -> Profile:
    texts = [_join(talent.title, " ".join(map(str, talent.expertise or [])), talent.biography),
             *[_join(e.title, e.summary) for e in talent.evidence.all()]]
    return Profile(key_of("talent", talent.pk), [_join(*texts)],
                   nodes=set(talent.industry_nodes.values_list("pk", flat=True)),
                   fields=set(talent.fields.values_list("pk", flat=True)))


def live_challenges():
    return Challenge.objects.exclude(status__in=CLOSED_CHALLENGE_STATUSES)


def live_achievements():
    return Achievement.objects.exclude(status__in=FINISHED_ACHIEVEMENT_STATUSES)


def live_talent():
    return TalentProfile.objects.exclude(availability=TalentProfile.Availability.UNAVAILABLE)


def domain_terms() -> list[str]:
    """The platform's vocabulary for the tokenizer: node names and keywords, field names, achievement keywords."""
    terms: set[str] = set()
    for name, keywords in IndustryNode.objects.values_list("name_zh", "keywords"):
        terms.add(name)
        terms.update(map(str, keywords or []))
    terms.update(TechField.objects.values_list("name_zh", flat=True))
    for keywords in Achievement.objects.exclude(keywords=[]).values_list("keywords", flat=True):
        terms.update(map(str, keywords or []))
    return sorted(t.strip() for t in terms if t and 1 < len(t.strip()) <= 40)
