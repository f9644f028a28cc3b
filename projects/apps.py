from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Lead projects")

    def ready(self):
        from portal import pagecache
        from projects.models import KPI, AIArea, Call, Criterion, Participant, Proposal, StatusChange

        # The public models: calls with their criteria, the selected projects with their consortia, AI areas
        # and KPIs (each project's page), and what the figures count (proposals, participants' funding, the
        # month each project was selected). Reviews, scores and annexes stay with the applicants and the ministry.
        pagecache.watch(Call, Criterion, AIArea, Proposal, Participant, KPI, StatusChange)
        pagecache.schedule(Call.objects.next_change)  # calls open and close by themselves
