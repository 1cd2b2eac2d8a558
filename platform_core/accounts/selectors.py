from ..models import Invitation, MembershipRequest, OrganisationApplication
from ..permissions import is_platform_admin, organisations_administered_by


def invitations_visible_to(user):
    return (Invitation.objects.filter(organisation__in=organisations_administered_by(user))
            .select_related("organisation", "invited_by", "accepted_by"))


def membership_requests_visible_to(user):
    """Requests to the organisations `user` administers (e-mail verified ones: the rest are not real yet)."""
    return (MembershipRequest.objects.filter(organisation__in=organisations_administered_by(user),
                                             user__is_active=True)
            .select_related("organisation", "user", "decided_by"))


def organisation_applications_visible_to(user):
    if not is_platform_admin(user):
        return OrganisationApplication.objects.none()
    return (OrganisationApplication.objects.filter(applicant__is_active=True)
            .select_related("applicant", "region", "organisation", "decided_by"))
