from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalentConfig(AppConfig):
    name = "talent"
    verbose_name = _("Shared talent and mentors")

    def ready(self):
        from platform_core.navigation import register_nav

        from . import permissions  # noqa: F401  (registers the rules)
        from .services import register_decisions

        register_decisions()
        register_nav(_("Shared talent"), "talent:home", icon="people", order=40)
