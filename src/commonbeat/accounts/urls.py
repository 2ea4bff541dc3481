from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("accounts/sign-in/", views.sign_in, name="sign_in"),
    path("accounts/sign-in/code/", views.verify, name="verify"),
    path("accounts/sign-in/authenticator/", views.set_up_authenticator, name="set_up_authenticator"),
    path("accounts/sign-out/", views.sign_out, name="sign_out"),
    path("console/", views.console, name="console"),
    path("console/users/", views.users, name="users"),
    path("console/users/new/", views.new_user, name="new_user"),
    path("console/users/<int:user_id>/", views.edit_user, name="edit_user"),
    path("console/api-tokens/", views.api_tokens, name="api_tokens"),
    path("console/api-tokens/<int:token_id>/revoke/", views.revoke_api_token, name="revoke_api_token"),
]
