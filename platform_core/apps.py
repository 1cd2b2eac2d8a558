from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlatformCoreConfig(AppConfig):
    name = "platform_core"
    label = "platform"
    verbose_name = _("Platform core")

    def ready(self):
        from . import notifications, permissions  # noqa: F401  (permissions registers the rules)
        from .navigation import register_nav

        register_nav(_("Home"), "platform:home", icon="house", order=0)
        register_nav(_("Organisations"), "platform:organisation-list", icon="building", order=90)

        notifications.register_event("platform.membership_added", _("Added to an organisation"))
        notifications.register_event("platform.signoff_requested", _("Signature requested"))
        notifications.register_event("platform.signoff_decided", _("Sign-off decided"))
        notifications.register_event("platform.import_finished", _("Import finished"))
