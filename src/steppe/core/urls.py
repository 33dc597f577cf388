from django.urls import path

from . import oidc, views

app_name = "accounts"

urlpatterns = [
    path("", views.home, name="home"),
    path("signup/", views.signup, name="signup"),
    path("signup/done/", views.signup_done, name="signup_done"),
    path("confirm/<str:token>/", views.confirm_email, name="confirm"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("password/reset/complete/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("invitation/<str:key>/", views.invitation, name="invitation"),
    path("invite/", views.invite, name="invite"),
    path("my/", views.my_organisation, name="my_organisation"),
    path("members/<int:pk>/active/", views.member_active, name="member_active"),
    path("members/<int:pk>/hand-over/", views.hand_over, name="hand_over"),
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/<int:pk>/", views.organisation, name="organisation"),
    path("people/", views.people, name="people"),
    path("oidc/authenticate/", oidc.ProviderStart.as_view(), name="oidc_start"),
    path("oidc/callback/", oidc.ProviderCallback.as_view(), name="oidc_callback"),
]
