"""Reads of centers and consortia, and who signs for each side of a center."""
from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q

from platform_core.models import IndustryNode, Membership, Organisation, Role
from platform_core.permissions import is_platform_admin
from platform_core.signoff import PartySpec, register_authority

from .models import CenterMember, Consortium, JointCenter, Side


def centers_visible_to(user):
    """Centers are a registry every signed-in user may read."""
    if not user.is_authenticated:
        return JointCenter.objects.none()
    return JointCenter.objects.select_related("enterprise", "university")


def consortia_visible_to(user):
    if not user.is_authenticated:
        return Consortium.objects.none()
    return Consortium.objects.select_related("lead")


# Industry-chain positions as a page shows them (each node names its chain).
NODES_WITH_CHAIN = Prefetch("industry_nodes", queryset=IndustryNode.objects.select_related("chain"))


def center_list(user, *, query: str = "", status: str = "", organisation: int | None = None):
    centers = centers_visible_to(user)
    if query:
        centers = centers.filter(Q(name_zh__icontains=query) | Q(name_en__icontains=query)
                                 | Q(research_directions__icontains=query)
                                 | Q(enterprise__name_zh__icontains=query) | Q(university__name_zh__icontains=query))
    if status:
        centers = centers.filter(status=status)
    if organisation:
        centers = centers.filter(Q(enterprise_id=organisation) | Q(university_id=organisation))
    return centers


def consortium_list(user, *, query: str = "", kind: str = ""):
    consortia = consortia_visible_to(user)
    if query:
        consortia = consortia.filter(Q(name_zh__icontains=query) | Q(name_en__icontains=query)
                                     | Q(goals__icontains=query) | Q(lead__name_zh__icontains=query))
    if kind:
        consortia = consortia.filter(kind=kind)
    return consortia


def centers_of_user(user):
    """Centers the user holds a position in, or whose enterprise/university they belong to."""
    if not user.is_authenticated:
        return JointCenter.objects.none()
    org_ids = Membership.objects.active().filter(user=user).values("organisation_id")
    return JointCenter.objects.filter(
        Q(pk__in=CenterMember.objects.filter(user=user).values("center_id"))
        | Q(enterprise_id__in=org_ids) | Q(university_id__in=org_ids)
    ).select_related("enterprise", "university")


def centers_with_sides(organisations):
    """Centers in which one of the organisations is the enterprise or the university side."""
    return JointCenter.objects.filter(Q(enterprise__in=organisations) | Q(university__in=organisations))


def people_of(organisations):
    """Active members of the organisations or of their schools, by username (to pick from)."""
    units = Organisation.objects.filter(Q(pk__in=organisations) | Q(parent__in=organisations)).values("pk")
    return get_user_model().objects.filter(
        pk__in=Membership.objects.active().filter(organisation__in=units).values("user_id")).order_by("username", "pk")


def centers_directed_by(user):
    leaders = [CenterMember.Position.DIRECTOR, CenterMember.Position.CHIEF_SCIENTIST]
    return JointCenter.objects.filter(
        pk__in=CenterMember.objects.filter(user=user, position__in=leaders).values("center_id"))


def center_leaders(center, side: str) -> dict:
    """{position: CenterMember} of the director and chief scientist of one side."""
    leaders = center.members.filter(side=side).exclude(position=CenterMember.Position.MEMBER).select_related("user")
    return {m.position: m for m in leaders}


def organisation_signatories(organisation: Organisation) -> list:
    """People who may sign for an organisation outside a center: its org admins.

    A school inside a university signs through its parent's org admins when it has none.
    """
    admins = [m.user for m in Membership.objects.active().filter(organisation=organisation, role=Role.ORG_ADMIN)
              .select_related("user") if m.user.is_active]
    if not admins and organisation.parent_id:
        return organisation_signatories(organisation.parent)
    return admins


def center_side_signatories(center: JointCenter, side: str, leaders: dict | None = None) -> list:
    """The director and chief scientist of that side sign for it (双签字).

    Fallback (our decision): when a side has neither a director nor a chief scientist
    appointed, its organisation's org admins sign, so that a center is never blocked
    by a vacancy. Directors and chief scientists never sign for the other side.
    `leaders` are that side's center_leaders when the caller has them already.
    """
    leaders = center_leaders(center, side) if leaders is None else leaders
    signers = [m.user for m in leaders.values() if m.user.is_active]
    return signers or organisation_signatories(center.organisation_of(side))


