from django.urls import path
from rest_framework.routers import DefaultRouter

from . import income, views

router = DefaultRouter()
router.register("achievements", views.AchievementViewSet, basename="achievement")
router.register("supermarket", views.SupermarketViewSet, basename="supermarket")
router.register("patents", views.PatentViewSet, basename="patent")
router.register("pushes", views.PushViewSet, basename="push")
router.register("deals", views.DealViewSet, basename="deal")
router.register("incubators", views.IncubatorViewSet, basename="incubator")
router.register("chains", views.ChainViewSet, basename="chain")
router.register("chain-nodes", views.ChainNodeViewSet, basename="chain-node")
router.register("companies", views.IncubatedCompanyViewSet, basename="incubatedcompany")
router.register("roadshows", views.RoadshowViewSet, basename="roadshow")
router.register("contracts", income.ContractViewSet, basename="contract")
router.register("payouts", income.PayoutViewSet, basename="payout")
router.register("annual-reports", income.AnnualReportViewSet, basename="annualreport")

app_name = "transfer-api"
urlpatterns = [path("workbench/", views.WorkbenchView.as_view(), name="workbench"), *router.urls]
