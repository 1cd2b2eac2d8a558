from django.urls import path

from . import views

app_name = "talent"

urlpatterns = [
    path("", views.home, name="home"),
    path("profiles/new/", views.profile_create, name="profile-create"),
    path("profiles/<int:pk>/", views.profile_detail, name="profile-detail"),
    path("profiles/<int:pk>/edit/", views.profile_edit, name="profile-edit"),
    path("evidence/<int:pk>/remove/", views.evidence_remove, name="evidence-remove"),
    path("shared-hires/", views.hire_list, name="hire-list"),
    path("shared-hires/new/", views.hire_create, name="hire-create"),
    path("shared-hires/<int:pk>/", views.hire_detail, name="hire-detail"),
    path("shared-hires/<int:pk>/edit/", views.hire_edit, name="hire-edit"),
    path("shared-hires/<int:pk>/submit/", views.hire_submit, name="hire-submit"),
    path("shared-hires/<int:pk>/renew/", views.hire_renew, name="hire-renew"),
    path("shared-hires/<int:pk>/terminate/", views.hire_terminate, name="hire-terminate"),
    path("shared-hires/<int:pk>/costs.csv", views.hire_costs_csv, name="hire-costs-csv"),
    path("cost-report/", views.cost_report, name="cost-report"),
    path("mentors/", views.mentor_list, name="mentor-list"),
    path("mentors/new/", views.mentor_create, name="mentor-create"),
    path("assignments/", views.assignment_list, name="assignment-list"),
    path("assignments/new/", views.assignment_create, name="assignment-create"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment-detail"),
]
