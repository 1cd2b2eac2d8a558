from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("centers", views.JointCenterViewSet, basename="center")
router.register("consortia", views.ConsortiumViewSet, basename="consortium")
router.register("decisions", views.CenterDecisionViewSet, basename="centerdecision")

urlpatterns = router.urls
