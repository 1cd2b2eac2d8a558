from django.urls import path

from . import views

app_name = "matching"

urlpatterns = [
    path("", views.my_matches, name="my-matches"),
    path("<int:pk>/decide/", views.match_decide, name="match-decide"),
    path("<int:pk>/push/", views.match_push, name="match-push"),
]
