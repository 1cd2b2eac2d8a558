"""Searchable selects of the capital chain (platform_core.autocomplete): fund managers, investees, commitment
sources and targets, milestones of a commitment. Each offers only what the user may pick."""
from platform_core.autocomplete import organisation_label, register
from projects.models import Milestone, Project

from . import selectors


def _managers(user, params):
    return selectors.fund_managing_organisations(user).select_related("region").order_by("name_zh", "pk")


def _sources(user, params):
    return selectors.commitment_sources_for(user).select_related("region").order_by("name_zh", "pk")


def _projects(user, params):
    """Open projects the user sees, for the people whose forms pick one: fund managers and those who commit money."""
    if selectors.funds_managed_by(user).exists() or selectors.commitment_sources_for(user).exists():
        return selectors.projects_for_capital(user)
    return Project.objects.none()


def project_label(project) -> str:
    return f"{project.title} · {project.sponsor.name} / {project.performer.name}"


def milestone_label(milestone) -> str:
    return f"{milestone.project} · {milestone.title} ({milestone.get_status_display()})"


def _milestones(user, params):
    """Milestones a tranche of the commitment `params["commitment"]` may wait for, if the user manages it."""
    try:
        pk = int(params.get("commitment", ""))
    except ValueError:
        return Milestone.objects.none()
    commitment = selectors.commitments_visible_to(user).filter(pk=pk).first()
    if commitment is None or not user.has_perm("funds.change_commitment", commitment):
        return Milestone.objects.none()
    return selectors.milestones_for_commitment(commitment)


ORGANISATION_SEARCH = ("name_zh", "name_en", "credit_code")

register("funds-managers", queryset=_managers, search=ORGANISATION_SEARCH, label=organisation_label)
register("funds-sources", queryset=_sources, search=ORGANISATION_SEARCH, label=organisation_label)
register("funds-companies", queryset=lambda user, params: selectors.investable_companies(user),
         search=("name", "founder_names"))
register("funds-projects", queryset=_projects,
         search=("title", "sponsor__name_zh", "performer__name_zh"), label=project_label)
register("funds-centers", queryset=lambda user, params: selectors.commitment_centers(user),
         search=("name_zh", "name_en"))
register("funds-milestones", queryset=_milestones, search=("title", "project__title"), label=milestone_label)
