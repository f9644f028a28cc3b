from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Lead projects")

    def ready(self):
        from portal import pagecache
        from projects.models import Call

        pagecache.watch(self)  # cached public pages show this app's data
        pagecache.schedule(Call.objects.next_change)  # calls open and close by themselves
