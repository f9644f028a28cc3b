"""Sitemap section of the members that chose to have a public page."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from members.models import Organization


class MemberPageSitemap(Sitemap):
    changefreq = "monthly"
    limit = 5000

    def items(self):
        return Organization.objects.with_public_page().only("pk", "updated_at").order_by("name", "pk")

    def location(self, item):
        # The page is served by projects (it lists the member's projects), under /members/<id>/.
        return reverse("organizations:detail", args=[item.pk])

    def lastmod(self, item):
        return item.updated_at
