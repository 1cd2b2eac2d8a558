from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from platform_core import views as platform_views
from platform_core.urls import auth_patterns
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

api_patterns = [
    path("", include("platform_core.api.urls")),
    path("accounts/", include("platform_core.accounts.api_urls")),
    path("consortia/", include("consortia.api.urls")),
    path("projects/", include("projects.api.urls")),
    path("talent/", include("talent.api.urls")),
    path("transfer/", include("transfer.api.urls")),
    path("funds/", include("funds.api.urls")),
    path("matching/", include("matching.api.urls")),
    path("reporting/", include("reporting.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", login_required(SpectacularSwaggerView.as_view(url_name="schema")), name="api-docs"),
    path("redoc/", login_required(SpectacularRedocView.as_view(url_name="schema")), name="api-redoc"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    # The language switch also stores the signed-in user's language (notifications are written in it).
    path("i18n/setlang/", platform_views.set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include(api_patterns)),
    path("api-auth/", include("rest_framework.urls")),
    path("consortia/", include("consortia.urls")),
    path("projects/", include("projects.urls")),
    path("talent/", include("talent.urls")),
    path("transfer/", include("transfer.urls")),
    path("funds/", include("funds.urls")),
    path("matching/", include("matching.urls")),
    path("reporting/", include("reporting.urls")),
    path("", include("platform_core.urls")),
    *auth_patterns,
]
# No /media/ route in any mode: uploaded files are reachable only through their permission-checked
# download views (projects:attachment-download).
