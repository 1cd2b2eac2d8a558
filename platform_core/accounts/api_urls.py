from django.urls import path
from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.register("invitations", api.InvitationViewSet, basename="invitation")
router.register("membership-requests", api.MembershipRequestViewSet, basename="membershiprequest")
router.register("organisation-applications", api.OrganisationApplicationViewSet, basename="organisationapplication")
urlpatterns = [
    path("tokens/", api.TokenListView.as_view(), name="api-tokens"),
    path("tokens/<str:token_key>/", api.TokenDetailView.as_view(), name="api-token"),
    *router.urls,
]
