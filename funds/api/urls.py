from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("funds", views.FundViewSet, basename="fund")
router.register("investments", views.InvestmentViewSet, basename="investment")
router.register("commitments", views.CommitmentViewSet, basename="commitment")
router.register("tranches", views.TrancheViewSet, basename="tranche")

urlpatterns = router.urls
