from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "stats"
    label = "stats"
    verbose_name = _("Figures")

    def ready(self):
        from portal import derived, pagecache
        from stats import figures
        from stats.models import Target

        pagecache.watch(Target)  # the dashboard and the home page show the targets
        # Counted by the worker after each change (portal.derived), never in a request.
        derived.register(figures.NAME, figures.compute, format=figures.FORMAT)
        from stats import overview

        derived.register(overview.UNREVIEWED, overview.unreviewed_proposals)
