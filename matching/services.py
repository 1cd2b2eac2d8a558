"""Writes of the matching app: computing matches, feedback, and the push a broker makes from a match.

Computing runs in Celery (`tasks.py`); the functions below take ids, re-read the rows
and are idempotent: running one twice leaves the same rows (the unique constraint on
direction, source and candidate makes a duplicate impossible).

One scoring and one writing path serve two callers:

* the nightly full pass (`refresh_all`) reads every candidate profile once per index
  (in bulk), rebuilds the indexes from them, searches the live sources of a direction
  in batches (`Index.search_many`) and writes their matches CHUNK sources per
  transaction; the people responsible hear of strong new matches once per pass, in
  one digest each;
* the refresh after a save (`challenge_changed`, `achievement_changed`,
  `talent_changed`, `match_refresh`) runs the same code on one source, and tells its
  people about that source.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Model, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from platform_core.audit import audit_log
from platform_core.models import Membership, Organisation, Role
from platform_core.notifications import notify
from platform_core.permissions import require
from projects.models import Challenge
from talent.models import TalentProfile
from transfer.models import Achievement, Patent

from . import indexes, scoring
from . import profiles as P
from .embeddings import dense_enabled, embed_missing, vectors_for
from .engine import Index
from .models import Direction, Match, MatchFeedback

logger = logging.getLogger(__name__)

SHORTLIST = 40   # candidates taken from the text index before structured re-ranking
TOP_K = 10       # matches kept per source and direction
NOTIFY_SCORE = 0.7
MAX_QUERY_CHARS = 20_000  # the opening of a very long text carries its topic; BM25 on 1 MB helps nobody
CHUNK = 500      # sources searched together and written in one transaction by the full pass
DIGEST_LINES = 5  # sources named in a digest


@dataclass(frozen=True)
class DirectionSpec:
    source_model: type[Model]
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


def _candidate_kinds() -> dict[int, str]:
    """Content type id -> candidate kind."""
    return {_content_type(label).pk: kind for kind, label in CANDIDATE_MODELS.items()}


# ------------------------------------------------------------------ sources


def _live(model) -> QuerySet:
    return {Challenge: P.live_challenges, Achievement: P.live_achievements, TalentProfile: P.live_talent}[model]()


def _with_query_relations(model, queryset: QuerySet) -> QuerySet:
    """What the query profile of a source reads, fetched with it."""
    if model is Challenge:
        return queryset.select_related("topic")
    if model is TalentProfile:
        return queryset.prefetch_related("evidence", "industry_nodes", "fields")
    return queryset


QUERY_PROFILE = {Challenge: P.challenge_query, Achievement: P.achievement_query, TalentProfile: P.talent_query}


@dataclass
class Source:
    obj: Model
    query: P.Profile
    text: str  # what is searched


def _live_sources(model, ids: list[int]) -> list[Source]:
    sources = []
    for obj in _with_query_relations(model, _live(model).filter(pk__in=ids)):
        query = QUERY_PROFILE[model](obj)
        sources.append(Source(obj, query, "\n".join(query.texts)[:MAX_QUERY_CHARS]))
    return sources


# ------------------------------------------------------------------ feedback boosts


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


@dataclass
class FeedbackBoosts:
    """Accepted matches of a direction: a candidate accepted for other sources is lifted a little."""

    accepted: dict[str, list[tuple[int, set[int]]]]  # candidate key -> [(other source, its nodes)]

    @classmethod
    def load(cls, direction: str, keys: Iterable[str] | None = None) -> "FeedbackBoosts":
        """For the whole direction (the full pass), or only for the candidates ``keys``."""
        kinds = _candidate_kinds()
        accepted = Match.objects.filter(direction=direction, status=Match.Status.ACCEPTED)
        if keys is not None:
            by_type: dict[int, set[int]] = {}
            type_of = {kind: type_id for type_id, kind in kinds.items()}
            for key in keys:
                kind, pk = P.split_key(key)
                by_type.setdefault(type_of[kind], set()).add(pk)
            if not by_type:
                return cls({})
            condition = None
            for type_id, ids in by_type.items():
                q = Q(candidate_type_id=type_id, candidate_id__in=ids)
                condition = q if condition is None else condition | q
            accepted = accepted.filter(condition)
        rows = list(accepted.values_list("candidate_type_id", "candidate_id", "source_id"))
        nodes = _source_nodes(direction, {source for _, _, source in rows})
        found: dict[str, list[tuple[int, set[int]]]] = {}
        for type_id, candidate_id, source_id in rows:
            found.setdefault(P.key_of(kinds[type_id], candidate_id), []).append(
                (source_id, nodes.get(source_id, set())))
        return cls(found)

    def boost(self, key: str, source_id: int, query: P.Profile) -> dict | None:
        best = None
        for other_source, nodes in self.accepted.get(key, ()):
            if other_source == source_id:
                continue
            same_node = bool(query.nodes & nodes)
            boost = {"boost": scoring.BOOST_SAME_NODE if same_node else scoring.BOOST_ELSEWHERE,
                     "reason": "same_node" if same_node else "accepted_elsewhere"}
            if boost["boost"] > (best["boost"] if best else 0):
                best = boost
        return best


# ------------------------------------------------------------------ scoring


def _trl_parts(direction: str, query: P.Profile, candidate: P.Profile) -> dict:
    if direction == Direction.CHALLENGE_ACHIEVEMENT:
        return scoring.trl_part(query.trl, candidate.trl)
    if direction == Direction.ACHIEVEMENT_ENTERPRISE:
        return scoring.trl_part(candidate.trl, query.trl)
    return {"score": None, "relation": "not_applicable"}


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
class Pool:
    """What one direction scores against: the index and how to read candidate profiles and feedback."""

    direction: str
    index: Index
    profiles: Callable[[Iterable[str]], dict[str, P.Profile]]
    boosts: Callable[[Iterable[str]], FeedbackBoosts]
    taxonomy: scoring.Taxonomy
    compute: bool
    dense: bool = field(init=False)

    def __post_init__(self):
        # The dense part only when every candidate of the pool has its own vector.
        self.dense = dense_enabled() and len(self.index) > 0 and self.index.dense_coverage() >= 1.0

    @property
    def spec(self) -> DirectionSpec:
        return DIRECTIONS[self.direction]


@dataclass
class Scored:
    key: str
    fused: float
    parts: dict  # node, field, trl
    boost: dict | None
    score: float
    candidate: P.Profile


def _query_vectors(pool: Pool, texts: list[str]) -> list[np.ndarray | None]:
    """Each text's query vector where it has one (the dense part needs it)."""
    if not pool.dense:
        return [None] * len(texts)
    vectors, _complete = vectors_for(texts, "query", compute=pool.compute)
    return [v if v.any() else None for v in vectors]


