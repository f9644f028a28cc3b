from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "stats"
    label = "stats"
    verbose_name = _("Figures")

    def ready(self):
        from portal import pagecache
        from stats import figures
        from stats.models import Target

        pagecache.watch(Target)  # the dashboard and the home page show the targets
        # Every change to what public pages show queues the figures' recount (once committed; one at a time).
        pagecache.data_changed.connect(figures.data_changed, dispatch_uid="stats-figures-data-changed")
