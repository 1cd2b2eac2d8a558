from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransferConfig(AppConfig):
    name = "transfer"
    verbose_name = _("Technology transfer and incubation")

    def ready(self):
        from platform_core.navigation import register_home_panel, register_nav
        from platform_core.permissions import is_program_officer

        from . import (
            autocomplete,  # noqa: F401  (registers the searchable selects)
            panels,
            permissions,  # noqa: F401  (registers the rules)
        )

        register_nav(_("Industry chains"), "transfer:chain-index", icon="diagram-2", order=30)
        register_nav(_("Achievement supermarket"), "transfer:supermarket", icon="shop", order=40, group="incubator")
        register_nav(_("Transfer workbench"), "transfer:workbench", icon="briefcase", order=41, group="incubator",
                     visible=lambda user: user.has_perm("transfer.use_workbench"))
        register_nav(_("Pushed to us"), "transfer:enterprise-pushes", icon="inbox", order=42, group="incubator",
                     visible=_is_enterprise_member)
        register_nav(_("Incubators"), "transfer:incubator-list", icon="rocket-takeoff", order=43, group="incubator")

        register_home_panel("transfer/panels/broker.html", panels.broker_panel, order=230,
                            visible=permissions.works_in_transfer)
        register_home_panel("transfer/panels/incubator_figures.html", panels.incubator_figures_panel, order=310,
                            visible=is_program_officer)



def _is_enterprise_member(user) -> bool:
    from platform_core.models import Membership, Organisation

    return Membership.objects.active().filter(user=user, organisation__kind=Organisation.Kind.ENTERPRISE).exists()