def _shortlists(pool: Pool, sources: list[Source]) -> tuple[list[list[tuple[str, float]]], list]:
    """The engine's best candidates of each source (one batch search per kind of query), its query vector."""
    vectors = _query_vectors(pool, [s.text for s in sources])
    hits: list[list[tuple[str, float]]] = [[] for _ in sources]
    for dense in (True, False):
        group = [i for i, v in enumerate(vectors) if (v is not None) == dense and sources[i].text.strip()]
        if not group:
            continue
        found = pool.index.search_many([sources[i].text for i in group], k=SHORTLIST,
                                       query_embeddings=np.stack([vectors[i] for i in group]) if dense else None)
        for i, result in zip(group, found, strict=True):
            hits[i] = [(key, fused) for key, fused in result
                       if P.split_key(key)[0] in pool.spec.candidate_kinds and key != sources[i].query.key]
    return hits, vectors


def _score(pool: Pool, source: Source, hits, profiles: dict, boosts: FeedbackBoosts) -> list[Scored]:
    """The structured score of every shortlisted candidate, best first (the text explanation comes later)."""
    excluded = (P.key_of("user", source.obj.posted_by_id)
                if pool.direction == Direction.CHALLENGE_EXPERT else None)
    scored = []
    for key, fused in hits:
        candidate = profiles.get(key)
        if candidate is None or key == excluded:  # gone or withdrawn since the index was saved; the poster
            continue
        parts = {"node": scoring.node_part(source.query, candidate, pool.taxonomy),
                 "field": scoring.field_part(source.query, candidate, pool.taxonomy),
                 "trl": _trl_parts(pool.direction, source.query, candidate)}
        boost = boosts.boost(key, source.obj.pk, source.query)
        score = scoring.combine({"text": {"score": round(scoring.text_part(fused), 4)}, **parts},
                                boost["boost"] if boost else 0.0)
        scored.append(Scored(key, fused, parts, boost, score, candidate))
    scored.sort(key=lambda s: -s.score)
    return scored


