"""The site's URLs with the benchmark floors mounted, as PORTAL_BENCH_FLOORS=1 does."""

from django.urls import include, path

from portal.urls import urlpatterns as site_urlpatterns

urlpatterns = [*site_urlpatterns, path("bench/", include("portal.bench_floors"))]
