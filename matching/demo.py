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

from . import profiles as P
from . import services, signals
from .embeddings import dense_enabled, vectors_for
from .models import Direction, Match


def _embed_showcase() -> None:
    """Store vectors for the showcase texts, so the pass below finds them ready."""
    passages = []
    for user in P.expert_queryset():
        passages += P.expert_profile(user).texts
    for organisation in P.enterprise_candidates():
        passages += P.enterprise_profile(organisation).texts
    for center in P.center_candidates():
        passages += P.center_profile(center).texts
    queries = [P.challenge_text(c) for c in P.live_challenges()]
    queries += ["\n".join(P.talent_query(t).texts) for t in P.live_talent()]
    queries += [P.achievement_text(a) for a in P.live_achievements().filter(source=Achievement.Source.MANUAL)]
    vectors_for(passages, "passage", compute=True)
    vectors_for(queries, "query", compute=True)


def load(ctx) -> None:
    if dense_enabled():
        _embed_showcase()
    counts = services.refresh_all(compute=False)
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
    ctx.notes.append("matching: " + ", ".join(f"{d} {n}" for d, n in counts.items())
                     + " — “我的匹配” (/matching/) for brokers, posting sides and experts")
