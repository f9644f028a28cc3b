"""Atom and RSS 2.0 feeds of the published articles (Django's syndication framework)."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from news.models import Article

FEED_SIZE = 20


class RssFeed(Feed):
    feed_type = Rss201rev2Feed
    title = settings.PORTAL_SITE_NAME
    description = _("News, calls for proposals and events of the AI Autonomous Manufacturing Alliance.")
    link = reverse_lazy("news:list")
    language = "ko"

    def feed_url(self):
        return reverse("news:rss")

    def items(self):
        return Article.objects.published().newest_first()[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # Readers treat the description as HTML; the summary is plain text, so it is escaped here.
        return escape(item.summary)

    def item_link(self, item):
        return item.get_absolute_url()

    # No item_guid: the framework then uses the absolute article address, a permalink.
    item_guid_is_permalink = True

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return str(settings.PORTAL_SITE_NAME)

    def item_categories(self, item):
        return [item.get_category_display()]


class AtomFeed(RssFeed):
    feed_type = Atom1Feed
    subtitle = RssFeed.description

    def feed_url(self):
        return reverse("news:atom")
