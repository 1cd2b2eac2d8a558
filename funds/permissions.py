"""Who may see and do what on the capital chain (pages, API and services use these rules).

- Funds are a registry every signed-in user reads. The fund managers (Role.FUND_MANAGER)
  of the manager organisation change their funds and record their investments; the
  portfolio (investments, invested total) is read by the manager organisation's members,
  program officers and platform staff, and by investees for their own investments.
- A funding commitment is managed by its source organisation: R&D managers and org admins
  of an enterprise (enterprise R&D investment), program officers and org admins of a
  government agency (subsidy). Program officers read all commitments; the receiving
  sides (center enterprise and university, project sponsor and performer) read theirs.
`selectors.py` expresses the same rules as querysets.
"""
import rules

from platform_core.models import Organisation, Role
from platform_core.permissions import has_role, holds_role, is_platform_admin, memberships_of
from platform_core.visibility import OrgRoles, Person, RoleAnywhere, VisibilityRule, predicate, register_visibility
from projects.permissions import CENTER_LEADERS, MANAGING_ROLES

from .models import Fund

FUND_MANAGER_ROLES = (Role.FUND_MANAGER,)
COMMITMENT_ROLES_BY_KIND = {
    Organisation.Kind.ENTERPRISE: (Role.RD_MANAGER, Role.ORG_ADMIN),
    Organisation.Kind.GOVERNMENT: (Role.PROGRAM_OFFICER, Role.ORG_ADMIN),
}
# Which organisations may manage a fund of each type.
MANAGER_KINDS_BY_FUND_KIND = {
    kind: {Organisation.Kind.FINANCIAL} for kind in Fund.Kind.values
} | {Fund.Kind.GOVERNMENT_GUIDANCE: {Organisation.Kind.FINANCIAL, Organisation.Kind.GOVERNMENT}}


# Who reads what on the capital chain (DESIGN §5): amounts and equity of investments, the money
# committed to centers and projects. Not every member of an organisation involved: the incubator
# host's staff, students and researchers of a receiving university read none of it.
PROGRAM_OFFICERS = RoleAnywhere("Program officers (read across all organisations)", roles=(Role.PROGRAM_OFFICER,))
INVESTEE_ROLES = (Role.ORG_ADMIN, Role.RD_MANAGER)

INVESTMENT_VISIBILITY = register_visibility(VisibilityRule(
    key="funds.investment", model="funds.Investment", fields=("*",),
    title="Investment: fund, target, round, amount and equity",
    audiences=(
        OrgRoles("Fund managers of the fund's manager organisation", path="fund__manager", roles=FUND_MANAGER_ROLES),
        PROGRAM_OFFICERS,
        OrgRoles("The investee company's managers (org admin, R&D manager)", path="company__organisation",
                 roles=INVESTEE_ROLES),
        Person("The investee company's founders", path="company__founders"),
        Person("The invested project's lead (帅)", path="project__lead"),
        OrgRoles("Managers of the invested project's sponsor", path="project__sponsor",
                 roles=MANAGING_ROLES, with_units=True),
        OrgRoles("Managers of the invested project's performer", path="project__performer", roles=MANAGING_ROLES,
                 with_units=True),
    ),
))

PORTFOLIO_VISIBILITY = register_visibility(VisibilityRule(
    key="funds.portfolio", model="funds.Fund", fields=("invested_total", "available", "investments"),
    title="Fund portfolio: invested total, headroom and the list of investments",
    audiences=(
        OrgRoles("Fund managers of the fund's manager organisation", path="manager", roles=FUND_MANAGER_ROLES),
        PROGRAM_OFFICERS,
    ),
))

