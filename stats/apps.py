from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "stats"
    label = "stats"
    verbose_name = _("Figures")

    def ready(self):
        from portal import pagecache
        from stats.models import Target

        pagecache.watch(Target)  # the dashboard and the home page show the targets
