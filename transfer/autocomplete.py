"""Searchable selects of technology transfer (platform_core.autocomplete): each source offers only
the rows its user may pick, so that a form accepts exactly what the search shows."""
from platform_core.autocomplete import organisation_label, register

from . import selectors


def achievement_label(achievement) -> str:
    return f"{achievement.title} ({achievement.external_ref})" if achievement.external_ref else achievement.title


ORGANISATION_SEARCH = ("name_zh", "name_en", "credit_code")
ACHIEVEMENT_SEARCH = ("title", "external_ref")

register("transfer-achievements", queryset=lambda user, params: selectors.achievements_visible_to(user),
         search=ACHIEVEMENT_SEARCH, label=achievement_label)
register("transfer-managed-achievements", queryset=lambda user, params: selectors.achievements_managed_by(user),
         search=ACHIEVEMENT_SEARCH, label=achievement_label)
register("transfer-managed-incubators", queryset=lambda user, params: selectors.incubators_managed_by(user),
         search=("name",))
register("transfer-incubator-hosts",
         queryset=lambda user, params: selectors.incubator_hosts_for(user).select_related("region"),
         search=ORGANISATION_SEARCH, label=organisation_label)
register("transfer-universities",
         queryset=lambda user, params: selectors.partner_universities().select_related("region"),
         search=ORGANISATION_SEARCH, label=organisation_label)
register("transfer-listed-achievements",
         queryset=lambda user, params: selectors.supermarket_achievements(),
         search=ACHIEVEMENT_SEARCH, label=achievement_label)


def _income_centers(user, params):
    """Joint centers of the institutions (or schools) whose contracts the user records."""
    from consortia.models import JointCenter
    from platform_core.permissions import is_platform_admin

    from .permissions import income_units

    if is_platform_admin(user):
        return JointCenter.objects.all()
    tto, broker_schools = income_units(user)
    return JointCenter.objects.filter(university_id__in=tto | broker_schools)


def _income_projects(user, params):
    from projects.selectors import projects_visible_to

    return projects_visible_to(user)


register("transfer-income-centers", queryset=_income_centers, search=("name_zh", "name_en"))
register("transfer-income-projects", queryset=_income_projects, search=("title",))


def _managed_schools(user, params):
    from platform_core.models import Organisation

    return Organisation.objects.filter(pk__in=selectors.achievements_managed_by(user).values("school_id"))


def _nodes(user, params):
    from platform_core.models import IndustryNode

    return IndustryNode.objects.select_related("chain")


def _fields(user, params):
    from platform_core.models import TechField

    return TechField.objects.all()


register("transfer-managed-schools", queryset=_managed_schools, search=ORGANISATION_SEARCH)
register("transfer-nodes", queryset=_nodes, search=("name_zh", "name_en", "code"))
register("transfer-fields", queryset=_fields, search=("name_zh", "name_en", "code"))
