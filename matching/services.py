"""Writes of the matching app: computing matches, feedback, and the push a broker makes from a match.

Computing runs in Celery (`tasks.py`); the functions below take ids, re-read the rows
and are idempotent: running one twice leaves the same rows (the unique constraint on
direction, source and candidate makes a duplicate impossible).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from platform_core.audit import audit_log
from platform_core.models import Organisation, Role
from platform_core.notifications import notify
from platform_core.permissions import require
from projects.models import Challenge
from talent.models import TalentProfile
from transfer.models import Achievement, Patent

from . import indexes
from . import profiles as P
from . import scoring
from .embeddings import dense_enabled, vectors_for
from .models import Direction, Match, MatchFeedback

logger = logging.getLogger(__name__)

SHORTLIST = 40   # candidates taken from the text index before structured re-ranking
TOP_K = 10       # matches kept per source and direction
NOTIFY_SCORE = 0.7
MAX_QUERY_CHARS = 20_000  # the opening of a very long text carries its topic; BM25 on 1 MB helps nobody


@dataclass(frozen=True)
class DirectionSpec:
    source_model: type
    index: str
    candidate_kinds: frozenset[str]


DIRECTIONS = {
    Direction.CHALLENGE_EXPERT: DirectionSpec(Challenge, "experts", frozenset({"user"})),
    Direction.CHALLENGE_ACHIEVEMENT: DirectionSpec(Challenge, "achievements", frozenset({"achievement", "patent"})),
    Direction.ACHIEVEMENT_ENTERPRISE: DirectionSpec(Achievement, "organisations", frozenset({"organisation"})),
    Direction.TALENT_ENTERPRISE: DirectionSpec(TalentProfile, "organisations",
                                               frozenset({"organisation", "center"})),
}
DIRECTIONS_OF_SOURCE = {
    Challenge: (Direction.CHALLENGE_EXPERT, Direction.CHALLENGE_ACHIEVEMENT),
    Achievement: (Direction.ACHIEVEMENT_ENTERPRISE,),
    TalentProfile: (Direction.TALENT_ENTERPRISE,),
}
CANDIDATE_MODELS = {"user": "platform.user", "achievement": "transfer.achievement", "patent": "transfer.patent",
                    "organisation": "platform.organisation", "center": "consortia.jointcenter"}


def _content_type(label: str) -> ContentType:
    app_label, model = label.split(".")
    return ContentType.objects.get_by_natural_key(app_label, model)


def candidate_key(match: Match) -> str:
    kind = next(k for k, label in CANDIDATE_MODELS.items()
                if label == f"{match.candidate_type.app_label}.{match.candidate_type.model}")
    return P.key_of(kind, match.candidate_id)


# ------------------------------------------------------------------ queries


def _query_of(direction: str, source) -> tuple[P.Profile, str | None]:
    """The query profile and, if one exists, the source object's live status check failure."""
    if direction in (Direction.CHALLENGE_EXPERT, Direction.CHALLENGE_ACHIEVEMENT):
        live = P.live_challenges().filter(pk=source.pk).exists()
        return P.challenge_query(source), None if live else "closed"
    if direction == Direction.ACHIEVEMENT_ENTERPRISE:
        live = P.live_achievements().filter(pk=source.pk).exists()
        return P.achievement_query(source), None if live else "finished"
    live = P.live_talent().filter(pk=source.pk).exists()
    return P.talent_query(source), None if live else "unavailable"


def _trl_parts(direction: str, query: P.Profile, candidate: P.Profile) -> dict:
    if direction == Direction.CHALLENGE_ACHIEVEMENT:
        return scoring.trl_part(query.trl, candidate.trl)
    if direction == Direction.ACHIEVEMENT_ENTERPRISE:
        return scoring.trl_part(candidate.trl, query.trl)
    return {"score": None, "relation": "not_applicable"}


def _source_nodes(direction: str, source_ids: set[int]) -> dict[int, set[int]]:
    if direction in (Direction.CHALLENGE_EXPERT, Direction.CHALLENGE_ACHIEVEMENT):
        rows = Challenge.objects.filter(pk__in=source_ids).values_list("pk", "industry_node_id")
    elif direction == Direction.ACHIEVEMENT_ENTERPRISE:
        rows = Achievement.objects.filter(pk__in=source_ids).values_list("pk", "industry_node_id")
    else:
        rows = TalentProfile.objects.filter(pk__in=source_ids).values_list("pk", "industry_nodes")
    nodes: dict[int, set[int]] = {}
    for pk, node in rows:
        if node:
            nodes.setdefault(pk, set()).add(node)
    return nodes


