from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from audit.admin import AuditedAdminMixin

from .models import ExpertProfile, Membership, Organization, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user", "organization")


@admin.register(User)
class UserAdmin(AuditedAdminMixin, BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Contact for reminders"), {"fields": ("real_name", "mobile")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Contact for reminders"), {"fields": ("real_name", "mobile", "email")}),
    )
    list_display = ("username", "real_name", "mobile", "email", "is_active", "is_staff")
    search_fields = ("username", "real_name", "mobile", "email")
    inlines = [MembershipInline]


@admin.register(Organization)
class OrganizationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "credit_code", "region_code", "scale",
                    "is_foreign_invested", "is_active")
    list_filter = ("kind", "scale", "is_foreign_invested", "is_active")
    search_fields = ("name", "credit_code")
    autocomplete_fields = ("parent",)
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("user", "organization", "role", "is_active")
    list_filter = ("role", "is_active", "organization__kind")
    search_fields = ("user__username", "user__real_name", "organization__name")
    autocomplete_fields = ("user", "organization")


@admin.register(ExpertProfile)
class ExpertProfileAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("user", "title", "employer", "employer_name", "is_available")
    list_filter = ("is_available",)
    search_fields = ("user__real_name", "user__username", "title", "employer_name")
    autocomplete_fields = ("user", "employer", "avoidances", "specialities")
