"""The readable page of a data export: any section's JSON-ready data as tables and lists, escaped."""

import datetime

from django import template
from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


def _label(key) -> str:
    return str(key).replace("_", " ").capitalize()


def _show(value):
    if isinstance(value, dict):
        if not value:
            return "–"
        return format_html("<dl>{}</dl>", format_html_join(
            "", "<dt>{}</dt><dd>{}</dd>", ((_label(k), _show(v)) for k, v in value.items())))
    if isinstance(value, list | tuple):
        if not value:
            return format_html("<p>{}</p>", _("None."))
        if all(isinstance(row, dict) for row in value):
            keys = list(dict.fromkeys(k for row in value for k in row))
            head = format_html_join("", "<th scope=\"col\">{}</th>", ((_label(k),) for k in keys))
            body = format_html_join("", "<tr>{}</tr>", (
                (format_html_join("", "<td>{}</td>", ((_show(row.get(k)),) for k in keys)),) for row in value))
            return format_html("<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>", head, body)
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((_show(v),) for v in value)))
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime | datetime.date):
        return formats.date_format(value, "DATETIME_FORMAT" if isinstance(value, datetime.datetime) else "DATE_FORMAT")
    return str(value)


@register.simple_tag
def show_value(value):
    return mark_safe(_show(value))  # noqa: S308 (every value passed through format_html's escaping)
