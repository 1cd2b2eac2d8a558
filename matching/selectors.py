"""Reads of the matching app: the queryset form of `permissions.py` and the rows pages show."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.urls import reverse

from consortia.models import JointCenter
from platform_core.models import Membership, Organisation
from platform_core.permissions import is_platform_admin
from projects.models import Challenge
from projects.permissions import MANAGING_ROLES
from talent.models import TalentProfile
from talent.permissions import UNIVERSITY_HR_ROLES
from transfer.models import Achievement, Patent
from transfer.selectors import achievements_managed_by

from .models import Direction, Match

CHALLENGE_DIRECTIONS = (Direction.CHALLENGE_EXPERT, Direction.CHALLENGE_ACHIEVEMENT)


def _ct(model) -> ContentType:
    return ContentType.objects.get_for_model(model)


def _challenges_run_by(user, *, with_center_members: bool) -> QuerySet:
    managed = Membership.objects.active().filter(user=user, role__in=MANAGING_ROLES).values("organisation_id")
    side = (Q(posted_by=user) | Q(poster_id__in=managed) | Q(poster__parent_id__in=managed)
            | Q(partner_id__in=managed) | Q(partner__parent_id__in=managed))
    if with_center_members:
        side |= Q(center__members__user=user)
    return Challenge.objects.filter(side).values("pk")


def _talent_kept_by(user) -> QuerySet:
    hr_orgs = Membership.objects.active().filter(user=user, role__in=UNIVERSITY_HR_ROLES).values("organisation_id")
    return TalentProfile.objects.filter(Q(user=user) | Q(organisation_id__in=hr_orgs)).values("pk")


def matches_visible_to(user) -> QuerySet[Match]:
    """Every match the user may read (see permissions.py), dismissed ones included."""
    if not user.is_authenticated:
        return Match.objects.none()
    qs = Match.objects.select_related("source_type", "candidate_type", "decided_by")
    if is_platform_admin(user):
        return qs
    challenge_ct = _ct(Challenge)
    visible = (
        Q(direction__in=CHALLENGE_DIRECTIONS, source_type=challenge_ct,
          source_id__in=_challenges_run_by(user, with_center_members=True))
        | Q(direction=Direction.ACHIEVEMENT_ENTERPRISE, source_type=_ct(Achievement),
            source_id__in=achievements_managed_by(user).values("pk"))
        | Q(direction=Direction.TALENT_ENTERPRISE, source_type=_ct(TalentProfile),
            source_id__in=_talent_kept_by(user))
        | Q(direction=Direction.CHALLENGE_EXPERT, candidate_type=_ct(get_user_model()), candidate_id=user.pk,
            source_id__in=Challenge.objects.exclude(status=Challenge.Status.DRAFT).values("pk"))
    )
    return qs.filter(visible)


def matches_of_source(user, source, *, include_dismissed: bool = False) -> QuerySet[Match]:
    qs = matches_visible_to(user).filter(source_type=_ct(type(source)), source_id=source.pk)
    return qs if include_dismissed else qs.exclude(status=Match.Status.DISMISSED)


def matches_of_candidate(user, candidate, directions) -> QuerySet[Match]:
    return (matches_visible_to(user).filter(candidate_type=_ct(type(candidate)), candidate_id=candidate.pk,
                                            direction__in=directions)
            .exclude(status=Match.Status.DISMISSED))


def my_matches(user, *, direction: str = "", status: str = "") -> QuerySet[Match]:
    qs = matches_visible_to(user).order_by("-score", "id")
    if direction:
        qs = qs.filter(direction=direction)
    if status:
        qs = qs.filter(status=status)
    else:
        qs = qs.exclude(status=Match.Status.DISMISSED)
    return qs


# ------------------------------------------------------------------ presentation


def describe(obj) -> dict:
    """{"label", "url", "kind", "detail"} of a source or candidate object (None if deleted)."""
    if obj is None:
        return {"label": "—", "url": "", "kind": "", "detail": ""}
    if isinstance(obj, Challenge):
        return {"label": obj.title, "url": reverse("projects:challenge-detail", args=[obj.pk]),
                "kind": "challenge", "detail": str(obj.poster)}
    if isinstance(obj, Achievement):
        return {"label": obj.title, "url": reverse("transfer:achievement-detail", args=[obj.pk]),
                "kind": "achievement", "detail": f"{obj.owner} · TRL {obj.trl}"}
    if isinstance(obj, Patent):
        return {"label": obj.title, "url": reverse("transfer:patent-detail", args=[obj.pk]),
                "kind": "patent", "detail": obj.application_number}
    if isinstance(obj, Organisation):
        return {"label": obj.name, "url": reverse("platform:organisation-detail", args=[obj.pk]),
                "kind": "organisation", "detail": obj.get_kind_display()}
    if isinstance(obj, JointCenter):
        return {"label": str(obj), "url": reverse("consortia:center-detail", args=[obj.pk]),
                "kind": "center", "detail": ""}
    if isinstance(obj, TalentProfile):
        return {"label": obj.name_zh, "url": reverse("talent:profile-detail", args=[obj.pk]),
                "kind": "talent", "detail": str(obj.organisation)}
    if isinstance(obj, get_user_model()):
        profile = TalentProfile.objects.filter(user=obj).first()
        organisation = Membership.objects.active().filter(user=obj).select_related("organisation").first()
        return {"label": profile.name_zh if profile else str(obj),
                "url": reverse("talent:profile-detail", args=[profile.pk]) if profile else "",
                "kind": "expert", "detail": str(organisation.organisation) if organisation else ""}
    return {"label": str(obj), "url": "", "kind": "", "detail": ""}


def match_rows(user, matches) -> list[dict]:
    """Matches with their source and candidate described and the user's allowed actions."""
    matches = list(matches.prefetch_related("source", "candidate")) if hasattr(matches, "prefetch_related") \
        else list(matches)
    rows = []
    for match in matches:
        rows.append({
            "match": match,
            "source": describe(match.source),
            "candidate": describe(match.candidate),
            "can_decide": user.has_perm("matching.decide_match", match),
            "can_push": (match.direction == Direction.ACHIEVEMENT_ENTERPRISE and match.source is not None
                         and user.has_perm("transfer.push_achievement", match.source)),
        })
    return rows
