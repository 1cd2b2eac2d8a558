from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _, pgettext_lazy


class PlatformCoreConfig(AppConfig):
    name = "platform_core"
    label = "platform"
    verbose_name = _("Platform core")

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        from . import (
            permissions,  # noqa: F401  (registers the rules)
            receivers,  # noqa: F401  (pending sign-offs follow role changes)
        )
        from .accounts import signals  # noqa: F401  (marks users waiting for approval at sign-in)
        from .navigation import register_nav, register_nav_group

        register_nav(_("Home"), "platform:home", icon="house", order=0)
        # Menu groups follow the 1121 model; apps place their pages in them.
        register_nav_group("center", _("One center"), icon="diagram-3", order=10)
        register_nav_group("incubator", _("One incubator"), icon="rocket-takeoff", order=40)
        register_nav_group("capital", pgettext_lazy("chain", "Capital"), icon="bank", order=50)
        register_nav_group("sharing", _("One sharing"), icon="people", order=60)
        register_nav(_("Organisations"), "platform:organisation-list", icon="building", order=90)

        # Each app's `events.py`: how its audit actions and notifications read, and the objects they link.
        autodiscover_modules("events")
