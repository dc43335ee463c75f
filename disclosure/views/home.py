"""The portal's home (``/``): what was published lately, a card per group of kinds, and
the calls to suppliers to register or log in."""

from django.shortcuts import render
from django.urls import path

from accounts.models import Organization
from accounts.selectors import organization_counts_by_kind

from ..selectors_home import latest_by_group


def home(request):
    counts = organization_counts_by_kind()
    return render(request, "disclosure/home.html", {
        "cards": latest_by_group(),
        "supplier_count": counts.get(Organization.Kind.SUPPLIER, 0),
        "purchaser_count": counts.get(Organization.Kind.PURCHASER, 0),
        "agency_count": counts.get(Organization.Kind.AGENCY, 0)
        + counts.get(Organization.Kind.CENTRAL_AGENCY, 0),
    })


urlpatterns = [path("", home, name="home")]
