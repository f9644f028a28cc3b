"""A form field for amounts of won typed the way people write them ("1,200억", "3억 5천만", "3,000,000,000").

The server reads the text with `portal.money.parse_krw`; the widget shows a stored amount back with commas
and, with static/js/krw-input.js (progressive enhancement, same rules), echoes what it reads in 억/만 units
beside the field as the user types. The script gets its unit table and its translated messages from data
attributes, so it needs no catalog of its own.
"""

import json

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal.money import BIG_UNITS, MAX_KRW, PARSE_MESSAGES, SMALL_UNITS, WON, format_krw, parse_krw


class KRWInput(forms.TextInput):
    """A text input (users type 억 and 만, so not inputmode=numeric) followed by the live echo."""

    media = forms.Media(js=[forms.Script("js/krw-input.js", defer=True)])

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "text", "autocomplete": "off", "spellcheck": "false", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return f"{value:,}"
        return super().format_value(value)  # the text as typed, when the form comes back with an error

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        echo_id = f"{attrs.get('id') or name}_echo"
        attrs["data-krw-echo"] = echo_id
        html = super().render(name, value, attrs, renderer)
        messages = {code: str(message) for code, message in PARSE_MESSAGES.items()}
        return html + format_html(
            '<output class="krw-echo" id="{}" for="{}" aria-live="polite" data-krw-units="{}" '
            'data-krw-small-units="{}" data-krw-won="{}" data-krw-max="{}" data-krw-messages="{}"></output>',
            echo_id, attrs.get("id") or name, json.dumps(BIG_UNITS, ensure_ascii=False),
            json.dumps(SMALL_UNITS, ensure_ascii=False), WON, MAX_KRW, json.dumps(messages, ensure_ascii=False),
        )


class KRWField(forms.Field):
    """An amount of won as an int (None when left empty and not required), between `min_value` and `max_value`."""

    widget = KRWInput
    default_error_messages = {
        "min_value": _("Enter at least %(limit)s."),
        "max_value": _("Enter at most %(limit)s."),
    }

    def __init__(self, *, min_value=0, max_value=MAX_KRW, **kwargs):
        self.min_value, self.max_value = min_value, max_value
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        return parse_krw(value)

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        if self.min_value is not None and value < self.min_value:
            raise ValidationError(self.error_messages["min_value"], code="min_value",
                                  params={"limit": format_krw(self.min_value)})
        if self.max_value is not None and value > self.max_value:
            raise ValidationError(self.error_messages["max_value"], code="max_value",
                                  params={"limit": format_krw(self.max_value)})

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != initial
        except ValidationError:
            return True
