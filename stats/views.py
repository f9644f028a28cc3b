import csv

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

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
    # UTF-8 with a byte-order mark, so that Excel opens Korean text correctly.
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="alliance-{chart.slug}.csv"'
    response.write("\ufeff")
    csv.writer(response).writerows(chart.csv_rows())
    return response
