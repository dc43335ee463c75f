"""The finance bureau's desk: ``/supervision/interceptions/``."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from accounts.permissions import supervisor

from .exports import interceptions_csv, interceptions_xlsx
from .selectors import interception_rows, interceptions


@login_required
def interception_list(request):
    """Every refusal and every overridden warning, from every app, filterable; the same
    selection as CSV (``?format=csv``) or XLSX (``?format=xlsx``)."""
    supervisor(request)  # the finance bureau's staff; anyone else 404
    filterset = interceptions(filters=request.GET)
    events = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    export = request.GET.get("format")
    if export == "csv" and filterset.is_valid():
        return interceptions_csv(events)
    if export == "xlsx" and filterset.is_valid():
        return interceptions_xlsx(events)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return render(request, "supervision/interception_list.html", {
        "filter": filterset, "page": page, "rows": interception_rows(page),
        "query": query.urlencode()}, status=200 if filterset.is_valid() else 400)
