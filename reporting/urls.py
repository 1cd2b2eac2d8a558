from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("records/<str:code>/", views.drill, name="drill"),
    path("export.<str:fmt>", views.export, name="export"),
    path("print/", views.printable, name="print"),
    path("reports/", views.report_list, name="report-list"),
    path("reports/new/", views.report_request, name="report-request"),
    path("reports/<int:pk>/status/", views.report_status, name="report-status"),
    path("reports/<int:pk>/download/", views.report_download, name="report-download"),
    path("recompute/", views.recompute, name="recompute"),
    path("recompute/<int:pk>/", views.recompute_status, name="recompute-status"),
]