def _feedback_boosts(direction: str, source_id: int, query: P.Profile, keys: list[str]) -> dict[str, dict]:
    """Accepted matches of the same candidates for other sources lift them a little."""
    by_type: dict[int, dict[int, str]] = {}
    for key in keys:
        kind, pk = P.split_key(key)
        by_type.setdefault(_content_type(CANDIDATE_MODELS[kind]).pk, {})[pk] = key
    accepted = []
    for type_id, ids in by_type.items():
        accepted += list(Match.objects.filter(direction=direction, status=Match.Status.ACCEPTED,
                                              candidate_type_id=type_id, candidate_id__in=ids)
                         .exclude(source_id=source_id).values_list("candidate_type_id", "candidate_id", "source_id"))
    if not accepted:
        return {}
    nodes = _source_nodes(direction, {s for _, _, s in accepted})
    boosts: dict[str, dict] = {}
    for type_id, candidate_id, other_source in accepted:
        key = by_type[type_id][candidate_id]
        same_node = bool(query.nodes & nodes.get(other_source, set()))
        boost = {"boost": scoring.BOOST_SAME_NODE if same_node else scoring.BOOST_ELSEWHERE,
                 "reason": "same_node" if same_node else "accepted_elsewhere"}
        if boost["boost"] > boosts.get(key, {}).get("boost", 0):
            boosts[key] = boost
    return boosts


def _query_embedding(index, text: str, compute: bool):
    """The query vector, used only when every candidate of the pool has its own vector."""
    if not dense_enabled() or len(index) == 0 or index.dense_coverage() < 1.0:
        return None
    vectors, complete = vectors_for([text], "query", compute=compute)
    return vectors[0] if complete and vectors[0].any() else None


def readable_terms(terms, limit: int = 8) -> list[str]:
    """Shared terms for people: no single characters, no part of a term already listed (转换 in 转换效率)."""
    kept: list[str] = []
    for term in terms:
        term = term.strip()
        if len(term) < 2 or any(term in other for other in kept):
            continue
        kept = [other for other in kept if other not in term] + [term]
        if len(kept) == limit:
            break
    return kept


@dataclass
class PassCache:
    """Candidate profiles and taxonomy lookups shared by the sources of one full pass."""

    taxonomy: scoring.Taxonomy = field(default_factory=scoring.Taxonomy.load)
    profiles: dict = field(default_factory=dict)

    def candidate(self, key: str):
        if key not in self.profiles:
            self.profiles[key] = indexes.candidate_profile(key)
        return self.profiles[key]


def rank_candidates(direction: str, source, *, compute: bool = False, cache: PassCache | None = None) -> list[dict]:
    """Score the source's shortlisted candidates: [{"key", "score", "explanation"}], best first."""
    spec = DIRECTIONS[direction]
    query, _closed = _query_of(direction, source)
    text = "\n".join(query.texts)[:MAX_QUERY_CHARS]
    if not text.strip():
        return []
    index = indexes.get_index(spec.index, compute=compute)
    embedding = _query_embedding(index, text, compute)
    hits = [(key, fused) for key, fused in index.search(text, k=SHORTLIST, query_embedding=embedding)
            if P.split_key(key)[0] in spec.candidate_kinds and key != query.key]
    cache = cache or PassCache()
    boosts = _feedback_boosts(direction, source.pk, query, [key for key, _ in hits])
    ranked = []
    for key, fused in hits:
        candidate = cache.candidate(key)
        if candidate is None:  # deleted or withdrawn since the index was saved
            continue
        if direction == Direction.CHALLENGE_EXPERT and key == P.key_of("user", source.posted_by_id):
            continue
        why = index.explain(text, key, query_embedding=embedding)
        parts = {
            "text": {"score": round(scoring.text_part(fused), 4), "fused": round(fused, 4),
                     "lexical": why["lexical"], "dense": None if why["dense"] is None else round(why["dense"], 4),
                     "shared_terms": readable_terms(t["term"] for t in why["shared_terms"])},
            "node": scoring.node_part(query, candidate, cache.taxonomy),
            "field": scoring.field_part(query, candidate, cache.taxonomy),
            "trl": _trl_parts(direction, query, candidate),
        }
        if not scoring.qualifies(parts["text"]):
            continue
        boost = boosts.get(key)
        ranked.append({"key": key, "score": scoring.combine(parts, boost["boost"] if boost else 0.0),
                       "explanation": {**parts, "feedback": boost, "evidence": candidate.evidence,
                                       "weights": scoring.WEIGHTS}})
    ranked.sort(key=lambda r: -r["score"])
    return ranked


