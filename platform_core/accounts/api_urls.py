from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.register("invitations", api.InvitationViewSet, basename="invitation")
router.register("membership-requests", api.MembershipRequestViewSet, basename="membershiprequest")
router.register("organisation-applications", api.OrganisationApplicationViewSet, basename="organisationapplication")
urlpatterns = router.urls
