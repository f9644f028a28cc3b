"""KPI progress: baseline → latest accepted value → target for each KPI of a project (reads only).

Decision: "latest" is the value of the latest *accepted* report (by the date its figures are as of), on the company's
page and on the public page alike: a figure the alliance has not accepted yet is not a result. The company's page
also names the report the value comes from; a submitted report's own page shows its figures as reported.
"""

from dataclasses import dataclass
from decimal import Decimal

from delivery.models import Project, ProjectKPI, Report, ReportKPIValue


@dataclass
class KPIProgress:
    kpi: ProjectKPI
    latest: Decimal | None
    latest_as_of: object  # date of the accepted report, or None

    @property
    def percent(self):
        """How far from the baseline to the target the latest value has come, 0 to 100 (None without a value)."""
        if self.latest is None or self.kpi.target == self.kpi.baseline:
            return None
        share = (self.latest - self.kpi.baseline) * 100 / (self.kpi.target - self.kpi.baseline)
        return int(max(Decimal(0), min(Decimal(100), share)))


def kpi_progress(project, *, public_only=False):
    """[KPIProgress] for `project`'s KPIs in their order, in two queries."""
    kpis = project.kpis.all()
    if public_only:
        kpis = kpis.filter(is_public=True)
    kpis = list(kpis)
    latest = {}
    values = (
        ReportKPIValue.objects.filter(kpi__in=kpis, report__status=Report.Status.ACCEPTED)
        .order_by("kpi_id", "-report__as_of", "-report_id").values_list("kpi_id", "value", "report__as_of")
    ) if kpis else []
    for kpi_id, value, as_of in values:
        latest.setdefault(kpi_id, (value, as_of))
    return [KPIProgress(kpi, *latest.get(kpi.pk, (None, None))) for kpi in kpis]


def public_page_context(proposal):
    """What the public project page (projects.views.project_detail) adds for a running project: the project (status
    and period) and its public KPIs' progress; nothing before the proposal became a project."""
    project = Project.objects.filter(proposal_id=proposal.pk).first()
    if project is None:
        return {}
    return {"running": project, "kpi_progress": kpi_progress(project, public_only=True)}