def center_sides(center: JointCenter) -> list[tuple]:
    """(label, organisation, {position: leader}, signatories) of each side, its leaders read once."""
    leaders = {side: {} for side in Side.values}
    for m in center.members.exclude(position=CenterMember.Position.MEMBER).select_related("user"):
        leaders[m.side][m.position] = m
    return [(label, center.organisation_of(side), leaders[side], center_side_signatories(center, side, leaders[side]))
            for side, label in Side.choices]


def center_members(center: JointCenter):
    """The center's plain members (not its leaders), side by side."""
    return center.members.filter(position=CenterMember.Position.MEMBER).select_related("user").order_by("side", "id")


def center_parties(center: JointCenter) -> list[PartySpec]:
    """The two parties of any dual sign-off of this center."""
    from django.utils.translation import gettext as _

    return [center_side_party(center, Side.ENTERPRISE, _("Enterprise side")),
            center_side_party(center, Side.UNIVERSITY, _("University side"))]


def center_side_party(center: JointCenter, side: str, label) -> PartySpec:
    """That side of the center signs: who holds its director / chief scientist positions when signing."""
    return PartySpec(organisation=center.organisation_of(side), label=label,
                     authority="center_side", authority_params={"center": center.pk, "side": side})


def organisation_party(organisation: Organisation, label, *, also=()) -> PartySpec:
    """An organisation signs through its org admins (when signing); `also` are members who may sign too."""
    return PartySpec(organisation=organisation, label=label, authority="organisation_admins",
                     authority_params={"organisation": organisation.pk, "also": [u.pk for u in also]})


def _center_side_authority(params) -> list:
    center = JointCenter.objects.filter(pk=params["center"]).first()
    return center_side_signatories(center, params["side"]) if center else []


def _organisation_admins_authority(params) -> list:
    organisation = Organisation.objects.filter(pk=params["organisation"]).first()
    if organisation is None:
        return []
    # Someone named (the poster of a challenge) keeps the right to sign while an active member there.
    also = [m.user for m in Membership.objects.active().filter(organisation=organisation, user_id__in=params["also"])
            .select_related("user") if m.user.is_active]
    admins = organisation_signatories(organisation)
    return list(dict.fromkeys([*also, *admins]))


register_authority("center_side", _center_side_authority)
register_authority("organisation_admins", _organisation_admins_authority)


def center_side_for_organisation(center: JointCenter, organisation: Organisation) -> str | None:
    """Which side of the center an organisation (or a school inside it) is on."""
    ids = {organisation.pk, organisation.parent_id}
    if center.enterprise_id in ids:
        return Side.ENTERPRISE
    if center.university_id in ids:
        return Side.UNIVERSITY
    return None


def is_center_participant(user, center: JointCenter) -> bool:
    return centers_of_user(user).filter(pk=center.pk).exists()


def center_positions_of(user):
    """The user's positions in centers (director, chief scientist, member), for the home page."""
    if not user.is_authenticated:
        return CenterMember.objects.none()
    return CenterMember.objects.filter(user=user).select_related("center__enterprise", "center__university")


def center_and_consortium_counts() -> dict[str, int]:
    """一中心 figures for the whole platform: live joint centers and innovation consortia."""
    return {
        **JointCenter.objects.aggregate(centers=Count("pk", filter=Q(status=JointCenter.Status.ACTIVE)),
                                        centers_preparing=Count("pk", filter=Q(status=JointCenter.Status.PREPARING))),
        "consortia": Consortium.objects.exclude(status=Consortium.Status.DISSOLVED).count(),
    }


def reporting_records() -> dict:
    """Every record of this app the reporting app aggregates and lists (issue 10): unscoped and read-only.
    Reporting applies its own scope (program officers read across organisations, leaders their own) and
    reads only non-confidential fields."""
    return {"center": JointCenter.objects.all(), "consortium": Consortium.objects.all()}


def center_decisions_visible_to(user):
    """Decisions of the centers the user takes part in (either side's people, and its co-signer's)."""
    from .models import CenterDecision

    if not user.is_authenticated:
        return CenterDecision.objects.none()
    qs = CenterDecision.objects.select_related("center", "co_signer")
    if is_platform_admin(user):
        return qs
    return qs.filter(Q(center__in=centers_of_user(user).values("pk"))
                     | Q(co_signer_id__in=Membership.objects.active().filter(user=user).values("organisation_id")))
