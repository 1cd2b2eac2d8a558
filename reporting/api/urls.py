from django.urls import path

from . import views

app_name = "reporting-api"

urlpatterns = [
    path("figures/", views.FiguresView.as_view(), name="figures"),
    path("funnels/", views.FunnelsView.as_view(), name="funnels"),
    path("series/", views.SeriesView.as_view(), name="series"),
]
