"""Two floor pages for `make bench`, mounted only by the bench's own settings (bench/settings.py).

They show what the stack costs before any page does work of its own: `fixed` passes through every
middleware and returns a short constant body; `layout` renders base.html (header, footer, language
switch) with an empty content block. Page throughputs in bench/results.md are quoted as ratios to
the layout floor measured in the same run.
"""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET


@require_GET
def fixed(request):
    return HttpResponse(b"ok\n", content_type="text/plain")


@require_GET
def layout(request):
    return render(request, "bench/floor.html")


app_name = "bench"

urlpatterns = [
    path("fixed", fixed, name="fixed"),
    path("layout", layout, name="layout"),
]
