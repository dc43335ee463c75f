from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("register/", views.supplier_register, name="supplier-register"),
    path("switch/", views.organization_switch, name="organization-switch"),
    path("organizations/", views.organization_list, name="organization-list"),
    path("organizations/<int:pk>/", views.organization_detail, name="organization-detail"),
    path("organizations/<int:pk>/edit/", views.organization_edit, name="organization-edit"),
    path("organizations/<int:pk>/members/create/", views.member_add, name="member-add"),
    path(
        "organizations/<int:pk>/members/<int:membership_pk>/revoke/",
        views.member_revoke,
        name="member-revoke",
    ),
]