def _top(pool: Pool, source: Source, scored: list[Scored], vector, skip: set[str]) -> list[dict]:
    """The best TOP_K that share a key term (or stand out semantically), leaving out ``skip``:
    [{"key", "score", "explanation"}].  Only these are explained."""
    kept, explain = [], None
    for s in scored:
        if s.key in skip:
            continue
        explain = explain or pool.index.explainer(source.text, query_embedding=vector)
        why = explain(s.key)
        text = {"score": round(scoring.text_part(s.fused), 4), "fused": round(s.fused, 4),  # as in the score
                "lexical": why["lexical"], "dense": None if why["dense"] is None else round(why["dense"], 4),
                "shared_terms": readable_terms(t["term"] for t in why["shared_terms"])}
        if not scoring.qualifies(text):
            continue
        kept.append({"key": s.key, "score": s.score,
                     "explanation": {"text": text, **s.parts, "feedback": s.boost,
                                     "evidence": s.candidate.evidence, "weights": scoring.WEIGHTS}})
        if len(kept) == TOP_K:
            break
    return kept


# ------------------------------------------------------------------ writes


@dataclass
class News:
    """Strong new matches found by one run: (direction, source object, how many)."""

    found: list[tuple[str, Model, int]] = field(default_factory=list)

    def add(self, direction: str, source: Model, count: int) -> None:
        if count:
            self.found.append((direction, source, count))

    def _recipients(self) -> dict[tuple[type, int], list[int]]:
        """Who hears of each source's matches: the challenge's poster; the achievement's broker,
        else the technology-transfer staff of its owner and school."""
        recipients: dict[tuple[type, int], list[int]] = {}
        unbrokered = [s for _d, s, _n in self.found if isinstance(s, Achievement) and s.broker_id is None]
        orgs = {o for s in unbrokered for o in (s.owner_id, s.school_id) if o is not None}
        staff: dict[int, list[int]] = {}
        for org, user in (Membership.objects.filter(organisation_id__in=orgs, role=Role.TTO_STAFF, is_active=True)
                          .values_list("organisation_id", "user_id")):
            staff.setdefault(org, []).append(user)
        for _direction, source, _count in self.found:
            if isinstance(source, Challenge):
                users = [source.posted_by_id]
            elif isinstance(source, Achievement):
                users = ([source.broker_id] if source.broker_id is not None else
                         [u for o in (source.owner_id, source.school_id) if o is not None for u in staff.get(o, [])])
            else:
                users = []
            recipients[(type(source), source.pk)] = list(dict.fromkeys(users))
        return recipients

    def send_per_source(self) -> int:
        """After a save: one notification per source (all its directions together)."""
        per_source: dict[tuple[type, int], list[tuple[str, Model, int]]] = {}
        for item in self.found:
            per_source.setdefault((type(item[1]), item[1].pk), []).append(item)
        recipients = self._recipients()
        users = get_user_model().objects.in_bulk({u for ids in recipients.values() for u in ids})
        sent = 0
        for source_key, items in per_source.items():
            people = [users[u] for u in recipients[source_key] if u in users]
            if not people:
                continue
            source = items[0][1]
            sent += len(notify(
                recipients=people, event="matching.new_match", url=_source_url(source),
                params={"source": source, "matches": sum(n for *_s, n in items),
                        "directions": {d: n for d, _s, n in items}}))
        return sent

    def send_digest(self) -> int:
        """After the full pass: one notification per person, however many sources got strong new matches."""
        recipients = self._recipients()
        per_person: dict[int, dict[tuple[type, int], list]] = {}
        for _direction, source, count in self.found:
            source_key = (type(source), source.pk)
            for user in recipients[source_key]:
                entry = per_person.setdefault(user, {}).setdefault(source_key, [source, 0])
                entry[1] += count
        users = get_user_model().objects.in_bulk(per_person)
        sent = 0
        for user_id, sources in per_person.items():
            if user_id not in users:
                continue
            entries = sorted(sources.values(), key=lambda e: -e[1])
            matches = sum(n for _source, n in entries)
            kinds = {type(s) for s, _n in entries}
            sent += len(notify(recipients=[users[user_id]], event="matching.new_match", url=reverse("matching:my-matches"),
                               params={"digest": _digest_kind(kinds), "matches": matches, "sources": len(entries),
                                       "top": [source for source, _n in entries[:DIGEST_LINES]],
                                       "more": max(len(entries) - DIGEST_LINES, 0)}))
        return sent


def _digest_kind(models: set[type]) -> str:
    """Which sources a digest speaks of (the sentence is chosen when it is read: matching/events.py)."""
    if models == {Challenge}:
        return "challenges"
    if models == {Achievement}:
        return "achievements"
    return "both"


def _source_url(source) -> str:
    if isinstance(source, Challenge):
        return f"/projects/challenges/{source.pk}/"
    if isinstance(source, Achievement):
        return f"/transfer/achievements/{source.pk}/"
    return f"/talent/profiles/{source.pk}/"


