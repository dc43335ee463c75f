from django.contrib import admin

from .models import Message, Preference
from .selectors import messages_unsealed


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("created_at", "recipient", "channel", "category", "status", "attempts",
                    "subject")
    list_filter = ("channel", "status", "category", "is_statutory")
    search_fields = ("recipient__username", "recipient__real_name", "subject",
                     "idempotency_key")
    readonly_fields = [f.name for f in Message._meta.fields]
    list_select_related = ("recipient",)

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        # Who was sent a clarification is who obtained the documents: sealed until
        # opening, from every administrator (notifications.selectors).
        return messages_unsealed(super().get_queryset(request))


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "category", "channel", "enabled")
    list_filter = ("channel", "enabled")
