from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .accounts.urls import top_level as account_patterns

app_name = "platform"

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("organisations/import/", views.organisation_import, name="organisation-import"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation-detail"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation-edit"),
    path("organisations/<int:pk>/members/", views.organisation_members, name="organisation-members"),
    path("memberships/<int:pk>/remove/", views.membership_remove, name="membership-remove"),
    path("my-organisation/", views.my_organisation, name="my-organisation"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read-all/", views.notification_read_all, name="notifications-read-all"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification-read"),
    path("notifications/preferences/", views.notification_preferences, name="notification-preferences"),
    path("signoffs/", views.signoff_list, name="signoffs"),
    path("signoffs/<int:pk>/", views.signoff_detail, name="signoff-detail"),
    path("imports/<int:pk>/", views.import_detail, name="import-detail"),
    path("imports/<int:pk>/progress/", views.import_progress, name="import-progress"),
    path("imports/<int:pk>/report.csv", views.import_report, name="import-report"),
]

# Authentication pages live at the top level under conventional names.
auth_patterns = [
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    *account_patterns,  # login, password reset, registration, invitations, single sign-on
]