def _forget_closed(direction: str, source_ids: Iterable[int] | None = None) -> None:
    """A source that closed keeps only its decided matches; one that was deleted loses them all.

    ``source_ids``: sources found not live; None: every source that is not live (the
    full pass, for sources closed or deleted without their refresh: bulk writes, imports)."""
    model = DIRECTIONS[direction].source_model
    stored = Match.objects.filter(direction=direction, source_type=ContentType.objects.get_for_model(model))
    closed = (stored.exclude(source_id__in=_live(model).values("pk")) if source_ids is None
              else stored.filter(source_id__in=list(source_ids)))
    closed.filter(status=Match.Status.NEW).delete()
    closed.exclude(source_id__in=model.objects.values("pk")).delete()


def _refresh_chunk(pool: Pool, ids: list[int], news: News) -> int:
    """Recompute the matches of these sources; returns how many are stored.

    Dismissed matches are never revived and keep their old score; accepted ones are
    re-scored; new ones that fell out of the top are removed.  A source that was
    deleted loses its matches; one that closed keeps only the decided ones.
    """
    spec = pool.spec
    sources = _live_sources(spec.source_model, ids)
    gone = set(ids) - {s.obj.pk for s in sources}
    if gone:
        _forget_closed(pool.direction, gone)
    if not sources:
        return 0
    hits, vectors = _shortlists(pool, sources)
    profiles = pool.profiles({key for found in hits for key, _ in found})
    boosts = pool.boosts({key for found in hits for key, _ in found})
    scored = [_score(pool, source, found, profiles, boosts) for source, found in zip(sources, hits, strict=True)]
    source_type = ContentType.objects.get_for_model(spec.source_model)
    kinds = _candidate_kinds()
    type_of = {kind: type_id for type_id, kind in kinds.items()}
    now = timezone.now()
    stored_count = 0
    with transaction.atomic():
        existing: dict[int, dict[str, Match]] = {}
        for match in (Match.objects.filter(direction=pool.direction, source_type=source_type,
                                           source_id__in=[s.obj.pk for s in sources])
                      .select_for_update(of=("self",))
                      .only("pk", "source_id", "candidate_type_id", "candidate_id", "status")):
            existing.setdefault(match.source_id, {})[P.key_of(kinds[match.candidate_type_id],
                                                             match.candidate_id)] = match
        fresh, updated, stale = [], [], []
        for source, candidates, vector in zip(sources, scored, vectors, strict=True):
            mine = existing.get(source.obj.pk, {})
            dismissed = {key for key, m in mine.items() if m.status == Match.Status.DISMISSED}
            ranked = _top(pool, source, candidates, vector, dismissed)
            strong = 0
            for rank, result in enumerate(ranked, start=1):
                match = mine.get(result["key"])
                if match is None:
                    kind, pk = P.split_key(result["key"])
                    fresh.append(Match(direction=pool.direction, source_type=source_type, source_id=source.obj.pk,
                                       candidate_type_id=type_of[kind], candidate_id=pk, score=result["score"],
                                       rank=rank, explanation=result["explanation"], computed_at=now))
                    strong += result["score"] >= NOTIFY_SCORE
                else:
                    match.score, match.rank, match.explanation, match.computed_at = (
                        result["score"], rank, result["explanation"], now)
                    updated.append(match)
            kept = {r["key"] for r in ranked}
            stale += [m.pk for key, m in mine.items() if key not in kept and m.status == Match.Status.NEW]
            news.add(pool.direction, source.obj, strong)
            stored_count += len(ranked)
        Match.objects.filter(pk__in=stale).delete()
        Match.objects.bulk_create(fresh, ignore_conflicts=True)  # a concurrent run may have inserted them
        _rescore(updated)
    return stored_count


RESCORED_FIELDS = ("score", "rank", "explanation", "computed_at")


def _rescore(matches: list[Match]) -> None:
    """``bulk_update(matches, RESCORED_FIELDS)`` as one prepared UPDATE run for every row.

    Django's bulk_update builds a CASE WHEN per row and field: about 0.5 ms a row, most
    of the nightly pass once every source has its matches (300,000 rows at scale)."""
    if not matches:
        return
    meta = Match._meta
    fields = [meta.get_field(name) for name in RESCORED_FIELDS]
    quote = connection.ops.quote_name
    sql = (f"UPDATE {quote(meta.db_table)} SET {', '.join(f'{quote(f.column)} = %s' for f in fields)} "
           f"WHERE {quote(meta.pk.column)} = %s")
    rows = [[f.get_db_prep_save(getattr(m, f.attname), connection) for f in fields] + [m.pk] for m in matches]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _single_pool(direction: str, compute: bool) -> Pool:
    """The pool of the refresh after a save: the persisted index, profiles read for the shortlist."""
    return Pool(direction, indexes.get_index(DIRECTIONS[direction].index, compute=compute),
                profiles=indexes.candidate_profiles,
                boosts=lambda keys: FeedbackBoosts.load(direction, keys),
                taxonomy=scoring.Taxonomy.load(), compute=compute)


