from django import template
from django.utils.html import format_html

from portal import forms_errors, once
from portal.money import exact_krw, format_krw

register = template.Library()


@register.filter
def krw(amount):
    """{{ amount|krw }} → '100억 원' with the exact figure in a title attribute."""
    if amount is None or amount == "":
        return ""
    return format_html('<data value="{}" title="{}">{}</data>', amount, exact_krw(amount), format_krw(amount))


@register.filter
def krw_text(amount):
    """Plain-text variant of |krw, for attributes, feeds and CSV."""
    if amount is None or amount == "":
        return ""
    return format_krw(amount)


@register.simple_tag(takes_context=True)
def form_once(context, purpose):
    """{% form_once "my:invite" %} → the hidden one-time token of a create form (portal.once)."""
    return format_html('<input type="hidden" name="{}" value="{}">', once.FIELD,
                       once.issue(user=context["request"].user, purpose=purpose))


@register.inclusion_tag("includes/error_summary.html")
def error_summary(*forms):
    """{% error_summary form formset ... %}: the box at the top of a form page that lists every error with a
    link to its field (KRDS has no pattern for it; built from its colours and list)."""
    return {"problems": forms_errors.problems(*forms)}


@register.filter
def dropped_upload(bound_field):
    """{% if field|dropped_upload %}: a file chosen for this field was not kept (the form had errors)."""
    return forms_errors.dropped_upload(bound_field)
