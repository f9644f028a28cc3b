import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "delivery"
    verbose_name = _("Running projects")

    def ready(self):
        from delivery import progress, tasks
        from delivery.models import Project, ProjectKPI, Report, ReportKPIValue
        from jobs import periodic
        from portal import pagecache
        from projects import views as project_views

        # The public project page shows a project's status and period and its public KPIs with the latest accepted
        # values; the figures count projects. Reminders, contributions and histories stay off the public pages.
        pagecache.watch(Project, ProjectKPI, Report, ReportKPIValue)
        project_views.project_page_parts.append(progress.public_page_context)

        # Report reminders (delivery.reminders): a report's stage changes at most once a day.
        periodic.register(name="report-reminders", task=tasks.send_report_reminders,
                          every=datetime.timedelta(hours=24))