def _refresh_one(direction: str, source_id: int, compute: bool, news: News) -> int:
    return _refresh_chunk(_single_pool(direction, compute), [source_id], news)


def match_refresh(*, direction: str, source_id: int, compute: bool = False) -> int:
    """Recompute the matches of one source in one direction; returns how many are stored."""
    news = News()
    stored = _refresh_one(direction, source_id, compute, news)
    news.send_per_source()
    return stored


def challenge_changed(*, challenge_id: int, compute: bool = False) -> int:
    """A challenge was created, edited or deleted: its poster's profile and its matches."""
    poster_id = Challenge.objects.filter(pk=challenge_id).values_list("poster_id", flat=True).first()
    if poster_id is not None and Organisation.objects.filter(pk=poster_id, kind=Organisation.Kind.ENTERPRISE).exists():
        indexes.update_candidate("organisations", P.key_of("organisation", poster_id), compute=compute)
    news = News()
    stored = sum(_refresh_one(d, challenge_id, compute, news) for d in DIRECTIONS_OF_SOURCE[Challenge])
    news.send_per_source()
    return stored


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


def _live_ids(model) -> list[int]:
    return list(_live(model).order_by("pk").values_list("pk", flat=True))


def pass_texts(profiles: dict[str, dict[str, P.Profile]]) -> dict[str, list[str]]:
    """What the full pass embeds: the texts of the candidates (``profiles`` of every index)
    as passages, and the query texts of every live source."""
    queries = []
    for model in DIRECTIONS_OF_SOURCE:
        ids = _live_ids(model)
        for start in range(0, len(ids), CHUNK):
            queries += [s.text for s in _live_sources(model, ids[start:start + CHUNK])]
    return {"passage": [t for pool in profiles.values() for p in pool.values() for t in p.texts],
            "query": queries}


def _refresh_direction(pool: Pool, news: News) -> dict:
    started = time.monotonic()
    _forget_closed(pool.direction)
    ids = _live_ids(pool.spec.source_model)
    count = sum(_refresh_chunk(pool, ids[start:start + CHUNK], news) for start in range(0, len(ids), CHUNK))
    return {"sources": len(ids), "stored": count, "seconds": round(time.monotonic() - started, 1)}


def refresh_all(*, compute: bool = False) -> dict:
    """The nightly pass: rebuild every index (with the current dictionary), then every live source.

    With ``compute`` (and MATCHING_DENSE on) the texts without a stored vector are
    embedded first, in committed chunks (see embeddings.py).  Returns a report: the
    texts embedded and the seconds it took, the seconds of the index builds, per
    direction the live sources, the matches stored and the seconds, the
    notifications sent and the seconds in all."""
    started = time.monotonic()
    indexes.ensure_dictionary(refresh=True)
    profiles = {name: indexes.load_profiles(name) for name in indexes.INDEXES}
    report = {"embedded": 0, "embedding_seconds": 0.0}
    if compute and dense_enabled():
        embedding = time.monotonic()
        report["embedded"] = sum(embed_missing(texts, kind) for kind, texts in pass_texts(profiles).items())
        report["embedding_seconds"] = round(time.monotonic() - embedding, 1)
    building = time.monotonic()
    built = {name: indexes.rebuild(name, profiles=profiles[name]) for name in indexes.INDEXES}
    report["indexes_seconds"] = round(time.monotonic() - building, 1)
    taxonomy, news = scoring.Taxonomy.load(), News()
    report["directions"] = {}
    for direction, spec in DIRECTIONS.items():
        known, accepted = profiles[spec.index], FeedbackBoosts.load(direction)
        pool = Pool(direction, built[spec.index],
                    profiles=lambda keys, known=known: {k: known[k] for k in keys if k in known},
                    boosts=lambda keys, accepted=accepted: accepted,
                    taxonomy=taxonomy, compute=False)  # embedded above
        report["directions"][direction] = _refresh_direction(pool, news)
    report["notifications"] = news.send_digest()
    report["seconds"] = round(time.monotonic() - started, 1)
    logger.info("matching: full pass %s", report)
    return report


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
