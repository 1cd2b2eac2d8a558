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
from projects.models import Bid, BidMember, Challenge, Project
from talent.models import TalentProfile
from transfer.models import Achievement, Deal, Patent, Push
from transfer.permissions import INTERESTED_OR_LATER, PUBLIC_STATUSES

EXPERT_ROLES = (Role.RESEARCHER, Role.MENTOR)
LIVE_PATENT_STATUSES = (Patent.LegalStatus.PENDING, Patent.LegalStatus.GRANTED)
CLOSED_CHALLENGE_STATUSES = (Challenge.Status.SOLVED, Challenge.Status.CLOSED)
FINISHED_ACHIEVEMENT_STATUSES = (Achievement.Status.TRANSFERRED, Achievement.Status.SPUN_OFF)
MAX_EVIDENCE = 5
BULK_CHUNK = 1000  # objects whose related rows are read together (ids stay far below SQLite's variable limit)


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


def expert_profiles(users) -> list[Profile]:
    """The profiles of ``users`` (one per user, in order), with a handful of queries per chunk of users."""
    users = list(users)
    profiles = []
    for start in range(0, len(users), BULK_CHUNK):
        profiles += _expert_chunk(users[start:start + BULK_CHUNK])
    return profiles


def _expert_chunk(users) -> list[Profile]:
    ids = [user.pk for user in users]
    profiles = {pk: Profile(key_of("user", pk), []) for pk in ids}
    for talent in TalentProfile.objects.filter(user_id__in=ids).prefetch_related("evidence", "industry_nodes",
                                                                                  "fields"):
        profile = profiles[talent.user_id]
        profile.texts.append(_join(talent.title, " ".join(map(str, talent.expertise or [])), talent.biography))
        for evidence in talent.evidence.all():
            profile.texts.append(_join(evidence.title, evidence.summary))
            profile.evidence.append({"kind": evidence.kind, "title": evidence.title})
        profile.nodes |= {node.pk for node in talent.industry_nodes.all()}
        profile.fields |= {f.pk for f in talent.fields.all()}
    inventors: dict[int, list[int]] = {}
    invented = Achievement.inventors.through.objects.filter(user_id__in=ids)
    for achievement_id, user_id in invented.values_list("achievement_id", "user_id"):
        inventors.setdefault(achievement_id, []).append(user_id)
    for achievement in (Achievement.objects.filter(pk__in=invented.values("achievement_id"))
                        .prefetch_related("patents").iterator(BULK_CHUNK)):
        text = _join(achievement_text(achievement), *[p.title for p in achievement.patents.all()])
        for user_id in inventors[achievement.pk]:
            profile = profiles[user_id]
            profile.texts.append(text)
            profile.evidence.append({"kind": "achievement", "title": achievement.title})
            profile.nodes.add(achievement.industry_node_id)
            if achievement.field_id:
                profile.fields.add(achievement.field_id)
    members: dict[int, set[int]] = {}
    joined = BidMember.objects.filter(user_id__in=ids)
    for bid_id, user_id in joined.values_list("bid_id", "user_id"):
        members.setdefault(bid_id, set()).add(user_id)
    bids = (Bid.objects.filter(Q(lead_id__in=ids) | Q(pk__in=joined.values("bid_id")))
            .select_related("call__challenge").order_by("-submitted_at", "-id"))
    for bid in bids:
        challenge = bid.call.challenge
        for user_id in sorted(members.get(bid.pk, set()) | ({bid.lead_id} & profiles.keys())):
            profile = profiles[user_id]
            profile.texts.append(_join(bid.team_name, bid.approach))
            profile.evidence.append({"kind": "bid", "title": challenge.title_zh})
            if challenge.industry_node_id:
                profile.nodes.add(challenge.industry_node_id)
    for project in Project.objects.filter(lead_id__in=ids):
        profile = profiles[project.lead_id]
        profile.texts.append(_join(project.title, project.result_abstract))
        profile.evidence.append({"kind": "project", "title": project.title})
    for profile in profiles.values():
        profile.evidence = profile.evidence[:MAX_EVIDENCE]
    return [profiles[pk] for pk in ids]


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


