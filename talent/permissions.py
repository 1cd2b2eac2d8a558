"""Who may do what in 一共享. Pages, API and services all ask these rules.

University HR is modelled by the core roles ORG_ADMIN and TTO_STAFF of the
university (the office that recruits, signs agreements and appoints mentors).
"""
import rules

from platform_core.models import Membership, Organisation, Role
from platform_core.permissions import has_role, holds_role, is_platform_admin
from platform_core.visibility import OrgRoles, Person, VisibilityRule, predicate, register_visibility

UNIVERSITY_HR_ROLES = (Role.ORG_ADMIN, Role.TTO_STAFF)
ENTERPRISE_SIGNER_ROLES = (Role.ORG_ADMIN, Role.RD_MANAGER)
GOVERNMENT_SIGNER_ROLES = (Role.ORG_ADMIN, Role.PROGRAM_OFFICER)
UNIVERSITY_MENTOR_ROLES = (Role.RESEARCHER, Role.MENTOR)


def organisation_and_units(organisation) -> list[int]:
    """A university and its schools: a school's members belong to the university too."""
    return [organisation.pk, *organisation.units.values_list("pk", flat=True)]


def belongs_to(user, organisation, *roles) -> bool:
    memberships = Membership.objects.active().filter(user=user, organisation_id__in=organisation_and_units(organisation))
    if roles:
        memberships = memberships.filter(role__in=roles)
    return memberships.exists()


@rules.predicate
def is_university_hr(user, organisation):
    return (organisation is not None and organisation.kind == Organisation.Kind.UNIVERSITY
            and has_role(user, organisation, *UNIVERSITY_HR_ROLES))


@rules.predicate
def can_edit_profile(user, profile):
    return profile.user_id == user.pk or has_role(user, profile.organisation, *UNIVERSITY_HR_ROLES)


# 校招共用 agreements name a salary and how the parties split it: read by those who sign for a party
# (the university's HR/TTO, the paying enterprises' managers, the subsidising agency) and the person
# hired -- not by every member of a party (a student of the university, a mentor at the enterprise).
SHARED_HIRE_VISIBILITY = register_visibility(VisibilityRule(
    key="talent.shared_hire", model="talent.SharedHire", fields=("*",),
    title="Shared hire (校招共用): the agreement, its annual package, cost shares and time split",
    audiences=(
        OrgRoles("HR/TTO (TTO staff, org admin) of the recruiting university", path="university",
                 roles=UNIVERSITY_HR_ROLES, kinds=(Organisation.Kind.UNIVERSITY,)),
        OrgRoles("HR/TTO of a university holding a share", path="shares__organisation",
                 roles=UNIVERSITY_HR_ROLES, kinds=(Organisation.Kind.UNIVERSITY,)),
        OrgRoles("Managers (R&D manager, org admin) of a paying enterprise", path="shares__organisation",
                 roles=ENTERPRISE_SIGNER_ROLES, kinds=(Organisation.Kind.ENTERPRISE,)),
        OrgRoles("Program officers and org admins of a subsidising government agency", path="shares__organisation",
                 roles=GOVERNMENT_SIGNER_ROLES, kinds=(Organisation.Kind.GOVERNMENT,)),
        Person("The person hired", path="talent__user"),
    ),
))

is_hire_party_member = predicate(SHARED_HIRE_VISIBILITY.key)


@rules.predicate
def is_hire_university_hr(user, hire):
    return is_university_hr(user, hire.university)


@rules.predicate
def is_mentor_university_hr(user, mentor):
    return is_university_hr(user, mentor.university)


@rules.predicate
def is_assignment_participant(user, assignment):
    return (
        user.pk in {assignment.student_id, assignment.university_mentor_id, assignment.enterprise_mentor.user_id}
        or has_role(user, assignment.university, *UNIVERSITY_HR_ROLES)
        or has_role(user, assignment.enterprise, *ENTERPRISE_SIGNER_ROLES)
    )


@rules.predicate
def is_assignment_university_hr(user, assignment):
    return is_university_hr(user, assignment.university)


rules.add_perm("talent.view_talentprofile", rules.is_authenticated)
rules.add_perm("talent.add_talentprofile", is_platform_admin | is_university_hr)
rules.add_perm("talent.change_talentprofile", is_platform_admin | can_edit_profile)

rules.add_perm("talent.add_sharedhire", is_platform_admin | is_university_hr)
rules.add_perm("talent.view_sharedhire", is_platform_admin | is_hire_party_member)
rules.add_perm("talent.change_sharedhire", is_platform_admin | is_hire_university_hr)

rules.add_perm("talent.view_enterprisementor", rules.is_authenticated)
rules.add_perm("talent.add_enterprisementor", is_platform_admin | is_university_hr)
rules.add_perm("talent.change_enterprisementor", is_platform_admin | is_mentor_university_hr)

rules.add_perm("talent.add_dualmentorassignment", is_platform_admin | is_university_hr)
rules.add_perm("talent.view_dualmentorassignment", is_platform_admin | is_assignment_participant)
rules.add_perm("talent.change_dualmentorassignment", is_platform_admin | is_assignment_university_hr)


# Who the 一共享 pages are for (the menu asks this): HR, mentors and students, the paying enterprises,
# the subsidising government, researchers in the talent pool. Fund managers and brokers have no use for them.
TALENT_USER_ROLES = (Role.TTO_STAFF, Role.RD_MANAGER, Role.RESEARCHER, Role.STUDENT, Role.MENTOR,
                     Role.PROGRAM_OFFICER)


def uses_talent(user) -> bool:
    return is_platform_admin(user) or holds_role(user, *TALENT_USER_ROLES) or holds_role(
        user, Role.ORG_ADMIN, kinds=(Organisation.Kind.UNIVERSITY, Organisation.Kind.ENTERPRISE,
                                     Organisation.Kind.GOVERNMENT))
