"""Contract forms: they check shape only; the law is checked by the services."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError
from core.forms import BootstrapFormMixin
from core.validators import validate_plausible_date

from .models import Acceptance, Contract
from .rules import CHARGE_KINDS, suggested_advance, validate_performance_date
from .services import SECRET_FIELDS

POSITIVE = Decimal("0.01")
CHARGE_FIELDS = {"performance_bond": "performance_bond_percent",
                 "quality_deposit": "quality_deposit_percent", "fee": "fee_percent"}


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def percent_field(label, **kwargs):
    return forms.DecimalField(label=label, max_digits=5, decimal_places=2, min_value=0,
                              max_value=100, required=False, **kwargs)


class DraftForm(BootstrapFormMixin, forms.Form):
    """The purchaser's terms; parties, items and amount come from the award."""

    delivery_place = forms.CharField(label=_("Place of delivery"), max_length=200)
    delivery_deadline = forms.DateField(label=_("Delivery by"), widget=date_input(),
                                        validators=[validate_plausible_date])
    delivery_terms = forms.CharField(label=_("Delivery and service terms"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 3}))
    payment_term = forms.IntegerField(label=_("Payment after the invoice"), min_value=1,
                                      max_value=365)
    payment_term_unit = forms.ChoiceField(label=_("Unit"), choices=Contract.TermUnit.choices)
    acceptance_term = forms.IntegerField(
        label=_("Acceptance organised within (working days)"), min_value=1, max_value=60,
        initial=1, help_text=_("Used where the rule profile leaves it to the contract."))
    advance_percent = forms.DecimalField(
        label=_("Advance payment (%)"), max_digits=5, decimal_places=2, min_value=POSITIVE,
        max_value=100, required=False)
    performance_bond_percent = percent_field(CHARGE_KINDS["performance_bond"])
    quality_deposit_percent = percent_field(CHARGE_KINDS["quality_deposit"])
    fee_percent = percent_field(CHARGE_KINDS["fee"])
    special_terms = forms.CharField(label=_("Special terms"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 3}))
    secret_fields = forms.MultipleChoiceField(
        label=_("Left out of the publication as trade secrets"), required=False,
        choices=list(SECRET_FIELDS.items()), widget=forms.CheckboxSelectMultiple)
    payee_name = forms.CharField(label=_("Payee account name"), max_length=200)
    payee_bank = forms.CharField(label=_("Payee bank"), max_length=200)
    payee_account = forms.CharField(label=_("Payee account number"), max_length=40)

    def __init__(self, *args, supplier=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in CHARGE_FIELDS.values():
            self.fields[name].widget.attrs["placeholder"] = "0"
        self.fields["secret_fields"].widget.attrs["class"] = "form-check-input"
        self.suggested_advance = suggested_advance(supplier) if supplier else None
        if self.suggested_advance is not None:
            self.fields["advance_percent"].widget.attrs["placeholder"] = \
                f"{self.suggested_advance:f}"

    def charges(self) -> list[dict]:
        data = self.cleaned_data
        return [{"kind": kind, "percent": str(data[name])}
                for kind, name in CHARGE_FIELDS.items() if data.get(name)]

    def terms(self) -> dict:
        """The service's keyword arguments (without the milestones)."""
        data = dict(self.cleaned_data)
        for name in CHARGE_FIELDS.values():
            data.pop(name)
        data["charges"] = self.charges()
        return data

    def field_for(self, exc: DomainError) -> str | None:
        """The field a refusal concerns: a refused charge goes next to that charge."""
        if exc.field != "charges":
            return exc.field
        if exc.code == "fee_forbidden":
            return "fee_percent"
        named = str(exc.params.get("kind", ""))
        for kind, name in CHARGE_FIELDS.items():
            if named == str(CHARGE_KINDS[kind]):
                return name
        return None

    @staticmethod
    def initial_from(contract: Contract) -> dict:
        """A redraft starts from the current terms."""
        initial = {name: getattr(contract, name) for name in (
            "delivery_place", "delivery_deadline", "delivery_terms", "payment_term",
            "payment_term_unit", "acceptance_term", "advance_percent", "special_terms",
            "secret_fields", "payee_name", "payee_bank", "payee_account")}
        for charge in contract.charges:
            if charge.get("kind") in CHARGE_FIELDS:
                initial[CHARGE_FIELDS[charge["kind"]]] = charge.get("percent")
        return initial


class MilestoneForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200, required=False)
    due_date = forms.DateField(label=_("Due"), required=False, widget=date_input(),
                               validators=[validate_plausible_date])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].widget.attrs.update({"placeholder": _("Milestone, e.g. delivery"),
                                                  "aria-label": _("Milestone")})
        self.fields["due_date"].widget.attrs["aria-label"] = _("Due")

    def clean(self):
        data = super().clean()
        if data.get("title") and not data.get("due_date"):
            self.add_error("due_date", _("Give the date of this milestone."))
        if data.get("due_date") and not data.get("title"):
            self.add_error("title", _("Name this milestone."))
        return data


# Three rows to start with, and always one empty row after the milestones of a redraft.
MilestoneFormSet = forms.formset_factory(MilestoneForm, extra=1, min_num=2, max_num=12)


def milestones_of(formset) -> list[dict]:
    return [{"title": f.cleaned_data["title"], "due_date": f.cleaned_data["due_date"]}
            for f in formset.forms if f.cleaned_data.get("title")]


# --- the steps on the contract's page ------------------------------------------------

