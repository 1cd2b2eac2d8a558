"""How the way in reads in the audit trail (the core's sentence registry; imported at start-up)."""
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..audit import register_action
from ..models import Invitation, MembershipRequest, Organisation, OrganisationApplication, Role
from ..sentences import Choice, Ref, register_object
from . import selectors

register_object(Invitation, url=lambda i: reverse("accounts:invitations", args=[i.organisation_id]),
                visible=selectors.invitations_visible_to, label=lambda i: i.email)
register_object(MembershipRequest, url=lambda r: reverse("accounts:membership-requests", args=[r.organisation_id]),
                visible=selectors.membership_requests_visible_to, select_related=("user", "organisation"))
register_object(OrganisationApplication, url="accounts:applications",
                visible=selectors.organisation_applications_visible_to, label=lambda a: a.name_zh)

register_action("invitation.create", _("%(actor)s invited %(email)s as %(role)s: %(target)s"), role=Choice(Role))
register_action("invitation.resend", _("%(actor)s sent the invitation to %(email)s again"))
register_action("invitation.revoke", _("%(actor)s revoked the invitation to %(email)s"))
register_action("invitation.accept", _("%(actor)s accepted the invitation as %(role)s: %(target)s"),
                role=Choice(Role))
register_action("membership_request.create", _("%(actor)s asked to join as %(role)s: %(target)s"),
                role=Choice(Role))
register_action("membership_request.approve", _("%(actor)s approved the request as %(role)s: %(target)s"),
                role=Choice(Role))
register_action("membership_request.refuse", _("%(actor)s refused the request %(target)s: %(reason)s"))
register_action("organisation_application.create", _("%(actor)s received the registration of %(target)s"))
register_action("organisation_application.approve",
                _("%(actor)s verified %(target)s and created %(organisation)s"), organisation=Ref(Organisation))
register_action("organisation_application.refuse", _("%(actor)s refused to verify %(target)s: %(reason)s"))
register_action("user.verify_email", _("%(actor)s verified the e-mail address"))
register_action("user.sso_create", _("%(actor)s created the account %(target)s at a first sign-in through %(provider)s"))
register_action("account.token_create", _("%(actor)s created the API token %(token)s… (expires %(expires)s)"))
register_action("account.token_revoke", _("%(actor)s revoked the API token %(token)s…"))
