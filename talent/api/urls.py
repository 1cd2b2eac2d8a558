from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("profiles", views.TalentProfileViewSet, basename="talentprofile")
router.register("evidence", views.TalentEvidenceViewSet, basename="talentevidence")
router.register("shared-hires", views.SharedHireViewSet, basename="sharedhire")
router.register("mentors", views.EnterpriseMentorViewSet, basename="enterprisementor")
router.register("assignments", views.DualMentorAssignmentViewSet, basename="dualmentorassignment")

urlpatterns = [
    path("cost-report/", views.CostReportView.as_view(), name="talent-cost-report"),
    path("counts/", views.TalentCountsView.as_view(), name="talent-counts"),
    *router.urls,
]