# ------------------------------------------------------------------ writes


def _source_recipients(direction: str, source) -> list:
    if direction in (Direction.CHALLENGE_EXPERT, Direction.CHALLENGE_ACHIEVEMENT):
        return [source.posted_by]
    if direction == Direction.ACHIEVEMENT_ENTERPRISE:
        if source.broker is not None:
            return [source.broker]
        owners = [o for o in (source.owner, source.school) if o is not None]
        return list({m.user for o in owners for m in o.memberships.filter(role=Role.TTO_STAFF, is_active=True)})
    return []


def match_refresh(*, direction: str, source_id: int, compute: bool = False, cache: PassCache | None = None) -> int:
    """Recompute the matches of one source in one direction; returns how many are stored.

    Dismissed matches are never revived and keep their old score; accepted ones are
    re-scored; new ones that fell out of the top are removed.  A source that was
    deleted loses its matches; one that closed keeps only the decided ones.
    """
    spec = DIRECTIONS[direction]
    source_type = ContentType.objects.get_for_model(spec.source_model)
    stored = Match.objects.filter(direction=direction, source_type=source_type, source_id=source_id)
    source = spec.source_model.objects.filter(pk=source_id).first()
    if source is None:
        stored.delete()
        return 0
    _query, closed = _query_of(direction, source)
    ranked = [] if closed else rank_candidates(direction, source, compute=compute, cache=cache)
    now = timezone.now()
    with transaction.atomic():
        existing = {candidate_key(m): m for m in stored.select_related("candidate_type").select_for_update(of=("self",))}
        dismissed = {key for key, m in existing.items() if m.status == Match.Status.DISMISSED}
        ranked = [r for r in ranked if r["key"] not in dismissed][:TOP_K]
        fresh, updated = [], []
        for rank, result in enumerate(ranked, start=1):
            match = existing.get(result["key"])
            if match is None:
                kind, pk = P.split_key(result["key"])
                fresh.append(Match(direction=direction, source_type=source_type, source_id=source_id,
                                   candidate_type=_content_type(CANDIDATE_MODELS[kind]), candidate_id=pk,
                                   score=result["score"], rank=rank, explanation=result["explanation"],
                                   computed_at=now))
            else:
                match.score, match.rank, match.explanation, match.computed_at = (
                    result["score"], rank, result["explanation"], now)
                updated.append(match)
        kept = {r["key"] for r in ranked}
        stale = [m.pk for key, m in existing.items() if key not in kept and m.status == Match.Status.NEW]
        Match.objects.filter(pk__in=stale).delete()
        Match.objects.bulk_create(fresh, ignore_conflicts=True)  # a concurrent run may have inserted them
        Match.objects.bulk_update(updated, ["score", "rank", "explanation", "computed_at"])
        strong = [m for m in fresh if m.score >= NOTIFY_SCORE]
        if strong:
            _notify_new_matches(direction, source, len(strong))
    return len(ranked)


def _source_url(direction: str, source) -> str:
    if isinstance(source, Challenge):
        return f"/projects/challenges/{source.pk}/"
    if isinstance(source, Achievement):
        return f"/transfer/achievements/{source.pk}/"
    return f"/talent/profiles/{source.pk}/"


def _notify_new_matches(direction: str, source, count: int) -> None:
    recipients = _source_recipients(direction, source)
    if recipients:
        notify(recipients=recipients, event="matching.new_match",
               title=_("%(count)d new strong matches: %(title)s") % {"count": count, "title": source},
               body=str(Direction(direction).label), url=_source_url(direction, source))


def refresh_source(source, *, compute: bool = False) -> int:
    return sum(match_refresh(direction=d, source_id=source.pk, compute=compute)
               for d in DIRECTIONS_OF_SOURCE[type(source)])


