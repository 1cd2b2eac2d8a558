"""Who may see and do what in technology transfer.

The owner side of an achievement or patent is its owner organisation, the school it
belongs to, and their parent university: technology-transfer staff and brokers there
manage it. Enterprises see what was pushed to them; the confidential technical detail
opens to an enterprise only once it has expressed interest. The selectors in
`selectors.py` express the same rules as querysets.
"""
import rules
from django.db.models import Q

from platform_core.models import Membership, Organisation, Role
from platform_core.permissions import (
    holds_role,
    is_platform_admin,
    is_program_officer,
    member_organisation_ids,
    memberships_of,
)

from .models import PUBLIC_STATUSES

TRANSFER_ROLES = (Role.TTO_STAFF, Role.BROKER)
ENTERPRISE_DECISION_ROLES = (Role.RD_MANAGER, Role.ORG_ADMIN)
INCUBATOR_HOST_ROLES = (Role.ORG_ADMIN, Role.RD_MANAGER)


def owner_side_ids(*organisations) -> set[int]:
    """The given organisations and their parents (a school's university)."""
    ids = set()
    for organisation in organisations:
        if organisation is not None:
            ids.add(organisation.pk)
            if organisation.parent_id:
                ids.add(organisation.parent_id)
    return ids


def transfer_organisation_ids(user) -> set[int]:
    """Organisations where `user` is TTO staff or broker, with their schools (a university's TTO manages all)."""
    if not user.is_authenticated:
        return set()
    held = Membership.objects.active().filter(user=user, role__in=TRANSFER_ROLES).values("organisation_id")
    return set(Organisation.objects.filter(Q(pk__in=held) | Q(parent_id__in=held)).values_list("pk", flat=True))


def _holds_transfer_role(user, organisation_ids: set[int]) -> bool:
    return user.is_authenticated and Membership.objects.active().filter(
        user=user, organisation_id__in=organisation_ids, role__in=TRANSFER_ROLES
    ).exists()


@rules.predicate
def manages_achievement(user, achievement):
    return achievement is not None and _holds_transfer_role(user, owner_side_ids(achievement.owner, achievement.school))


@rules.predicate
def is_inventor(user, achievement):
    return achievement is not None and user.is_authenticated and achievement.inventors.filter(pk=user.pk).exists()


@rules.predicate
def is_owner_member(user, achievement):
    if achievement is None or not user.is_authenticated:
        return False
    ids = owner_side_ids(achievement.owner, achievement.school) | set(achievement.co_owners.values_list("pk", flat=True))
    return bool(member_organisation_ids(user) & ids)


@rules.predicate
def is_public_achievement(user, achievement):
    return achievement is not None and achievement.status in PUBLIC_STATUSES


@rules.predicate
def enterprise_received_push(user, achievement):
    return achievement is not None and achievement.pushes.filter(
        enterprise_id__in=member_organisation_ids(user)
    ).exists()


@rules.predicate
def enterprise_interested(user, achievement):
    return achievement is not None and achievement.pushes.filter(
        enterprise_id__in=member_organisation_ids(user), status__in=INTERESTED_OR_LATER
    ).exists()


@rules.predicate
def manages_push(user, push):
    return push is not None and manages_achievement(user, push.achievement)


@rules.predicate
def is_push_enterprise_member(user, push):
    return push is not None and push.enterprise_id in member_organisation_ids(user)


@rules.predicate
def decides_for_push_enterprise(user, push):
    return push is not None and push.enterprise_id in member_organisation_ids(user, *ENTERPRISE_DECISION_ROLES)


@rules.predicate
def manages_deal(user, deal):
    return deal is not None and manages_achievement(user, deal.achievement)


@rules.predicate
def is_deal_party(user, deal):
    if deal is None or not user.is_authenticated:
        return False
    return (deal.counterparty_id in member_organisation_ids(user)) or is_inventor(user, deal.achievement)


@rules.predicate
def manages_patent(user, patent):
    return patent is not None and _holds_transfer_role(user, owner_side_ids(patent.owner))


@rules.predicate
def manages_incubator(user, incubator):
    if incubator is None or not user.is_authenticated:
        return False
    if incubator.host_id in member_organisation_ids(user, *INCUBATOR_HOST_ROLES):
        return True
    return incubator.partner_university_id in member_organisation_ids(user, *TRANSFER_ROLES)


@rules.predicate
def manages_company(user, company):
    return company is not None and manages_incubator(user, company.incubator)


@rules.predicate
def works_in_transfer(user):
    return bool(member_organisation_ids(user, *TRANSFER_ROLES))


@rules.predicate
def administers_an_enterprise(user):
    return holds_role(user, Role.ORG_ADMIN, kinds=(Organisation.Kind.ENTERPRISE,))


