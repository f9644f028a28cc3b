"""Sitemap sections for /sitemap.xml: the public list pages and the published articles.

The other apps' sections (calls, projects, member pages) are theirs; portal/urls.py gathers them all."""

from django.contrib.sitemaps import Sitemap
from django.urls import NoReverseMatch, reverse

from news.models import Article

# Public pages by URL name; names that other apps have not wired yet are left out at run time.
PUBLIC_PAGES = ["home", "news:list", "projects:call-list", "members:directory", "stats:dashboard",
                "spread:catalogue"]


class PublicPagesSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        names = []
        for name in PUBLIC_PAGES:
            try:
                reverse(name)
            except NoReverseMatch:
                continue
            names.append(name)
        return names

    def location(self, item):
        return reverse(item)


class ArticleSitemap(Sitemap):
    changefreq = "weekly"
    limit = 5000

    def items(self):
        return Article.objects.published().only("slug", "updated_at").order_by("-published_at", "-pk")

    def lastmod(self, item):
        return item.updated_at

