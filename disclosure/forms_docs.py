"""Forms of the finance bureau's normative documents: shape only — the services check the
rules (the dates' order, the PDF by its bytes)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin

from .models import NormativeDocument

DATE = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class NormativeForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    number = forms.CharField(label=_("Document number"), max_length=60,
                             help_text=_("The 文号, e.g. 魏财购〔2026〕3号"))
    issuer = forms.CharField(label=_("Issuing body"), max_length=200)
    issued_on = forms.DateField(label=_("Issued on"), **DATE)
    effective_on = forms.DateField(label=_("In force from"), **DATE)
    body = forms.CharField(label=_("Text"), max_length=100_000,
                           widget=forms.Textarea(attrs={"rows": 10}))
    attachment = forms.FileField(label=_("PDF attachment"), required=False,
                                 help_text=_("The signed document as a PDF (optional)."),
                                 widget=forms.ClearableFileInput(
                                     attrs={"accept": "application/pdf,.pdf"}))
    # One draft per form shown, however often it is sent (double-click, retry).
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100,
                                      required=False)


class RepealForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for repeal"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Shown on the portal with the document."))


class NormativeFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[("", _("All")), (NormativeDocument.Status.IN_FORCE,
                                  NormativeDocument.Status.IN_FORCE.label),
                 (NormativeDocument.Status.REPEALED, NormativeDocument.Status.REPEALED.label)])
