from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Lead projects")

    def ready(self):
        from portal import pagecache
        from projects.models import AIArea, Call, Criterion, Participant, Proposal, StatusChange

        # The public models: calls with their criteria, the selected projects and their AI areas, and
        # what the figures count (proposals, participants' funding, the month each project was selected).
        # Reviews, scores, KPIs and annexes stay with the applicants and the ministry.
        pagecache.watch(Call, Criterion, AIArea, Proposal, Participant, StatusChange)
        pagecache.schedule(Call.objects.next_change)  # calls open and close by themselves
