from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    name = "funds"
    verbose_name = _("Funds and investment")

    def ready(self):
        from platform_core.navigation import register_home_panel, register_nav
        from platform_core.permissions import is_program_officer

        from . import (
            autocomplete,  # noqa: F401  (registers the searchable-select sources)
            panels,
            permissions,  # noqa: F401  (registers the rules)
        )

        register_nav(_("Funds"), "funds:fund-list", icon="bank", order=50, group="capital",
                     visible=permissions.uses_funds)
        register_nav(_("Deal flow"), "funds:deal-flow", icon="funnel", order=51, group="capital",
                     visible=lambda user: user.has_perm("funds.view_deal_flow"))
        register_nav(_("Our funding"), "funds:commitment-list", icon="cash-coin", order=52, group="capital",
                     visible=permissions.can_commit_funding)

        register_home_panel("funds/panels/fund_manager.html", panels.fund_manager_panel, order=240,
                            visible=panels.is_fund_manager)
        register_home_panel("funds/panels/capital_figures.html", panels.capital_figures_panel, order=330,
                            visible=is_program_officer)
