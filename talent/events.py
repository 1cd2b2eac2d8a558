"""How the talent app's records read to people (imported by the core at start-up)."""
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from platform_core.audit import register_action
from platform_core.models import SignoffRequest
from platform_core.sentences import Choice, Fields, Ref, register_object
from platform_core.signoff import register_decision_view

from . import selectors
from .models import DualMentorAssignment, EnterpriseMentor, HireShare, SharedHire, TalentEvidence, TalentProfile

register_object(TalentProfile, url="talent:profile-detail", visible=selectors.talent_profiles_visible_to)
register_object(SharedHire, url="talent:hire-detail", visible=selectors.shared_hires_visible_to,
                select_related=("talent",))
register_object(EnterpriseMentor, url=lambda m: "/talent/mentors/", visible=selectors.enterprise_mentors_visible_to,
                select_related=("user", "organisation"))
register_object(DualMentorAssignment, url="talent:assignment-detail", visible=selectors.assignments_visible_to,
                select_related=("student",))


def _shares(shares) -> str:
    """Salary shares of an agreement (stored as a list of dicts) as "60% + 40%"."""
    try:
        return " + ".join(f"{s['salary_percent']}%" for s in shares) or "—"
    except (TypeError, KeyError):
        return pgettext("audit", "changed")


register_action("talent.profile_create", _("%(actor)s created the talent profile %(target)s"))
register_action("talent.profile_update", _("%(actor)s edited %(target)s: %(fields)s"), fields=Fields(TalentProfile))
register_action("talent.evidence_add", _("%(actor)s added %(kind)s “%(title)s” to %(target)s"),
                kind=Choice(TalentEvidence.Kind))
register_action("talent.evidence_remove", _("%(actor)s removed “%(title)s” from %(target)s"))
register_action("talent.shared_hire_create",
                _("%(actor)s drafted the shared hire agreement %(target)s, salary shares %(shares)s"), shares=_shares)
register_action("talent.shared_hire_update",
                _("%(actor)s edited the shared hire agreement %(target)s, salary shares %(shares)s"), shares=_shares)
register_action("talent.shared_hire_submit", _("%(actor)s sent %(target)s to every party for signature"))
register_action("talent.shared_hire_in_effect", _("%(target)s took effect: every party signed (%(signoff)s)"),
                signoff=Ref(SignoffRequest))
register_action("talent.shared_hire_sent_back", _("%(target)s was rejected in %(signoff)s and is a draft again"),
                signoff=Ref(SignoffRequest))
register_action("talent.shared_hire_terminate", _("%(actor)s terminated %(target)s on %(on)s: %(reason)s"))
register_action("talent.mentor_appoint", _("%(actor)s appointed the enterprise mentor %(target)s"))
register_action("talent.assignment_create", _("%(actor)s assigned dual mentors: %(target)s"))
register_action(f"talent.assignment_{DualMentorAssignment.Status.GRADUATED}",
                _("%(actor)s recorded that %(target)s graduated on %(on)s"))
register_action(f"talent.assignment_{DualMentorAssignment.Status.WITHDRAWN}",
                _("%(actor)s recorded that %(target)s withdrew on %(on)s"))


def _hire_context(request):
    hire = SharedHire.objects.select_related("talent", "university").get(pk=request.target_id)
    field = HireShare._meta.get_field
    return {"hire": hire, "shares": hire.shares.select_related("organisation"),
            "salary_label": field("salary_percent").verbose_name, "time_label": field("time_percent").verbose_name}


register_decision_view("talent.shared_hire_agreement", template="talent/signoff/hire.html", context=_hire_context)
