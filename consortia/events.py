"""How the consortia app's records read to people (imported by the core at start-up)."""
from django.utils.translation import gettext_lazy as _

from platform_core.audit import register_action
from platform_core.sentences import Choice, Fields, register_object
from platform_core.signoff import register_decision_view

from . import selectors
from .models import CenterDecision, CenterMember, Consortium, ConsortiumMember, CouncilMember, JointCenter, Side

register_object(JointCenter, url="consortia:center-detail", visible=selectors.centers_visible_to)
register_object(Consortium, url="consortia:consortium-detail", visible=selectors.consortia_visible_to)

POSITION = Choice(CenterMember.Position)
register_action("center.create", _("%(actor)s created the joint R&D center %(target)s"))
register_action("center.update", _("%(actor)s edited %(target)s: %(data_keys)s"), data_keys=Fields(JointCenter))
register_action("center.appoint", _("%(actor)s appointed %(user)s as %(position)s (%(side)s) of %(target)s"),
                position=POSITION, side=Choice(Side))
register_action("center.replace", _("%(actor)s replaced %(user)s as %(position)s of %(target)s"), position=POSITION)
register_action("center.remove_member", _("%(actor)s removed %(user)s (%(position)s) from %(target)s"),
                position=POSITION)
register_action("consortium.create", _("%(actor)s established the innovation consortium %(target)s"))
register_action("consortium.update", _("%(actor)s edited %(target)s"))
register_action("consortium.add_member", _("%(actor)s added %(organisation)s to %(target)s as %(role)s"),
                role=Choice(ConsortiumMember.Role))
register_action("consortium.remove_member", _("%(actor)s removed %(organisation)s from %(target)s"))
register_action("consortium.add_council_member",
                _("%(actor)s seated %(user)s on the council of %(target)s as %(position)s"),
                position=Choice(CouncilMember.Position))
register_action("center.decision_propose", _("%(actor)s put the %(kind)s %(year)s of %(target)s to its sides' signatures"),
                kind=Choice(CenterDecision.Kind))
register_action("center.decision_approved", _("%(actor)s: the sides of %(target)s approved its %(kind)s %(year)s"),
                kind=Choice(CenterDecision.Kind))
register_decision_view("consortia.center_decision", template="consortia/signoff/decision.html",
                       context=lambda request: {"decision": request.target})
