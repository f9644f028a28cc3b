"""Every CSV the portal hands out, written one way: `csv_response()`.

- UTF-8 with a byte-order mark, so that Excel reads Korean text as UTF-8 instead of the local code page.
- Headers as the caller gives them, in the current language (Korean unless the visitor chose English).
- Safe to open in a spreadsheet: a text cell that starts with =, +, -, @, a tab or a carriage return
  would be read as a formula (`=HYPERLINK(...)` in an organisation's name becomes a live link), so it
  gets a leading single quote, as OWASP recommends. Numbers (int, Decimal, float) are left as they
  are and stay numbers.
- Times in Seoul time, written the same way in every export.

An admin list's export (`ChangelistExportMixin`) is the list as filtered and searched, at
`<changelist>/export.csv`, for whoever may view the list.
"""

import csv
import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone

from portal.db.deadline import long_statements

BOM = "\ufeff"
# An export reads a whole list, which may take longer than the statement timeout every other request
# lives with (DJANGO_DB_STATEMENT_TIMEOUT): it gets this many seconds (and the client's deadline as
# many plus its margin), still under gunicorn's 30 s timeout, so the database gives up before the
# worker is killed and no query is left running.
EXPORT_STATEMENT_TIMEOUT = 25
TIMESTAMP = "%Y-%m-%d %H:%M"
# What a spreadsheet takes for the start of a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _local(moment):
    return timezone.localtime(moment, ZoneInfo(settings.TIME_ZONE))


def cell(value):
    """One value as it goes into the file: numbers as they are, times in Seoul, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):  # before int: a bool is an int to Python, not to a reader
        return str(value)
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime.datetime):
        return _local(value).strftime(TIMESTAMP)
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def stamped_filename(stem):
    """`stem-YYYYMMDD-HHMM.csv`, stamped with the time in Seoul: several downloads sort by when they were made."""
    return f"{stem}-{_local(timezone.now()):%Y%m%d-%H%M}.csv"


def csv_response(*, filename, header, rows):
    """A CSV download: `header` is one list of labels, `rows` an iterable of lists of values."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write(BOM)
    writer = csv.writer(response)
    writer.writerow([cell(label) for label in header])
    writer.writerows([cell(value) for value in row] for row in rows)
    return response


class ChangelistExportMixin:
    """A ModelAdmin's changelist, filtered and searched as on screen, as a CSV download.

    The admin names `csv_filename` (the file's stem) and gives `csv_header()` and `csv_row(obj)`;
    `csv_queryset(queryset)` may add the joins the rows need. The URL is named
    `admin:<app>_<model>_export`; the list's template links to it with the list's own query string.
    """

    csv_filename = "export"

    def get_urls(self):
        opts = self.model._meta
        return [
            path("export.csv", self.admin_site.admin_view(self.export_csv),
                 name=f"{opts.app_label}_{opts.model_name}_export"),
            *super().get_urls(),
        ]

    def csv_queryset(self, queryset):
        return queryset

    def export_csv(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            # A filter in the address that the list does not know: show the list's own "?e=1" page.
            opts = self.model._meta
            return HttpResponseRedirect(
                f"{reverse(f'admin:{opts.app_label}_{opts.model_name}_changelist')}?{ERROR_FLAG}=1")
        queryset = self.csv_queryset(changelist.get_queryset(request))
        with transaction.atomic(using=queryset.db), long_statements(seconds=EXPORT_STATEMENT_TIMEOUT,
                                                                    using=queryset.db):
            return csv_response(
                filename=stamped_filename(self.csv_filename), header=self.csv_header(),
                rows=(self.csv_row(obj) for obj in queryset.iterator(chunk_size=500)),
            )

