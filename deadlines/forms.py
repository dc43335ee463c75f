from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin


class WaiveForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}),
                             min_length=5, max_length=2000)
