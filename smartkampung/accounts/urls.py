from django.urls import path

from . import recovery_views, views

app_name = "accounts"
urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.login_view, name="login"),
    path("accounts/login/2fa/", views.login_2fa_view, name="login_2fa"),
    path("accounts/login/unlock/", views.login_unlock_view, name="login_unlock"),
    path("accounts/lockouts/", views.lockout_list, name="lockout_list"),
    path("accounts/logout/", views.logout_view, name="logout"),
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/password/", views.password_change, name="password_change"),
    path("accounts/2fa/", views.two_factor, name="two_factor"),
    path("accounts/tokens/", views.tokens, name="tokens"),
    path("accounts/users/", views.user_list, name="user_list"),
    path("accounts/users/new/", views.user_create, name="user_create"),
    path("accounts/users/<int:user_id>/", views.user_detail, name="user_detail"),
    # a forgotten staff password (ADR 0114)
    path("accounts/password/forgot/", recovery_views.password_forgot, name="password_forgot"),
    path("accounts/staff/", recovery_views.staff_list, name="staff_list"),
    path(
        "accounts/staff/<int:user_id>/reset/",
        recovery_views.staff_password_reset,
        name="staff_password_reset",
    ),
]
