from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = _("Matching")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from platform_core.navigation import register_nav

        from . import permissions  # (registers the rules)
        from . import signals

        signals.connect()
        register_nav(_("My matches"), "matching:my-matches", icon="bullseye", order=45,
                     visible=permissions.may_have_matches)
