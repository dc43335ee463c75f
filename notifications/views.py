from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exceptions import DomainError

from . import services
from .categories import all_categories, channel_allowed
from .models import Message, Preference
from .selectors import inbox_for


@login_required
def inbox(request):
    qs = inbox_for(request.user)
    if request.GET.get("unread"):
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {
        "page": page, "unread_only": bool(request.GET.get("unread"))})


@login_required
@require_POST
def message_open(request, pk):
    message = get_object_or_404(inbox_for(request.user), pk=pk)
    services.message_mark_read(message=message, user=request.user)
    if message.link and url_has_allowed_host_and_scheme(message.link, allowed_hosts=None):
        return redirect(message.link)
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request):
    services.messages_mark_all_read(user=request.user)
    return redirect("notifications:inbox")


@login_required
def preferences(request):
    categories = all_categories()
    channels = Message.Channel.choices
    if request.method == "POST":
        try:
            for cat in categories:
                if cat.statutory:
                    continue
                for channel, _label in channels:
                    if not channel_allowed(cat, channel):
                        continue
                    services.preference_set(
                        user=request.user, category=cat.code, channel=channel,
                        enabled=f"{cat.code}:{channel}" in request.POST)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Your notification preferences have been saved."))
        return redirect("notifications:preferences")
    disabled = set(Preference.objects.filter(user=request.user, enabled=False)
                   .values_list("category", "channel"))
    rows = [(cat, [(code, label, (cat.code, code) not in disabled, channel_allowed(cat, code))
                   for code, label in channels])
            for cat in categories]
    return render(request, "notifications/preferences.html", {"rows": rows,
                                                               "channels": channels})
