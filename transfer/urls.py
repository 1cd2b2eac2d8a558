from django.urls import path

from . import views

app_name = "transfer"

urlpatterns = [
    path("", views.pool, name="pool"),
    path("supermarket/", views.supermarket, name="supermarket"),
    path("workbench/", views.workbench, name="workbench"),
    path("workbench/projects/<int:pk>/hand-over/", views.project_hand_over, name="project-hand-over"),
    path("achievements/new/", views.achievement_create, name="achievement-create"),
    path("achievements/<int:pk>/", views.achievement_detail, name="achievement-detail"),
    path("achievements/<int:pk>/edit/", views.achievement_edit, name="achievement-edit"),
    path("achievements/<int:pk>/screen/", views.achievement_screen, name="achievement-screen"),
    path("achievements/<int:pk>/push/", views.achievement_push, name="achievement-push"),
    path("achievements/<int:pk>/broker/", views.achievement_assign_broker, name="achievement-broker"),
    path("achievements/<int:pk>/deal/", views.deal_create, name="deal-create"),
    path("achievements/<int:pk>/terms/", views.achievement_terms, name="achievement-terms"),
    path("achievements/<int:pk>/inquire/", views.achievement_inquire, name="achievement-inquire"),
    path("roadshows/", views.roadshow_list, name="roadshow-list"),
    path("roadshows/new/", views.roadshow_create, name="roadshow-create"),
    path("roadshows/<int:pk>/", views.roadshow_detail, name="roadshow-detail"),
    path("roadshows/<int:pk>/register/", views.roadshow_register, name="roadshow-register"),
    path("roadshows/<int:pk>/cancel/", views.roadshow_cancel, name="roadshow-cancel"),
    path("roadshows/<int:pk>/registrations.xlsx", views.roadshow_export, name="roadshow-export"),
    path("import/<str:kind>/", views.pool_import, name="import"),
    path("pushes/", views.enterprise_pushes, name="enterprise-pushes"),
    path("pushes/<int:pk>/", views.push_detail, name="push-detail"),
    path("pushes/<int:pk>/<str:answer>/", views.push_answer, name="push-answer"),
    path("deals/<int:pk>/", views.deal_detail, name="deal-detail"),
    path("patents/", views.patent_list, name="patent-list"),
    path("patents/new/", views.patent_create, name="patent-create"),
    path("patents/<int:pk>/", views.patent_detail, name="patent-detail"),
    path("patents/<int:pk>/fee-paid/", views.patent_fee_paid, name="patent-fee-paid"),
    path("chains/", views.chain_index, name="chain-index"),
    path("chains/<int:pk>/", views.chain_detail, name="chain-detail"),
    path("chains/nodes/<int:pk>/", views.node_detail, name="node-detail"),
    path("incubators/", views.incubator_list, name="incubator-list"),
    path("incubators/new/", views.incubator_create, name="incubator-create"),
    path("incubators/<int:pk>/", views.incubator_detail, name="incubator-detail"),
    path("incubators/<int:pk>/admit/", views.company_admit, name="company-admit"),
    path("companies/<int:pk>/", views.company_detail, name="company-detail"),
]
