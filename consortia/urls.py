from django.urls import path

from . import views

app_name = "consortia"

urlpatterns = [
    path("", views.center_list, name="center-list"),
    path("centers/new/", views.center_create, name="center-create"),
    path("centers/<int:pk>/", views.center_detail, name="center-detail"),
    path("centers/<int:pk>/edit/", views.center_edit, name="center-edit"),
    path("centers/<int:pk>/decisions/", views.center_decision_propose, name="center-decision-propose"),
    path("consortia/", views.consortium_list, name="consortium-list"),
    path("consortia/new/", views.consortium_create, name="consortium-create"),
    path("consortia/<int:pk>/", views.consortium_detail, name="consortium-detail"),
]
