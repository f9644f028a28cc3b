"""The site's URLs plus the benchmark floors (bench/floors.py); used only through bench/settings.py."""

from django.urls import include, path

from portal.urls import urlpatterns as site_urlpatterns

urlpatterns = [*site_urlpatterns, path("bench/", include("bench.floors"))]
