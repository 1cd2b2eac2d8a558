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

        _connect_membership_cache()

        register_nav(_("Home"), "platform:home", icon="house", order=0)
        # Menu groups follow the 1121 model; apps place their pages in them.
        register_nav_group("center", _("One center"), icon="diagram-3", order=10)
        register_nav_group("incubator", _("One incubator"), icon="rocket-takeoff", order=40)
        register_nav_group("capital", pgettext_lazy("chain", "Capital"), icon="bank", order=50)
        register_nav_group("sharing", _("One sharing"), icon="people", order=60)
        register_nav(_("Organisations"), "platform:organisation-list", icon="building", order=90,
                     visible=permissions.uses_directory)
        # 平台管理: the platform administrator's pages.
        register_nav_group("admin", _("Administration"), icon="gear", order=95)
        register_nav(_("Import organisations"), "platform:organisation-import", icon="upload", order=95,
                     group="admin", visible=lambda user: user.has_perm("platform.import_organisations"))
        register_nav(_("Users"), "admin:platform_user_changelist", icon="person-gear", order=96, group="admin",
                     visible=permissions.is_platform_admin)

        from . import panels
        from .navigation import register_home_panel

        register_home_panel("platform/panels/admin_organisations.html", panels.admin_organisations_panel,
                            order=100, visible=permissions.is_platform_admin)
        register_home_panel("platform/panels/admin_imports.html", panels.admin_imports_panel,
                            order=110, visible=permissions.is_platform_admin)
        register_home_panel("platform/panels/admin_users.html", panels.admin_users_panel,
                            order=120, visible=permissions.is_platform_admin)

        # Each app's `events.py`: how its audit actions and notifications read, and the objects they link.
        autodiscover_modules("events")


def _connect_membership_cache() -> None:
    """One read of the user's memberships per request (platform_core.permissions.memberships_of)."""
    from django.core.signals import request_finished, request_started
    from django.db.models.signals import post_delete, post_save

    from .models import Membership
    from .permissions import end_request_cache, forget_memberships, start_request_cache

    request_started.connect(start_request_cache, dispatch_uid="platform.memberships_cache.start")
    request_finished.connect(end_request_cache, dispatch_uid="platform.memberships_cache.end")
    post_save.connect(forget_memberships, sender=Membership, dispatch_uid="platform.memberships_cache.save")
    post_delete.connect(forget_memberships, sender=Membership, dispatch_uid="platform.memberships_cache.delete")
