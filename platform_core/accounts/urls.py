from django.contrib.auth import views as auth_views
from django.urls import include, path
from django_cas_ng import views as cas_views
from mozilla_django_oidc import urls as oidc_urls

from . import sso, views

app_name = "accounts"

urlpatterns = [
    path("register/", views.register, name="register"),
    path("register/organisations/", views.organisation_search, name="organisation-search"),
    path("verify/<uidb64>/<token>/", views.verify_email, name="verify-email"),
    path("waiting/", views.waiting, name="waiting"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("organisations/<int:pk>/invitations/", views.invitation_list, name="invitations"),
    path("invitations/<int:pk>/resend/", views.invitation_resend, name="invitation-resend"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation-revoke"),
    path("organisations/<int:pk>/requests/", views.membership_requests, name="membership-requests"),
    path("requests/<int:pk>/<str:verdict>/", views.membership_request_decide, name="membership-request-decide"),
    path("applications/", views.applications, name="applications"),
    path("applications/<int:pk>/<str:verdict>/", views.application_decide, name="application-decide"),
    path("tokens/", views.api_tokens, name="api-tokens"),
    path("tokens/<str:token_key>/revoke/", views.api_token_revoke, name="api-token-revoke"),
]

# Django's names (password_reset, cas_ng_login, oidc_authentication_callback…) are not namespaced.
top_level = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("accounts/password/reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("accounts/password/reset/done/", auth_views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    path("accounts/cas/login/", sso.require_enabled(sso.cas_enabled)(cas_views.LoginView.as_view()),
         name="cas_ng_login"),
    path("accounts/cas/logout/", sso.require_enabled(sso.cas_enabled)(cas_views.LogoutView.as_view()),
         name="cas_ng_logout"),
    path("accounts/oidc/", include([
        path(p.pattern._route, sso.require_enabled(sso.oidc_enabled)(p.callback), name=p.name)
        for p in oidc_urls.urlpatterns
    ])),
    path("accounts/", include((urlpatterns, app_name))),
]
