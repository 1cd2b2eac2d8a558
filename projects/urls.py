from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("", views.challenge_list, name="challenge-list"),
    path("workbench/", views.workbench, name="workbench"),
    path("challenges/new/", views.challenge_create, name="challenge-create"),
    path("challenges/<int:pk>/", views.challenge_detail, name="challenge-detail"),
    path("challenges/<int:pk>/edit/", views.challenge_edit, name="challenge-edit"),
    path("challenges/<int:pk>/publish/", views.challenge_publish, name="challenge-publish"),
    path("challenges/<int:pk>/close/", views.challenge_close, name="challenge-close"),
    path("challenges/<int:pk>/undertaking/", views.undertaking_request, name="undertaking-request"),
    path("undertakings/<int:pk>/decide/", views.undertaking_decide, name="undertaking-decide"),
    path("challenges/<int:pk>/topic/", views.topic_edit, name="topic-edit"),
    path("challenges/<int:pk>/call/", views.call_open, name="call-open"),
    path("challenges/<int:pk>/call/close/", views.call_close, name="call-close"),
    path("challenges/<int:pk>/bid/", views.bid_create, name="bid-create"),
    path("bids/<int:pk>/", views.bid_detail, name="bid-detail"),
    path("bids/<int:pk>/withdraw/", views.bid_withdraw, name="bid-withdraw"),
    path("bids/<int:pk>/award/", views.award_propose, name="award-propose"),
    path("list/", views.project_list, name="project-list"),
    path("list/<int:pk>/", views.project_detail, name="project-detail"),
    path("list/<int:pk>/milestones/", views.milestone_add, name="milestone-add"),
    path("list/<int:pk>/start/", views.project_start, name="project-start"),
    path("list/<int:pk>/trl/", views.trl_record, name="trl-record"),
    path("list/<int:pk>/budget/", views.budget_change, name="budget-change"),
    path("list/<int:pk>/result/", views.project_submit, name="project-submit"),
    path("list/<int:pk>/evaluate/", views.evaluation_submit, name="evaluation-submit"),
    path("milestones/<int:pk>/submit/", views.milestone_submit, name="milestone-submit"),
]
