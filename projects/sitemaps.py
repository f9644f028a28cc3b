"""Sitemap sections of the projects app: every call, and every lead project shown publicly."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from projects.models import Call, Proposal


class CallSitemap(Sitemap):
    changefreq = "weekly"
    limit = 5000

    def items(self):
        # No lastmod: a call records when it was created, not when it was last changed.
        return Call.objects.only("pk").order_by("-opens_at", "-pk")

    def location(self, item):
        return reverse("projects:call-detail", args=[item.pk])


class ProjectSitemap(Sitemap):
    changefreq = "monthly"
    limit = 5000

    def items(self):
        return Proposal.objects.shown_publicly().only("pk", "updated_at").order_by("-decided_at", "-pk")

    def location(self, item):
        return reverse("projects:project-detail", args=[item.pk])

    def lastmod(self, item):
        return item.updated_at
