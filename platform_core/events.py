"""How the core's records read to people: audit sentences, notifications and the objects they link to.

Every app has an `events.py` like this one; the core imports them all at start-up (apps.ready).
"""
from django.utils.translation import gettext_lazy as _

from .audit import register_action
from .models import ImportRun, Membership, Organisation, Role, SignoffRequest
from .notifications import register_event
from .selectors import memberships_visible_to
from .sentences import Choice, Fields, Ref, register_object
from .signoff import signoffs_visible_to


def _imports_visible_to(user):
    return ImportRun.objects.all() if user.is_staff else ImportRun.objects.filter(actor=user)


register_object(Organisation, url="platform:organisation-detail", visible=lambda user: Organisation.objects.all())
register_object(Membership, url=lambda m: f"/organisations/{m.organisation_id}/", visible=memberships_visible_to,
                select_related=("user", "organisation"),
                label=lambda m: f"{m.user} · {m.get_role_display()} · {m.organisation}")
register_object(SignoffRequest, url="platform:signoff-detail", visible=signoffs_visible_to)
register_object(ImportRun, url="platform:import-detail", visible=_imports_visible_to,
                label=lambda run: f"#{run.pk}")

register_action("organisation.create", _("%(actor)s registered the organisation %(target)s"))
register_action("organisation.update", _("%(actor)s edited %(target)s: %(fields)s"), fields=Fields(Organisation))
register_action("membership.add", _("%(actor)s gave the role %(role)s: %(target)s"), role=Choice(Role))
register_action("membership.remove", _("%(actor)s removed the role %(role)s: %(target)s"), role=Choice(Role))
IMPORT_KINDS = {
    "organisations": _("%(actor)s imported organisations (%(target)s): %(created)s created, %(updated)s updated, "
                       "%(rejected)s rows rejected"),
    "achievements": _("%(actor)s imported achievements (%(target)s): %(created)s created, %(updated)s updated, "
                      "%(rejected)s rows rejected"),
    "patents": _("%(actor)s imported patents (%(target)s): %(created)s created, %(updated)s updated, "
                 "%(rejected)s rows rejected"),
}
for kind, text in IMPORT_KINDS.items():
    register_action(f"import.{kind}", text)


def _decision_label(kind):
    from .signoff import DECISIONS

    decision = DECISIONS.get(kind)
    return decision.label if decision else kind


register_action("signoff.open", _("%(actor)s asked for the joint sign-off of %(target)s (%(kind)s)"),
                kind=_decision_label)
register_action("signoff.sign", _("%(actor)s signed %(target)s for %(party)s"))
register_action("signoff.reject", _("%(actor)s rejected %(target)s for %(party)s: %(reason)s"))
register_action("signoff.withdraw", _("%(actor)s withdrew the sign-off request %(target)s"))
register_action("signoff.approved", _("%(target)s took effect: every side signed"))
register_action("signoff.rejected", _("%(target)s was rejected and goes back"))


def _names(names):
    return "、".join(names) if names else "—"


register_action("signoff.signatories",
                _("Who signs %(target)s for %(party)s changed with their roles: now %(added)s, no longer %(removed)s"),
                added=_names, removed=_names)

SIGNOFF = Ref(SignoffRequest)
register_event("platform.membership_added", _("Added to an organisation"),
               title=_("You were given the role %(role)s in %(organisation)s"),
               role=Choice(Role), organisation=Ref(Organisation))
register_event("platform.signoff_requested", _("Signature requested"),
               title=_("Signature requested: %(signoff)s"), body="%(summary)s", signoff=SIGNOFF)
register_event("platform.signoff_decided", _("Sign-off decided"),
               title=_("%(signoff)s: %(status)s"), signoff=SIGNOFF, status=Choice(SignoffRequest.Status))
register_event("platform.import_finished", _("Import finished"),
               title=_("Import %(run)s finished: %(created)s created, %(rejected)s rows rejected"),
               run=Ref(ImportRun))
