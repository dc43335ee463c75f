"""The filters of the contract list and the ledger: one FilterSet each, used by the
selectors (``contracts_visible_to``, ``ledger_of``), rendered as the pages' filter
forms and documented as the API's query parameters.

Every caller's FilterSet has every filter, each narrowed to the caller's scope, so a
value outside it is refused (400 in the API) rather than ignored; the page hides the
ones that cannot narrow anything (``hidden_filters``): the purchaser filter is shown to
the finance bureau, who reads every unit, and the supplier filter to those who deal
with several suppliers.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as django_filters

from accounts.models import Organization
from core.filters import OrganizationFilter, StyledFilterSet, YearFilter, search_filter

from .models import Contract, LedgerRow

K = Organization.Kind

LEDGER_STATUS_CHOICES = [("awarded", _("Awarded, no contract yet")), *Contract.Status.choices,
                         ("revoked", _("Award revoked"))]


class _ScopedFilterSet(StyledFilterSet):
    """Filters limited to what ``organization`` may see; organisations offered by the
    purchaser and supplier filters are those of ``queryset`` (the caller's scope)."""

    supplier_path = "supplier"  # how the queryset's rows name their supplier

    def __init__(self, data=None, queryset=None, *, organization=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.hidden_filters = set()
        if organization is None or organization.kind != K.FINANCE:
            self.hidden_filters.add("purchaser")
        if organization is not None and organization.kind == K.SUPPLIER:
            self.hidden_filters.add("supplier")
        scope = self.queryset
        self.filters["purchaser"].queryset = Organization.objects.filter(
            pk__in=scope.values("purchaser")).order_by("name")
        self.filters["supplier"].queryset = Organization.objects.filter(
            pk__in=scope.values(self.supplier_path)).order_by("name")


class ContractFilterSet(_ScopedFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Contract.Status.choices,
                                         empty_label=_("All statuses"))
    purchaser = OrganizationFilter(label=_("Purchaser"), queryset=Organization.objects.none(),
                                   empty_label=_("All purchasers"))
    supplier = OrganizationFilter(label=_("Supplier"), queryset=Organization.objects.none(),
                                  empty_label=_("All suppliers"))
    year = YearFilter(label=_("Year drafted"), field_name="drafted_at", lookup_expr="year")
    q = search_filter(_("Search"))

    class Meta:
        model = Contract
        fields = ["status", "purchaser", "supplier", "year", "q"]

    def search(self, queryset, name, value):
        """Contract number, title, or either party's name."""
        return queryset.filter(Q(number__icontains=value) | Q(title__icontains=value)
                               | Q(purchaser__name__icontains=value)
                               | Q(supplier__name__icontains=value))


class LedgerFilterSet(_ScopedFilterSet):
    """Over ``selectors.ledger_of``'s rows, whose ``status`` is read live from the
    contract ("awarded" while there is none)."""

    status = django_filters.ChoiceFilter(label=_("Status"), choices=LEDGER_STATUS_CHOICES,
                                         empty_label=_("All statuses"))
    purchaser = OrganizationFilter(label=_("Purchaser"), queryset=Organization.objects.none(),
                                   empty_label=_("All purchasers"))
    supplier = OrganizationFilter(label=_("Supplier"), queryset=Organization.objects.none(),
                                  empty_label=_("All suppliers"), field_name="award__bid__supplier")
    year = YearFilter(label=_("Year awarded"), field_name="awarded_at", lookup_expr="year")
    q = search_filter(_("Search"))

    supplier_path = "award__bid__supplier"

    class Meta:
        model = LedgerRow
        fields = ["status", "purchaser", "supplier", "year", "q"]

    def search(self, queryset, name, value):
        """Project number or name, supplier, or contract number."""
        return queryset.filter(Q(project_code__icontains=value)
                               | Q(project_title__icontains=value)
                               | Q(supplier_name__icontains=value)
                               | Q(contract_number__icontains=value))
