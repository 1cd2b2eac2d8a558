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

        register_nav(_("Industry chains"), "transfer:chain-index", icon="diagram-2", order=30,
                     visible=permissions.uses_pool)
        register_nav(_("Achievement supermarket"), "transfer:supermarket", icon="shop", order=40, group="incubator",
                     visible=permissions.uses_pool)
        register_nav(_("Transfer workbench"), "transfer:workbench", icon="briefcase", order=41, group="incubator",
                     visible=lambda user: user.has_perm("transfer.use_workbench"))
        register_nav(_("Pushed to us"), "transfer:enterprise-pushes", icon="inbox", order=42, group="incubator",
                     visible=permissions.receives_pushes)
        register_nav(_("Roadshows"), "transfer:roadshow-list", icon="easel", order=44, group="incubator",
                     visible=permissions.uses_roadshows)
        register_nav(_("Incubators"), "transfer:incubator-list", icon="rocket-takeoff", order=43, group="incubator",
                     visible=permissions.uses_incubators)
        register_nav(_("Contracts and income"), "transfer:contract-list", icon="cash-coin", order=45, group="incubator",
                     visible=lambda user: user.has_perm("transfer.use_workbench"))
        register_nav(_("Payouts"), "transfer:payout-list", icon="wallet2", order=46, group="incubator",
                     visible=permissions.uses_income)
        register_nav(_("Annual reports"), "transfer:report-list", icon="journal-text", order=47, group="incubator",
                     visible=permissions.reads_annual_reports)

        register_home_panel("transfer/panels/broker.html", panels.broker_panel, order=230,
                            visible=permissions.works_in_transfer)
        register_home_panel("transfer/panels/incubator_figures.html", panels.incubator_figures_panel, order=310,
                            visible=is_program_officer)