def enterprise_profiles(organisations) -> list[Profile]:
    """The profiles of ``organisations`` (prefetch their industry_nodes and fields), in order."""
    organisations = list(organisations)
    profiles = []
    for start in range(0, len(organisations), BULK_CHUNK):
        profiles += _enterprise_chunk(organisations[start:start + BULK_CHUNK])
    return profiles


def _enterprise_chunk(organisations) -> list[Profile]:
    profiles, trls = {}, {}
    for organisation in organisations:
        nodes = list(organisation.industry_nodes.all())
        fields = list(organisation.fields.all())
        profiles[organisation.pk] = Profile(
            key_of("organisation", organisation.pk),
            [_join(organisation.description, *[_node_text(n) for n in nodes], *[f.name_zh for f in fields])],
            nodes={n.pk for n in nodes}, fields={f.pk for f in fields},
        )
        trls[organisation.pk] = []
    ids = list(profiles)
    for challenge in (Challenge.objects.filter(poster_id__in=ids).exclude(status=Challenge.Status.DRAFT)
                      .select_related("topic")):
        profile = profiles[challenge.poster_id]
        profile.texts.append(challenge_text(challenge))
        profile.evidence.append({"kind": "challenge", "title": challenge.title_zh})
        if challenge.industry_node_id:
            profile.nodes.add(challenge.industry_node_id)
        if challenge.field_id:
            profile.fields.add(challenge.field_id)
        trls[challenge.poster_id].append((challenge.current_trl, challenge.target_trl))
    deals = Deal.objects.filter(counterparty_id__in=ids)
    interest = Push.objects.filter(enterprise_id__in=ids, status__in=INTERESTED_OR_LATER)
    takers: dict[int, set[int]] = {}
    dealt: set[tuple[int, int]] = set()
    for organisation_id, achievement_id in deals.values_list("counterparty_id", "achievement_id"):
        takers.setdefault(achievement_id, set()).add(organisation_id)
        dealt.add((organisation_id, achievement_id))
    for organisation_id, achievement_id in interest.values_list("enterprise_id", "achievement_id"):
        takers.setdefault(achievement_id, set()).add(organisation_id)
    taken = Achievement.objects.filter(Q(pk__in=deals.values("achievement_id"))
                                       | Q(pk__in=interest.values("achievement_id")))
    for achievement in taken:
        for organisation_id in sorted(takers[achievement.pk]):
            profile = profiles[organisation_id]
            profile.texts.append(achievement_text(achievement))
            profile.evidence.append({"kind": "deal" if (organisation_id, achievement.pk) in dealt else "push",
                                     "title": achievement.title})
            profile.nodes.add(achievement.industry_node_id)
    for pk, profile in profiles.items():
        if trls[pk]:
            profile.trl = (min(t[0] for t in trls[pk]), max(t[1] for t in trls[pk]))
        profile.evidence = profile.evidence[:MAX_EVIDENCE]
    return [profiles[organisation.pk] for organisation in organisations]


def center_candidates():
    return JointCenter.objects.filter(status=JointCenter.Status.ACTIVE)


def center_profile(center: JointCenter) -> Profile:
    """(select_related enterprise and university, prefetch industry_nodes and fields)"""
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
    """(select_related topic, or one query per challenge)"""
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
    """(prefetch evidence, industry_nodes and fields)"""
    texts = [_join(talent.title, " ".join(map(str, talent.expertise or [])), talent.biography),
             *[_join(e.title, e.summary) for e in talent.evidence.all()]]
    return Profile(key_of("talent", talent.pk), [_join(*texts)],
                   nodes={node.pk for node in talent.industry_nodes.all()},
                   fields={f.pk for f in talent.fields.all()})


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
