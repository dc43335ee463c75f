"""Forms of the inquiries part: shape only; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin


class InquiryAskForm(BootstrapFormMixin, forms.Form):
    question = forms.CharField(label=_("Your question"), max_length=5000,
                               widget=forms.Textarea(attrs={"rows": 5}))


class InquiryAnswerForm(BootstrapFormMixin, forms.Form):
    answer = forms.CharField(label=_("Written answer"), max_length=5000,
                             widget=forms.Textarea(attrs={"rows": 5}))