class ContractForm(BootstrapFormMixin, forms.Form):
    """A step of one contract: the rows it may pick are that contract's.

    The contract page holds many of these at once, some once per row: each form's ids
    carry its step (and its row), so that no two inputs on the page share an id."""

    row_field = ""  # the hidden field naming the row, for forms repeated per row

    def __init__(self, *args, contract: Contract, **kwargs):
        self.contract = contract
        if "auto_id" not in kwargs:
            scope = type(self).__name__.removesuffix("Form").lower()
            if self.row_field:
                data = args[0] if args else kwargs.get("data")
                row = (data or {}).get(self.row_field) or \
                    (kwargs.get("initial") or {}).get(self.row_field)
                scope = f"{scope}{row or ''}"
            kwargs["auto_id"] = f"id_{scope}_%s"
        super().__init__(*args, **kwargs)


class ConfirmForm(ContractForm):
    """A step without input (publish, file, resume signing)."""


class SignForm(ContractForm):
    # The hash of the PDF the person was shown: signing is bound to it.
    pdf_sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)


class SuspendForm(ContractForm):
    reason = forms.CharField(label=_("Challenge that may change the result"),
                             widget=forms.Textarea(attrs={"rows": 2}))


class MilestoneDoneForm(ContractForm):
    row_field = "milestone"
    milestone = forms.ModelChoiceField(queryset=None, widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["milestone"].queryset = self.contract.milestones.filter(done_at=None)
        self.fields["note"].widget.attrs.update({"class": "form-control form-control-sm",
                                                 "placeholder": _("Note (optional)")})


class AcceptanceRequestForm(ContractForm):
    note = forms.CharField(label=_("What was delivered"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class AcceptanceRecordForm(ContractForm):
    acceptance = forms.ModelChoiceField(queryset=None, widget=forms.HiddenInput)
    result = forms.ChoiceField(
        label=_("Result"), widget=forms.RadioSelect,
        choices=[(Acceptance.Result.PASSED, Acceptance.Result.PASSED.label),
                 (Acceptance.Result.FAILED, Acceptance.Result.FAILED.label)])
    items_checked = forms.CharField(label=_("Items checked"),
                                    widget=forms.Textarea(attrs={"rows": 2}))
    members = forms.CharField(label=_("Acceptance members"),
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("One person per line, at least two."))
    report = forms.CharField(label=_("Acceptance report"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("On a failure, say what must be rectified."))
    public_service = forms.BooleanField(label=_("This is a public service"), required=False)
    service_users_invited = forms.BooleanField(
        label=_("Its users were invited to take part and give their opinion"),
        required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["acceptance"].queryset = self.contract.acceptances.filter(
            result=Acceptance.Result.PENDING)
        self.fields["result"].widget.attrs["class"] = "form-check-input"

    def clean_members(self):
        return [line.strip() for line in self.cleaned_data["members"].splitlines()
                if line.strip()]


class InvoiceForm(ContractForm):
    number = forms.CharField(label=_("Invoice number"), max_length=40)
    amount = forms.DecimalField(label=_("Invoice amount (yuan)"), max_digits=16,
                                decimal_places=2, min_value=POSITIVE)
    issued_on = forms.DateField(label=_("Invoice date"), widget=date_input())
    file = forms.FileField(label=_("Invoice file"),
                           help_text=_("PDF or image, checked by its content."),
                           widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,"
                                                                            ".jpeg"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issued_on"].initial = timezone.localdate()

    def clean_issued_on(self):
        validate_performance_date(self.contract, self.cleaned_data["issued_on"])
        return self.cleaned_data["issued_on"]


class PaymentForm(ContractForm):
    invoice = forms.ModelChoiceField(label=_("Pays"), queryset=None, required=False)
    amount = forms.DecimalField(label=_("Amount (yuan)"), max_digits=16, decimal_places=2,
                                min_value=POSITIVE)
    paid_on = forms.DateField(label=_("Paid on"), widget=date_input())
    voucher = forms.CharField(label=_("Payment voucher number"), max_length=60)
    payee_account = forms.CharField(label=_("Paid into account"), max_length=40)

    def __init__(self, *args, collection_account: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["invoice"]
        field.queryset = self.contract.invoices.all()
        field.label_from_instance = lambda i: _(
            "Invoice %(number)s (%(left)s yuan outstanding)") % {
            "number": i.number, "left": f"{i.outstanding:,.2f}"}
        if self.contract.advance_percent:
            field.empty_label = _("Advance payment (%(amount)s yuan)") % {
                "amount": f"{self.contract.advance_amount:,.2f}"}
        else:
            field.empty_label = "—"
        # The usual case preselected: the oldest invoice still owed, for what it owes.
        owed = next((i for i in field.queryset.order_by("received_at", "pk")
                     if i.outstanding > 0), None)
        if owed is not None:
            field.initial = owed.pk
            self.fields["amount"].initial = owed.outstanding
        self.fields["paid_on"].initial = timezone.localdate()
        self.fields["payee_account"].initial = collection_account

    def clean_paid_on(self):
        validate_performance_date(self.contract, self.cleaned_data["paid_on"])
        return self.cleaned_data["paid_on"]


class SupplementForm(ContractForm):
    amount = forms.DecimalField(label=_("Amount (yuan)"), max_digits=16, decimal_places=2,
                                min_value=POSITIVE)
    reason = forms.CharField(label=_("What is added and why"),
                             widget=forms.Textarea(attrs={"rows": 2}))


class SupplementConfirmForm(ContractForm):
    row_field = "supplement"
    supplement = forms.ModelChoiceField(queryset=None, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplement"].queryset = self.contract.supplements.filter(
            confirmed_at=None)