def receives_pushes(user) -> bool:
    """Technology is pushed to enterprises: any member of one reads what was pushed to it."""
    return holds_role(user, kinds=(Organisation.Kind.ENTERPRISE,))


# Who the pool, supermarket, chain and incubator pages are for (the menu asks these).
POOL_READER_ROLES = (Role.TTO_STAFF, Role.BROKER, Role.RD_MANAGER, Role.RESEARCHER, Role.PROGRAM_OFFICER,
                     Role.FUND_MANAGER, Role.ORG_ADMIN, Role.MENTOR)
INCUBATOR_READER_ROLES = (Role.TTO_STAFF, Role.BROKER, Role.RD_MANAGER, Role.PROGRAM_OFFICER, Role.FUND_MANAGER,
                          Role.ORG_ADMIN)


def uses_pool(user) -> bool:
    """The achievement supermarket and the chain map: everyone but students, who have no use for them."""
    return is_platform_admin(user) or holds_role(user, *POOL_READER_ROLES)


def uses_incubators(user) -> bool:
    return is_platform_admin(user) or holds_role(user, *INCUBATOR_READER_ROLES)


INTERESTED_OR_LATER = ("interested", "negotiating", "deal")

manage_achievement = is_platform_admin | manages_achievement

rules.add_perm("transfer.view_achievement",
               is_platform_admin | is_program_officer | is_public_achievement | manages_achievement
               | is_inventor | is_owner_member | enterprise_received_push)
rules.add_perm("transfer.view_confidential_achievement",
               is_platform_admin | manages_achievement | is_inventor | enterprise_interested)
rules.add_perm("transfer.change_achievement", manage_achievement)
rules.add_perm("transfer.screen_achievement", manage_achievement)
rules.add_perm("transfer.push_achievement", manage_achievement)
rules.add_perm("transfer.add_deal", manage_achievement)
rules.add_perm("transfer.use_workbench", is_platform_admin | works_in_transfer)
rules.add_perm("transfer.import_pool", is_platform_admin | works_in_transfer)

rules.add_perm("transfer.view_push", is_platform_admin | manages_push | is_push_enterprise_member)
rules.add_perm("transfer.answer_push", decides_for_push_enterprise)
rules.add_perm("transfer.mark_push_viewed", is_push_enterprise_member)
rules.add_perm("transfer.negotiate_push", is_platform_admin | manages_push)

rules.add_perm("transfer.view_deal", is_platform_admin | is_program_officer | manages_deal | is_deal_party)

rules.add_perm("transfer.view_patent", rules.is_authenticated)
rules.add_perm("transfer.change_patent", is_platform_admin | manages_patent)

rules.add_perm("transfer.view_incubator", rules.is_authenticated)
rules.add_perm("transfer.add_incubator", is_platform_admin | administers_an_enterprise)
rules.add_perm("transfer.change_incubator", is_platform_admin | manages_incubator)
rules.add_perm("transfer.view_incubatedcompany", rules.is_authenticated)
rules.add_perm("transfer.change_incubatedcompany", is_platform_admin | manages_company)


def can_manage_organisation_pool(user, organisation) -> bool:
    """May `user` add achievements or patents owned by `organisation`?"""
    return is_platform_admin(user) or _holds_transfer_role(user, owner_side_ids(organisation))


# Inquiries, listing terms and roadshows (路演).

INQUIRABLE_STATUSES = PUBLIC_STATUSES + ("licensed",)


def inquiry_enterprises(user) -> set[int]:
    """Enterprises on whose behalf the user may ask about an achievement: any enterprise they belong to."""
    return {m.organisation_id for m in memberships_of(user) if m.kind == Organisation.Kind.ENTERPRISE}


@rules.predicate
def may_inquire(user, achievement):
    """An enterprise member reading a listed achievement may ask its owner's TTO about it."""
    return (achievement is not None and achievement.status in INQUIRABLE_STATUSES
            and bool(inquiry_enterprises(user)))


def roadshow_organisers(user) -> set[int]:
    """Organisations for which the user may organise a roadshow: where they are TTO staff or a broker."""
    return member_organisation_ids(user, *TRANSFER_ROLES)


def can_add_roadshow(user) -> bool:
    return is_platform_admin(user) or bool(roadshow_organisers(user))


@rules.predicate
def organises_roadshow(user, roadshow):
    return roadshow is not None and (roadshow.created_by_id == user.pk
                                     or roadshow.organiser_id in roadshow_organisers(user))


@rules.predicate
def may_register_for_roadshows(user):
    return bool(inquiry_enterprises(user))


rules.add_perm("transfer.inquire_achievement", may_inquire)
rules.add_perm("transfer.set_listing_terms", manage_achievement)
rules.add_perm("transfer.view_roadshow", rules.is_authenticated)
rules.add_perm("transfer.change_roadshow", is_platform_admin | organises_roadshow)
rules.add_perm("transfer.register_roadshow", may_register_for_roadshows)


