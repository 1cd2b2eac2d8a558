"""The project's URLs plus two views that fail, for the error-page tests."""
from django.urls import include, path


def boom(request):
    raise RuntimeError("secret local state")


urlpatterns = [
    path("boom/", boom),
    path("api/boom/", boom),
    path("", include("config.urls")),
]
