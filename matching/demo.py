"""Demo matches: every direction shows results on the demo pages.

Choice for speed (load_demo must stay fast on 2 cores): the demo computes embeddings
only for the hand-written showcase records — challenges, talent, enterprises, centers,
experts and the achievements entered by hand — and leaves the 320 generated pool
records lexical.  The dense part is used only where a whole candidate pool has
vectors (experts, organisations); the achievements pool stays lexical until the
nightly pass (`matching.refresh_all`, or `manage.py matching_recompute`) embeds it.
With MATCHING_DENSE off nothing is embedded at all.
"""
from django.db.models import Q

from transfer.models import Achievement

from . import indexes, services, signals
from . import profiles as P
from .embeddings import dense_enabled, embed_missing
from .models import Direction, Match


def _embed_showcase() -> None:
    """Store vectors for the showcase texts, so the pass below finds them ready."""
    passages = [t for name in ("experts", "organisations") for p in indexes.load_profiles(name).values()
                for t in p.texts]
    queries = [P.challenge_text(c) for c in P.live_challenges().select_related("topic")]
    queries += ["\n".join(P.talent_query(t).texts)
                for t in P.live_talent().prefetch_related("evidence", "industry_nodes", "fields")]
    queries += [P.achievement_text(a) for a in P.live_achievements().filter(source=Achievement.Source.MANUAL)]
    embed_missing(passages, "passage")
    embed_missing(queries, "query")


def load(ctx) -> None:
    if dense_enabled():
        _embed_showcase()
    report = services.refresh_all(compute=False)
    # The demo loaders saved hundreds of records in this transaction; the pass above covers them all.
    signals.discard_pending()
    # One decision of each kind, so the pages show accepted matches and feedback.
    broker = ctx.users["broker"]
    first = (Match.objects.filter(direction=Direction.ACHIEVEMENT_ENTERPRISE)
             .filter(Q(source_id__in=Achievement.objects.filter(source=Achievement.Source.MANUAL).values("pk")))
             .order_by("-score").first())
    if first is not None and broker.has_perm("matching.decide_match", first):
        services.match_decide(actor=broker, match=first, verdict=Match.Status.ACCEPTED,
                              reason="与企业技术路线高度契合，建议优先对接。")
    ctx.notes.append("matching: " + ", ".join(f"{d} {r['stored']}" for d, r in report["directions"].items())
                     + " — “我的匹配” (/matching/) for brokers, posting sides and experts")
