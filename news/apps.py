from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "news"
    label = "news"
    verbose_name = _("News")

    def ready(self):
        from news.models import Article
        from portal import pagecache

        pagecache.watch(Article)  # the news pages, the home page, the feeds and the sitemap show articles
        pagecache.schedule(Article.objects.next_publication)  # scheduled articles appear by themselves
