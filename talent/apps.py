from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalentConfig(AppConfig):
    name = "talent"
    verbose_name = _("Shared talent and mentors")

    def ready(self):
        from platform_core.navigation import register_home_panel, register_nav
        from platform_core.permissions import is_program_officer

        from . import (
            autocomplete,  # noqa: F401  (registers the searchable-select sources)
            panels,
            permissions,  # noqa: F401  (registers the rules)
        )
        from .services import register_decisions

        register_decisions()
        register_nav(_("Shared talent"), "talent:home", icon="person-badge", order=60, group="sharing",
                     visible=permissions.uses_talent)
        register_home_panel("talent/panels/dual_mentor.html", panels.dual_mentor_panel, order=250,
                            visible=panels.is_student_or_mentor)
        register_home_panel("talent/panels/sharing_figures.html", panels.sharing_figures_panel, order=320,
                            visible=is_program_officer)
