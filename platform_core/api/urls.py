from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("memberships", views.MembershipViewSet, basename="membership")
router.register("regions", views.RegionViewSet, basename="region")
router.register("fields", views.TechFieldViewSet, basename="techfield")
router.register("industry-chains", views.IndustryChainViewSet, basename="industrychain")
router.register("industry-nodes", views.IndustryNodeViewSet, basename="industrynode")
router.register("notifications", views.NotificationViewSet, basename="notification")
router.register("notification-preferences", views.NotificationPreferenceViewSet, basename="notificationpreference")
router.register("signoffs", views.SignoffViewSet, basename="signoff")
router.register("imports", views.ImportRunViewSet, basename="importrun")

urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    path("autocomplete/<slug:source>/", views.AutocompleteView.as_view(), name="autocomplete"),
    *router.urls,
]
