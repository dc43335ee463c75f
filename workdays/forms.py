import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin


class CalendarLoadForm(BootstrapFormMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100,
                              initial=lambda: dt.date.today().year + 1)
    source = forms.CharField(label=_("Source"), max_length=300, required=False,
                             help_text=_("The State Council notice, e.g. 国办发明电〔2026〕7号."))
    text = forms.CharField(
        label=_("Holidays and adjusted working days"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Paste the notice's lines (e.g. “春节：2月15日至23日放假调休，共9天。2月14日"
                    "（周六）、2月28日（周六）上班。”), or one entry per line: "
                    "2027-10-01..2027-10-07 holiday 国庆节 / 2027-09-26 workday."),
    )