COMMITMENT_VISIBILITY = register_visibility(VisibilityRule(
    key="funds.commitment", model="funds.FundingCommitment", fields=("*",),
    title="Funding commitment (enterprise R&D investment, government subsidy) and its tranches",
    audiences=(
        OrgRoles("The source enterprise's R&D managers and org admins", path="source",
                 roles=COMMITMENT_ROLES_BY_KIND[Organisation.Kind.ENTERPRISE], kinds=(Organisation.Kind.ENTERPRISE,)),
        OrgRoles("The source agency's program officers and org admins", path="source",
                 roles=COMMITMENT_ROLES_BY_KIND[Organisation.Kind.GOVERNMENT], kinds=(Organisation.Kind.GOVERNMENT,)),
        PROGRAM_OFFICERS,
        OrgRoles("Managers (R&D manager, org admin, TTO) of the receiving center's enterprise",
                 path="center__enterprise", roles=MANAGING_ROLES),
        OrgRoles("Managers of the receiving center's university (and its schools)", path="center__university",
                 roles=MANAGING_ROLES, with_units=True),
        Person("The receiving center's directors and chief scientists (both sides)", path="center__members__user",
               where={"center__members__position__in": CENTER_LEADERS}),
        OrgRoles("Managers of the receiving project's sponsor", path="project__sponsor", roles=MANAGING_ROLES,
                 with_units=True),
        OrgRoles("Managers of the receiving project's performer", path="project__performer", roles=MANAGING_ROLES,
                 with_units=True),
        Person("The receiving project's lead (帅)", path="project__lead"),
    ),
))


def commitment_roles(organisation: Organisation) -> tuple:
    return COMMITMENT_ROLES_BY_KIND.get(organisation.kind, ())


@rules.predicate
def is_fund_manager_of(user, organisation):
    """Object: the organisation that would manage the fund."""
    return organisation is not None and has_role(user, organisation, *FUND_MANAGER_ROLES)


@rules.predicate
def manages_fund(user, fund):
    return fund is not None and has_role(user, fund.manager, *FUND_MANAGER_ROLES)


@rules.predicate
def may_commit_for(user, organisation):
    """Object: the source organisation of a commitment."""
    roles = commitment_roles(organisation) if organisation is not None else ()
    return bool(roles) and has_role(user, organisation, *roles)


@rules.predicate
def manages_commitment(user, commitment):
    return commitment is not None and may_commit_for(user, commitment.source)


@rules.predicate
def is_fund_manager_anywhere(user):
    return holds_role(user, *FUND_MANAGER_ROLES)


def can_commit_funding(user) -> bool:
    """commitment_sources_for(user).exists(): may commit R&D money or a subsidy for some organisation."""
    return is_platform_admin(user) or any(m.role in COMMITMENT_ROLES_BY_KIND.get(m.kind, ())
                                          for m in memberships_of(user))


def can_create_fund(user) -> bool:
    """fund_managing_organisations(user).exists(): a fund manager somewhere (or platform staff)."""
    return is_platform_admin(user) or is_fund_manager_anywhere(user)


# Who reads the fund registry (the menu asks this): the capital side, the incubator side, program officers.
FUND_READER_ROLES = (Role.FUND_MANAGER, Role.PROGRAM_OFFICER, Role.TTO_STAFF, Role.BROKER)


def uses_funds(user) -> bool:
    return (is_platform_admin(user) or holds_role(user, *FUND_READER_ROLES)
            or holds_role(user, kinds=(Organisation.Kind.FINANCIAL,)))


rules.add_perm("funds.view_fund", rules.is_authenticated)
rules.add_perm("funds.add_fund", is_platform_admin | is_fund_manager_of)
rules.add_perm("funds.change_fund", is_platform_admin | manages_fund)
rules.add_perm("funds.view_portfolio", is_platform_admin | predicate(PORTFOLIO_VISIBILITY.key))
rules.add_perm("funds.view_investment", predicate(INVESTMENT_VISIBILITY.key))
rules.add_perm("funds.view_commitment", predicate(COMMITMENT_VISIBILITY.key))
rules.add_perm("funds.add_investment", is_platform_admin | manages_fund)
rules.add_perm("funds.view_deal_flow", is_platform_admin | is_fund_manager_anywhere)
rules.add_perm("funds.add_commitment", is_platform_admin | may_commit_for)
rules.add_perm("funds.change_commitment", is_platform_admin | manages_commitment)


@rules.predicate
def manages_tranche(user, tranche):
    return tranche is not None and manages_commitment(user, tranche.commitment)


rules.add_perm("funds.change_tranche", is_platform_admin | manages_tranche)
