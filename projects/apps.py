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

        # Every proposal and their funding, for the admin's unfiltered list, counted by the worker (portal.derived).
        from portal import derived
        from projects import admin

        derived.register(admin.PROPOSAL_TOTALS, admin.proposal_totals, format=2)  # 2: with marks

        # What projects holds of a person, for privacy's export and erasure (privacy.registry).
        from projects import personal_data

        personal_data.register()

        # Review panels' reminders (issue 16): hourly, so a panel whose deadline comes within two days is reminded
        # soon after; each member is reminded once (PanelMember.reminded_at).
        import datetime

        from jobs import periodic
        from projects import tasks

        periodic.register(name="review-reminders", task=tasks.send_review_reminders, every=datetime.timedelta(hours=1))
