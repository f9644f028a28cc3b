from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "portal.news"
    label = "news"
    verbose_name = _("News")

    def ready(self):
        from portal import pagecache
        from portal.news.models import Article

        pagecache.watch(self)  # cached public pages show this app's data
        pagecache.schedule(Article.objects.next_publication)  # scheduled articles appear by themselves
