from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from .selectors import audit_events_for

# core.refusals names every refusal ``<entity>.<verb>_refused`` (the admin's ``admin.refused``).
REFUSAL_SUFFIX = "refused"


@login_required
def event_list(request):
    """The audit trail the person may read; ``?refused=1`` keeps only the refusals — the
    list behind the supervision dashboard's count."""
    qs = audit_events_for(user=request.user, organization=request.organization)
    action = request.GET.get("action", "").strip()
    if action:
        qs = qs.filter(action__startswith=action)
    refused = request.GET.get("refused") == "1"
    if refused:
        qs = qs.filter(action__endswith=REFUSAL_SUFFIX)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "audit/event_list.html",
                  {"page": page, "action": action, "refused": refused})
