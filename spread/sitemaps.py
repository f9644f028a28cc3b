"""Sitemap section of the spread app: every published standard model (the catalogue is among news' list pages)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from spread.models import StandardModel


class StandardModelSitemap(Sitemap):
    changefreq = "monthly"
    limit = 5000

    def items(self):
        return StandardModel.objects.published().only("pk", "updated_at").order_by("pk")

    def location(self, item):
        return reverse("spread:detail", args=[item.pk])

    def lastmod(self, item):
        return item.updated_at
