from django import forms

from core.exceptions import DomainError


class BootstrapFormMixin:
    """Give every widget Bootstrap's classes so templates render plain ``{{ field }}``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            # Radios and checkbox groups render one input per choice: each is a check.
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            # Never touch self.errors here: it would validate the form before a
            # subclass's __init__ has finished (e.g. set a field's queryset).
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


def add_domain_error(form, exc: DomainError) -> None:
    """Show a service's refusal on the form, next to the field it concerns."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, str(exc))
    if field:
        widget = form.fields[field].widget
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
