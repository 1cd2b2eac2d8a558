from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Reporting")

    def ready(self):
        from platform_core.navigation import register_nav

        from . import permissions  # noqa: F401  (registers the rules)

        register_nav(_("Dashboard"), "reporting:dashboard", icon="bar-chart-line", order=90,
                     visible=lambda user: user.has_perm("reporting.view_dashboard"))
