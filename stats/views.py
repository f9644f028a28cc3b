from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from portal.csv import csv_response
from portal.pagecache import public_page
from stats import charts, figures


@public_page
@require_GET
def dashboard(request):
    data = figures.get()
    return render(request, "stats/dashboard.html", {
        "charts": charts.build(data), "figures": data, "key_figures": charts.key_figures(data),
    })


@require_GET
def chart_csv(request, slug):
    chart = charts.by_slug(slug)
    if chart is None:
        raise Http404
    header, *rows = chart.csv_rows()
    return csv_response(filename=f"alliance-{chart.slug}.csv", header=header, rows=rows)
