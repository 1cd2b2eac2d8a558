from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("matches", views.MatchViewSet, basename="match")

app_name = "matching-api"
urlpatterns = router.urls