def challenge_changed(*, challenge_id: int, compute: bool = False) -> int:
    """A challenge was created, edited or deleted: its poster's profile and its matches."""
    poster_id = Challenge.objects.filter(pk=challenge_id).values_list("poster_id", flat=True).first()
    if poster_id is not None and Organisation.objects.filter(pk=poster_id, kind=Organisation.Kind.ENTERPRISE).exists():
        indexes.update_candidate("organisations", P.key_of("organisation", poster_id), compute=compute)
    return sum(match_refresh(direction=d, source_id=challenge_id, compute=compute)
               for d in DIRECTIONS_OF_SOURCE[Challenge])


def achievement_changed(*, achievement_id: int, compute: bool = False) -> int:
    """An achievement changed: the achievements index, its inventors' expert profiles, its matches."""
    indexes.update_candidate("achievements", P.key_of("achievement", achievement_id), compute=compute)
    for patent_id in Patent.objects.filter(achievements=achievement_id).values_list("pk", flat=True):
        indexes.update_candidate("achievements", P.key_of("patent", patent_id), compute=compute)
    for user_id in Achievement.inventors.through.objects.filter(achievement_id=achievement_id).values_list(
            "user_id", flat=True):
        indexes.update_candidate("experts", P.key_of("user", user_id), compute=compute)
    return match_refresh(direction=Direction.ACHIEVEMENT_ENTERPRISE, source_id=achievement_id, compute=compute)


def talent_changed(*, profile_id: int, compute: bool = False) -> int:
    """A talent profile or its evidence changed: the owner's expert profile and the profile's matches."""
    user_id = TalentProfile.objects.filter(pk=profile_id).values_list("user_id", flat=True).first()
    if user_id is not None:
        indexes.update_candidate("experts", P.key_of("user", user_id), compute=compute)
    return match_refresh(direction=Direction.TALENT_ENTERPRISE, source_id=profile_id, compute=compute)


def refresh_all(*, compute: bool = False) -> dict[str, int]:
    """The nightly pass: rebuild every index (with the current dictionary), then every live source."""
    indexes.ensure_dictionary(refresh=True)
    for name in indexes.INDEXES:
        indexes.rebuild(name, compute=compute)
    counts, cache = {}, PassCache()
    for direction, spec in DIRECTIONS.items():
        live = {Challenge: P.live_challenges, Achievement: P.live_achievements,
                TalentProfile: P.live_talent}[spec.source_model]()
        counts[direction] = sum(match_refresh(direction=direction, source_id=pk, compute=compute, cache=cache)
                                for pk in live.values_list("pk", flat=True).iterator())
    logger.info("matching: full pass stored %s", counts)
    return counts


# ------------------------------------------------------------------ feedback


@transaction.atomic
def match_decide(*, actor, match: Match, verdict: str, reason: str = "") -> Match:
    """Accept or dismiss a match.  A dismissed match never comes back; an accepted one
    lifts the same candidate a little for other sources (see scoring)."""
    if verdict not in MatchFeedback.Verdict.values:
        raise ValidationError({"verdict": _("Choose to accept or to dismiss the match.")})
    require(actor, "matching.decide_match", match,
            _("Only the people responsible for the source of this match may decide on it."))
    match = Match.objects.select_for_update().get(pk=match.pk)
    reason = (reason or "").strip()
    if len(reason) > 2000:
        raise ValidationError({"reason": _("Keep the reason under 2,000 characters.")})
    if match.status == verdict:
        return match
    match.status, match.decided_by, match.decided_at = verdict, actor, timezone.now()
    match.save(update_fields=["status", "decided_by", "decided_at"])
    MatchFeedback.objects.create(match=match, user=actor, verdict=verdict, reason=reason)
    audit_log(actor=actor, action=f"match.{verdict}", target=match, reason=reason)
    return match


@transaction.atomic
def match_push(*, actor, match: Match, note: str = ""):
    """Turn an achievement → enterprise match into a push (and accept the match)."""
    from transfer.services import push_create

    if match.direction != Direction.ACHIEVEMENT_ENTERPRISE:
        raise ValidationError(_("Only an achievement → enterprise match can become a push."))
    achievement, enterprise = match.source, match.candidate
    if achievement is None or enterprise is None:
        raise ValidationError(_("The achievement or the enterprise of this match no longer exists."))
    push = push_create(actor=actor, achievement=achievement, enterprise=enterprise, note=note, source="matching")
    if match.status != Match.Status.ACCEPTED:
        match_decide(actor=actor, match=match, verdict=Match.Status.ACCEPTED, reason=_("Pushed to the enterprise."))
    return push
