"""A company's running projects under /my/projects/: the projects it leads or takes part in, their reports.

Every lookup is scoped to the signed-in user's organisation (`_visible_project`): a project the organisation neither
leads nor takes part in answers 404, as every company page does (members.access). Its people read the project and
its reports; the lead's owners and managers write and submit the reports, a partner's owners and managers write
their organisation's part (403 with the role needed otherwise).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from delivery import progress, services
from delivery.forms import ContributionForm, ReportForm
from delivery.models import Project, Report
from members.models import Membership
from portal.access import Refused, staff_may_read_private_files
from portal.files import serve_private_file
from portal.workflow import WorkflowError

LEAD_MANAGER_NEEDED = _("Only the owners and managers of the lead organisation may write this project's reports.")
PARTNER_MANAGER_NEEDED = _("Only the owners and managers of a partner organisation may write its part.")


def _organization(request):
    membership = Membership.objects.of(request.user)
    return membership.organization if membership else None


def _visible_project(request, pk):
    organization = _organization(request)
    return get_object_or_404(
        Project.objects.visible_to(organization).select_related("proposal__lead", "proposal__call"), pk=pk
    )


def _visible_report(request, pk, report_pk):
    project = _visible_project(request, pk)
    report = get_object_or_404(Report.objects.filter(project=project), pk=report_pk)
    report.project = project
    return report


@login_required
def project_list(request):
    """The organisation's projects with their reports: a fixed number of queries whatever their number."""
    organization = _organization(request)
    projects = (
        Project.objects.visible_to(organization).select_related("proposal__lead")
        .prefetch_related(Prefetch("reports", queryset=Report.objects.order_by("due_on", "pk")))
        .order_by("-agreed_on", "-pk")
    ) if organization else Project.objects.none()
    return render(request, "delivery/project_list.html", {
        "organization": organization, "projects": projects, "today": timezone.localdate(),
    })


@login_required
def project_detail(request, pk):
    project = _visible_project(request, pk)
    organization = _organization(request)
    is_lead = organization.pk == project.proposal.lead_id
    participants = list(project.participants.select_related("organization"))
    participants.sort(key=lambda p: not p.is_lead)
    return render(request, "delivery/project_detail.html", {
        "project": project, "is_lead": is_lead, "participants": participants,
        "reports": project.reports.order_by("due_on", "pk"), "kpi_progress": progress.kpi_progress(project),
        "history": project.history.select_related("by"), "today": timezone.localdate(),
    })


@login_required
def report_detail(request, pk, report_pk):
    """The report: its figures and documents for the consortium; the lead's owners and managers edit it here."""
    report = _visible_report(request, pk, report_pk)
    project = report.project
    kpis = list(project.kpis.all())
    may_write = services.may_write_report(request.user, project)
    stored = {v.kpi_id: v.value for v in report.values.all()}
    if request.method == "POST":
        if not may_write:
            raise Refused(LEAD_MANAGER_NEEDED)
        form = ReportForm(request.POST, request.FILES, kpis=kpis)
        if form.is_valid():
            try:
                services.report_save(report=report, by=request.user, narrative=form.cleaned_data["narrative"],
                                     values=form.values(), document=form.cleaned_data["document"] or None)
                if request.POST.get("action") == "submit":
                    services.report_transition(report=report, action="submit", by=request.user)
                    messages.success(request, _("The report was submitted."))
                else:
                    messages.success(request, _("The report was saved."))
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            return redirect("my-projects:report", pk=project.pk, report_pk=report.pk)
    else:
        initial = {"narrative": report.narrative, **{f"kpi_{pk}": value for pk, value in stored.items()}}
        form = ReportForm(initial=initial, kpis=kpis)
    contributor = services.may_contribute(request.user, project)
    contributions = list(report.contributions.select_related("organization"))
    own = next((c for c in contributions if contributor and c.organization_id == contributor.pk), None)
    return render(request, "delivery/report_detail.html", {
        "project": project, "report": report, "form": form, "may_write": may_write and report.is_editable,
        "values": [(kpi, stored.get(kpi.pk)) for kpi in kpis], "contributions": contributions,
        "contribution_form": ContributionForm(initial={"text": own.text if own else ""})
        if contributor and report.is_editable else None,
        "history": report.history.select_related("by"),
        "problems": services.submission_problems(report) if may_write and report.is_editable else [],
    })


@login_required
@require_POST
def report_contribution(request, pk, report_pk):
    report = _visible_report(request, pk, report_pk)
    if services.may_contribute(request.user, report.project) is None:
        raise Refused(PARTNER_MANAGER_NEEDED)
    form = ContributionForm(request.POST)
    if form.is_valid():
        try:
            services.contribution_save(report=report, by=request.user, text=form.cleaned_data["text"])
        except (WorkflowError, ValidationError) as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Your organisation's part was saved."))
    else:
        for error in form.errors.get("text", []):
            messages.error(request, error)
    return redirect("my-projects:report", pk=pk, report_pk=report.pk)


@login_required
def report_document(request, pk, report_pk):
    """The report's document for the consortium's people, and for staff with MFA allowed to view reports; every
    download is an access record (serve_private_file)."""
    if staff_may_read_private_files(request.user, "delivery.view_report"):
        report = get_object_or_404(Report, project_id=pk, pk=report_pk)
    else:
        report = _visible_report(request, pk, report_pk)
    if not report.document:
        raise Http404
    return serve_private_file(request, report.document, download_name=report.document_name or "report")
