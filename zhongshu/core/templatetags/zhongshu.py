from django import template
from django.forms import CheckboxInput, CheckboxSelectMultiple, RadioSelect, Select, SelectMultiple
from django.utils import timezone
from django.utils.formats import date_format

register = template.Library()


@register.filter
def bs(field):
    """Render a bound field with Bootstrap classes (and is-invalid when it has errors)."""
    widget = field.field.widget
    if isinstance(widget, CheckboxInput | CheckboxSelectMultiple | RadioSelect):
        css = "form-check-input"
    elif isinstance(widget, Select | SelectMultiple):
        css = "form-select"
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    existing = widget.attrs.get("class", "")
    return field.as_widget(attrs={"class": f"{existing} {css}".strip()})


@register.filter
def cn_date(value):
    """2026年11月26日 in Chinese, the locale's long date otherwise (UI.md "Typography")."""
    if not value:
        return ""
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        value = timezone.localtime(value)
    return date_format(value, "DATE_FORMAT")


@register.filter
def cn_datetime(value):
    if not value:
        return ""
    value = timezone.localtime(value)
    return date_format(value, "DATE_FORMAT") + " " + value.strftime("%H:%M")
