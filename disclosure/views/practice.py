"""The agencies' practice in public (春风行动 23, verify): every agency's figures of a
year, and one agency's years. Read from ``AgencyPractice`` (recomputed daily), never
counted on the request."""

from django.shortcuts import render
from django.urls import path

from ..selectors_practice import (
    practice_agency,
    practice_computed_at,
    practice_of_year,
    practice_years,
)


def practice_list(request):
    years = practice_years()
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = None
    if year not in years:
        year = years[0] if years else None
    rows = list(practice_of_year(year)) if year else []
    return render(request, "disclosure/practice_list.html", {
        "years": years, "year": year, "rows": rows, "computed_at": practice_computed_at()})


def practice_detail(request, pk):
    agency, rows = practice_agency(pk)
    return render(request, "disclosure/practice_detail.html",
                  {"agency": agency, "rows": rows,
                   "computed_at": rows[0].computed_at if rows else None})


urlpatterns = [
    path("agencies/", practice_list, name="practice-list"),
    path("agencies/<int:pk>/", practice_detail, name="practice-detail"),
]
