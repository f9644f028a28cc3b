from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpreadConfig(AppConfig):
    name = "spread"
    verbose_name = _("Standard models and adoption sites")

    def ready(self):
        from portal import pagecache
        from projects import views as project_views
        from spread import views
        from spread.models import AdoptionSite, StandardModel, StandardModelDocument

        # The public models: the catalogue, each model's page and documents, the projects' pages (the models built
        # from them) and the figures (confirmed sites in use, by region). A site's history stays in the admin.
        pagecache.watch(StandardModel, StandardModelDocument, AdoptionSite)
        project_views.project_page_parts.append(views.project_page_context)
