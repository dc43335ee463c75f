from django.contrib import admin

from .models import CatalogItem, Heartbeat


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ("name", "at", "hostname")
    readonly_fields = ("name", "at", "hostname")


@admin.register(CatalogItem)
class CatalogItemAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "type", "parent")
    list_filter = ("type", "level")
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)
