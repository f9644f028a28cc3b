from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from portal import forms_errors, once, pagecache
from portal.money import exact_krw, format_krw, rounded_krw

register = template.Library()


@register.filter
def krw(amount):
    """{{ amount|krw }} → '100억 원' with the exact figure in a title attribute."""
    if amount is None or amount == "":
        return ""
    return format_html('<data value="{}" title="{}">{}</data>', amount, exact_krw(amount), format_krw(amount))


@register.filter
def krw_rounded(amount):
    """{{ amount|krw_rounded }} → '138억 원' for summary cards, the exact figure in a title attribute."""
    if amount is None or amount == "":
        return ""
    return format_html('<data value="{}" title="{}">{}</data>', amount, exact_krw(amount), rounded_krw(amount))


@register.filter
def krw_text(amount):
    """Plain-text variant of |krw, for attributes, feeds and CSV."""
    if amount is None or amount == "":
        return ""
    return format_krw(amount)


@register.simple_tag(takes_context=True)
def form_once(context, purpose):
    """{% form_once "my:invite" %} → the hidden one-time token of a create form (portal.once)."""
    # A hole while an organisation's own page is rendered for the cache (portal.pagecache.scoped_page).
    return format_html('<input type="hidden" name="{}" value="{}">', once.FIELD,
                       pagecache.once_token(context["request"], purpose))


@register.inclusion_tag("includes/error_summary.html")
def error_summary(*forms):
    """{% error_summary form formset ... %}: the box at the top of a form page that lists every error with a
    link to its field (KRDS has no pattern for it; built from its colours and list)."""
    return {"problems": forms_errors.problems(*forms)}


@register.filter
def dropped_upload(bound_field):
    """{% if field|dropped_upload %}: a file chosen for this field was not kept (the form had errors)."""
    return forms_errors.dropped_upload(bound_field)


@register.inclusion_tag("includes/breadcrumb.html")
def breadcrumb(*parts):
    """{% breadcrumb "News" news_url article.title %}: pairs of (label, address), then the current page's label.
    Home comes first by itself."""
    *pairs, current = parts
    if len(pairs) % 2:
        raise template.TemplateSyntaxError("breadcrumb takes (label, address) pairs and then the current page")
    return {"links": list(zip(pairs[::2], pairs[1::2], strict=True)), "current": current}


@register.simple_tag
def split_messages(messages):
    """[("alert", errors), ("status", the others)], leaving out an empty group."""
    messages = list(messages)
    errors = [m for m in messages if m.level_tag == "error"]
    others = [m for m in messages if m.level_tag != "error"]
    return [(role, group) for role, group in (("alert", errors), ("status", others)) if group]


# KRDS badge variant per status. All are the light family, whose text reaches at least 5:1 on its own
# background (WCAG AA); the badge always shows the status word, so the colour is never the only cue.
# Keyed by model label (portal imports no app) or by a kind name for states that are not a field.
BADGE_VARIANTS = {
    "projects.proposal": {
        "draft": "bg-light-gray", "submitted": "bg-light-primary", "under_review": "bg-light-information",
        "changes_requested": "bg-light-warning", "selected": "bg-light-success", "rejected": "bg-light-danger",
        "withdrawn": "outline-gray",
    },
    "members.organization": {
        "pending": "bg-light-information", "approved": "bg-light-success", "changes_requested": "bg-light-warning",
        "rejected": "bg-light-danger", "suspended": "bg-light-gray",
    },
    "members.changerequest": {
        "pending": "bg-light-information", "approved": "bg-light-success", "rejected": "bg-light-danger",
        "withdrawn": "outline-gray",
    },
    "delivery.project": {"in_progress": "bg-light-primary", "completed": "bg-light-success",
                         "suspended": "bg-light-warning", "terminated": "bg-light-danger"},
    "delivery.report": {"due": "bg-light-gray", "submitted": "bg-light-information",
                        "changes_requested": "bg-light-warning", "accepted": "bg-light-success"},
    "news.article": {"draft": "bg-light-gray", "published": "bg-light-success"},
    "call": {"open": "bg-light-success", "upcoming": "bg-light-primary", "closed": "bg-light-gray"},
    # A consortium partner's confirmation (projects' Participant.consent).
    "consent": {"pending": "bg-light-information", "accepted": "bg-light-success", "declined": "bg-light-danger",
                "withdrawn": "outline-gray"},
}
NEUTRAL_BADGE = "bg-light-gray"


@register.inclusion_tag("includes/status_badge.html")
def status_badge(obj):
    """{% status_badge proposal %}: the object's status as a KRDS badge with its display word."""
    variants = BADGE_VARIANTS.get(obj._meta.label_lower, {})
    variant = variants.get(obj.status, NEUTRAL_BADGE)
    return {"variant": variant, "status": obj.status, "label": obj.get_status_display()}


@register.inclusion_tag("includes/status_badge.html")
def consent_badge(participant):
    """{% consent_badge participant %}: whether a consortium partner confirmed its part."""
    variant = BADGE_VARIANTS["consent"].get(participant.consent, NEUTRAL_BADGE)
    return {"variant": variant, "status": participant.consent, "label": participant.get_consent_display()}


@register.inclusion_tag("includes/status_badge.html")
def call_badge(call):
    """{% call_badge call %}: open (with the days left: D-day, D-3), upcoming or closed."""
    now = timezone.now()
    is_open = getattr(call, "open_now", None)
    if is_open is None:
        is_open = call.is_open(now)
    if is_open:
        days = getattr(call, "d_day", None)
        if days is None:
            days = call.days_left(now)
        state, label = "open", pgettext("call state", "Open") + (" D-day" if days == 0 else f" D-{days}")
    elif call.opens_at > now:
        state, label = "upcoming", _("Upcoming")
    else:
        state, label = "closed", pgettext("call state", "Closed")
    return {"variant": BADGE_VARIANTS["call"][state], "status": state, "label": label}
