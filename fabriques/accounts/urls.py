from django.urls import path

from . import oidc, views

app_name = "accounts"
urlpatterns = [
    path("", views.profile, name="profile"),
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", views.logout, name="logout"),
    path("proconnect/", oidc.ProConnectAuthenticateView.as_view(), name="oidc_authenticate"),
    path("proconnect/retour/", oidc.ProConnectCallbackView.as_view(), name="oidc_callback"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
    # Before lien/<token>/, which would take « demander » for a token.
    path("lien/demander/", views.sign_in_link_request, name="sign_in_link_request"),
    path(
        "lien/demander/envoye/",
        views.sign_in_link_request_done,
        name="sign_in_link_request_done",
    ),
    path("lien/revoquer/", views.sign_in_link_revoke, name="sign_in_link_revoke"),
    path("lien/<str:token>/", views.sign_in_link, name="sign_in_link"),
    path("creer/", views.signup, name="signup"),
    path("creer/envoye/", views.signup_done, name="signup_done"),
    path("mot-de-passe/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "mot-de-passe/envoye/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/termine/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "mot-de-passe/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("second-facteur/", views.totp_setup, name="totp_setup"),
    path("second-facteur/code/", views.totp_verify, name="totp_verify"),
    path("mes-donnees/", views.data_export, name="data_export"),
    path("suppression/", views.erasure, name="erasure"),
    path("suppression/effectuee/", views.erasure_done, name="erasure_done"),
]
