from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsortiaConfig(AppConfig):
    name = "consortia"
    verbose_name = _("Joint centers and consortia")

    def ready(self):
        from platform_core.navigation import register_home_panel, register_nav

        from . import (
            autocomplete,  # noqa: F401  (registers the searchable-select sources)
            panels,
            permissions,  # noqa: F401  (registers the rules)
            receivers,  # noqa: F401  (pending sign-offs follow center appointments)
        )

        from platform_core.signoff import register_decision

        from . import services

        register_decision("consortia.center_decision", label=_("Center decision"),
                          on_approved=services.center_decision_approved, on_rejected=services.center_decision_sent_back)
        register_nav(_("Joint centers"), "consortia:center-list", icon="diagram-3", order=20, group="center",
                     visible=permissions.uses_centers)
        register_nav(_("Consortia"), "consortia:consortium-list", icon="people", order=25, group="center",
                     visible=permissions.uses_centers)
        register_home_panel("consortia/panels/my_centers.html", panels.my_centers_panel, order=260,
                            visible=panels.holds_center_position)