def uses_roadshows(user) -> bool:
    """Roadshows are for the organisers (transfer staff) and the enterprises who attend."""
    return can_add_roadshow(user) or may_register_for_roadshows(user) or is_program_officer(user)


# Income: contracts, receipts, the distribution rule, payouts and the annual report (issue 11).
#
# Revenue splits and payouts (internal figures of the university) are read by the technology-transfer
# office staff of the owning institution (or of the school) and by the school's own brokers; an
# inventor reads only their own payouts. Students, mentors, other schools' brokers, enterprises and
# program officers do not (program officers read the reports submitted to them, in totals).

def tto_units(user) -> set[int]:
    """Organisations where `user` is TTO staff, with their schools."""
    if not user.is_authenticated:
        return set()
    held = Membership.objects.active().filter(user=user, role=Role.TTO_STAFF).values("organisation_id")
    return set(Organisation.objects.filter(Q(pk__in=held) | Q(parent_id__in=held)).values_list("pk", flat=True))


def income_units(user) -> tuple[set[int], set[int]]:
    """(TTO units, schools where the user is a broker): contracts of these institutions or schools are theirs."""
    return tto_units(user), member_organisation_ids(user, Role.BROKER)


def handles_income_of(user, institution_id, school_id) -> bool:
    if is_platform_admin(user):
        return True
    tto, broker_schools = income_units(user)
    return institution_id in tto or (school_id is not None and (school_id in tto or school_id in broker_schools))


@rules.predicate
def handles_contract(user, contract):
    return contract is not None and handles_income_of(user, contract.institution_id, contract.school_id)


@rules.predicate
def is_contract_team(user, contract):
    if contract is None or not user.is_authenticated:
        return False
    if contract.team_shares.filter(person=user).exists():
        return True
    return contract.achievement_id is not None and contract.achievement.inventors.filter(pk=user.pk).exists()


@rules.predicate
def is_contract_counterparty(user, contract):
    return contract is not None and contract.counterparty_id in member_organisation_ids(user)


@rules.predicate
def reads_deal_split(user, deal):
    """The revenue split of a deal: the same readers as payouts (TTO, the school's brokers, the inventors)."""
    if deal is None:
        return False
    achievement = deal.achievement
    owner = achievement.owner
    return handles_income_of(user, owner.parent_id or owner.pk, achievement.school_id) or is_inventor(user, achievement)


@rules.predicate
def may_set_distribution_rule(user, institution):
    return institution is not None and (is_platform_admin(user)
                                        or institution.pk in member_organisation_ids(user, Role.TTO_STAFF))


@rules.predicate
def writes_annual_report(user, report):
    return report is not None and (is_platform_admin(user)
                                   or report.institution_id in member_organisation_ids(user, Role.TTO_STAFF))


@rules.predicate
def receives_annual_report(user, report):
    return (report is not None and report.submitted_to_id is not None
            and report.submitted_to_id in member_organisation_ids(user, Role.PROGRAM_OFFICER))


@rules.predicate
def owns_payout(user, payout):
    return payout is not None and payout.person_id == user.pk


@rules.predicate
def handles_payout(user, payout):
    return payout is not None and handles_contract(user, payout.distribution.receipt.contract)


rules.add_perm("transfer.view_contract", is_platform_admin | is_program_officer | handles_contract
               | is_contract_team | is_contract_counterparty)
rules.add_perm("transfer.change_contract", handles_contract)
rules.add_perm("transfer.view_income_split", handles_contract)
rules.add_perm("transfer.view_revenue_split", reads_deal_split)
rules.add_perm("transfer.set_distribution_rule", may_set_distribution_rule)
rules.add_perm("transfer.view_payout", handles_payout | owns_payout)
rules.add_perm("transfer.change_payout", handles_payout)
rules.add_perm("transfer.view_annual_report", writes_annual_report | receives_annual_report)
rules.add_perm("transfer.change_annual_report", writes_annual_report)


def report_institutions(user):
    """Institutions whose annual report `user` may write: where they are TTO staff (all, for administrators)."""
    universities = Organisation.objects.filter(kind__in=("university", "institute"), parent__isnull=True)
    if is_platform_admin(user):
        return universities
    return universities.filter(pk__in=member_organisation_ids(user, Role.TTO_STAFF))


def uses_income(user) -> bool:
    return is_platform_admin(user) or holds_role(user, Role.TTO_STAFF, Role.BROKER, Role.RESEARCHER)


def reads_annual_reports(user) -> bool:
    """The annual reports page: TTO staff (who write them) and program officers (who receive them)."""
    return is_platform_admin(user) or holds_role(user, Role.TTO_STAFF, Role.PROGRAM_OFFICER)
