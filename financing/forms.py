"""Contract financing forms: shape only; the services check the rules."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contracts.models import Contract
from core.forms import BootstrapFormMixin

from .selectors import offer_cap

POSITIVE = Decimal("0.01")


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ApplyForm(BootstrapFormMixin, forms.Form):
    offer = forms.ModelChoiceField(label=gettext_lazy("Financing offer"), queryset=None,
                                   empty_label=gettext_lazy("Choose a bank's offer"))
    amount = forms.DecimalField(label=gettext_lazy("Amount asked (yuan)"), max_digits=16,
                                decimal_places=2, min_value=POSITIVE)
    # Not required here: the service refuses without it, with a clear reason.
    consent = forms.BooleanField(required=False)

    def __init__(self, *args, contract: Contract, offers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offer"].queryset = offers
        self.fields["offer"].label_from_instance = lambda o: _(
            "%(bank)s · %(name)s — %(rate)s, up to %(cap)s yuan") % {
            "bank": o.bank.name, "name": o.name, "rate": o.rate,
            "cap": f"{offer_cap(o, contract.amount):,.2f}"}
        self.fields["consent"].label = _(
            "On behalf of %(supplier)s I consent to sharing this award and this contract "
            "(the award notice, the contract PDF, its number, amount and parties) with the "
            "bank of the offer chosen above — with that bank only — for it to decide and "
            "manage this financing.") % {"supplier": contract.supplier.name}
        self.fields["consent"].help_text = _(
            "Without this consent the bank sees nothing. No other bank ever sees your award "
            "or contract.")


class RateForm(BootstrapFormMixin, forms.Form):
    rating = forms.TypedChoiceField(label=gettext_lazy("Rating"), coerce=int,
                                    choices=[(i, "★" * i) for i in range(5, 0, -1)],
                                    widget=forms.RadioSelect)
    comment = forms.CharField(label=gettext_lazy("Comment"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rating"].widget.attrs["class"] = "form-check-input"


class DecideForm(BootstrapFormMixin, forms.Form):
    # The choices are the steps of ``steps.APPLICATION`` the bank takes here.
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"), widget=forms.RadioSelect, initial="approve",
        choices=[("approve", gettext_lazy("Approve")), ("refuse", gettext_lazy("Refuse"))])
    approved_amount = forms.DecimalField(
        label=gettext_lazy("Approved amount (yuan)"), max_digits=16, decimal_places=2,
        min_value=POSITIVE, required=False,
        help_text=gettext_lazy("Empty: the amount asked for."))
    rate = forms.DecimalField(label=gettext_lazy("Annual rate (%)"), max_digits=5,
                              decimal_places=2, min_value=POSITIVE, required=False)
    collection_account = forms.CharField(
        label=gettext_lazy("Collection account"), max_length=40, required=False,
        help_text=gettext_lazy("Agreed with the supplier: the purchaser will pay the "
                               "contract into it."))
    collection_bank = forms.CharField(label=gettext_lazy("Bank of the collection account"),
                                      max_length=200, required=False)
    reason = forms.CharField(label=gettext_lazy("Reason"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=gettext_lazy("Required for a refusal: the supplier "
                                                    "is told."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].widget.attrs["class"] = "form-check-input"


class DisburseForm(BootstrapFormMixin, forms.Form):
    amount = forms.DecimalField(label=gettext_lazy("Amount disbursed (yuan)"), max_digits=16,
                                decimal_places=2, min_value=POSITIVE)
    disbursed_on = forms.DateField(label=gettext_lazy("Disbursed on"), widget=_date_input())


class ScheduleRowForm(BootstrapFormMixin, forms.Form):
    due_date = forms.DateField(label=gettext_lazy("Due"), required=False,
                               widget=_date_input())
    amount = forms.DecimalField(label=gettext_lazy("Amount (yuan)"), max_digits=16,
                                decimal_places=2, min_value=POSITIVE, required=False)

    def clean(self):
        data = super().clean()
        if bool(data.get("due_date")) != bool(data.get("amount")):
            self.add_error("due_date" if data.get("amount") else "amount",
                           _("Give both the date and the amount, or neither."))
        return data


ScheduleFormSet = forms.formset_factory(ScheduleRowForm, extra=0, min_num=4, max_num=60)


class OfferForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=gettext_lazy("Product"), max_length=200)
    rate = forms.CharField(label=gettext_lazy("Annual rate"), max_length=60,
                           help_text=gettext_lazy("As shown to suppliers, e.g. 3.45%, or "
                                                  "LPR + 0.5%."))
    max_percent = forms.DecimalField(label=gettext_lazy("Maximum share of the contract (%)"),
                                     max_digits=5, decimal_places=2, min_value=POSITIVE,
                                     max_value=100)
    term_months = forms.IntegerField(label=gettext_lazy("Term (months)"), min_value=1,
                                     max_value=360)
    description = forms.CharField(label=gettext_lazy("Conditions"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    is_active = forms.BooleanField(label=gettext_lazy("Offered to winners now"),
                                   required=False, initial=True)
