from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("challenges", views.ChallengeViewSet, basename="challenge")
router.register("undertakings", views.UndertakingViewSet, basename="undertaking")
router.register("questions", views.QuestionViewSet, basename="question")
router.register("bids", views.BidViewSet, basename="bid")
router.register("documents", views.DocumentViewSet, basename="document")
router.register("projects", views.ProjectViewSet, basename="project")
router.register("milestones", views.MilestoneViewSet, basename="milestone")

urlpatterns = router.urls
