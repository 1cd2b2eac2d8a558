from django.urls import path

from . import views

app_name = "funds"

urlpatterns = [
    path("", views.fund_list, name="fund-list"),
    path("new/", views.fund_create, name="fund-create"),
    path("<int:pk>/", views.fund_detail, name="fund-detail"),
    path("<int:pk>/edit/", views.fund_edit, name="fund-edit"),
    path("<int:pk>/invest/", views.investment_create, name="investment-create"),
    path("deal-flow/", views.deal_flow, name="deal-flow"),
    path("commitments/", views.commitment_list, name="commitment-list"),
    path("commitments/new/", views.commitment_create, name="commitment-create"),
    path("commitments/<int:pk>/", views.commitment_detail, name="commitment-detail"),
    path("tranches/<int:pk>/pay/", views.tranche_pay, name="tranche-pay"),
    path("tranches/<int:pk>/remove/", views.tranche_remove, name="tranche-remove"),
    path("centers/<int:pk>/", views.center_capital, name="center-capital"),
    path("projects/<int:pk>/", views.project_capital, name="project-capital"),
]
