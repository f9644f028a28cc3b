"""Writes of the running projects: making a project from a selected proposal, its status, its reports.

Every function is keyword-only and atomic; workflow steps lock the row (select_for_update) and re-check the
state they act on, so of two people acting at once exactly one wins and the other reads what happened. Mail is
queued in the transaction of the change it is about.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from delivery.models import (
    REPORT_DOCUMENT_UPLOAD,
    Project,
    ProjectKPI,
    ProjectParticipant,
    ProjectStatusChange,
    Report,
    ReportContribution,
    ReportKPIValue,
    ReportStatusChange,
)
from jobs.services import queue_mail
from members.models import Membership
from portal.dates import add_months
from portal.files import delete_file_on_commit, keep_original_name, new_files_discarded_on_error
from portal.links import absolute_reverse
from portal.workflow import WorkflowError
from projects.choices import COUNTED_CONSENT
from projects.models import KPI, Proposal

PROJECT_WORKFLOW = Project.WORKFLOW
REPORT_WORKFLOW = Report.WORKFLOW

# The schedule (delivery.services.schedule): an interim report six months in, an annual report at each anniversary
# of the start before the end, and the final report on the end; each is due a month after the date it reports on.
INTERIM_MONTHS = 6
DUE_AFTER_MONTHS = 1


def can_manage_projects(user):
    return bool(user.is_active and user.is_staff and user.has_perm("delivery.manage_project"))


def can_decide_reports(user):
    return bool(user.is_active and user.is_staff and user.has_perm("delivery.decide_report"))


def _lead_managers(project):
    return Membership.objects.managing().filter(
        organization_id=project.proposal.lead_id
    ).select_related("user")


def may_write_report(user, project):
    """The lead organisation's owners and managers write and submit the project's reports."""
    membership = Membership.objects.of(user)
    return bool(membership and membership.organization_id == project.proposal.lead_id and membership.can_manage)


def may_contribute(user, project):
    """A partner's owners and managers write their organisation's part of a report; the partner's organisation."""
    membership = Membership.objects.of(user)
    if not (membership and membership.can_manage) or membership.organization_id == project.proposal.lead_id:
        return None
    if not project.participants.filter(organization_id=membership.organization_id).exists():
        return None
    return membership.organization


# --- the schedule --------------------------------------------------------------------------------------------------


def schedule(starts_on, ends_on):
    """[(kind, as_of, due_on)] for a project running from `starts_on` to `ends_on`, in date order."""
    rows = []
    interim = add_months(starts_on, INTERIM_MONTHS)
    if interim < ends_on:
        rows.append((Report.Kind.INTERIM, interim))
    year = 1
    while (anniversary := add_months(starts_on, 12 * year)) < ends_on:
        rows.append((Report.Kind.ANNUAL, anniversary))
        year += 1
    rows.append((Report.Kind.FINAL, ends_on))
    rows.sort(key=lambda row: row[1])
    return [(kind, as_of, add_months(as_of, DUE_AFTER_MONTHS)) for kind, as_of in rows]


# --- projects ------------------------------------------------------------------------------------------------------


def latest_submission(proposal):
    return proposal.submissions.order_by("-number").first()


def project_create(*, proposal, iris_number, agreed_on, starts_on, ends_on, government_funding,
                   private_contribution, by, now=None):
    """Make the project of a selected proposal: its consortium and KPIs from the latest submitted version, its
    report schedule from the period, the first line of its history; the lead's owners and managers are told."""
    if not can_manage_projects(by):
        raise PermissionDenied
    now = now or timezone.now()
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().select_related("call", "lead").get(pk=proposal.pk)
        if locked.status != Proposal.Status.SELECTED:
            raise ValidationError({"proposal": _("Only a selected proposal becomes a project.")})
        if Project.objects.filter(proposal=locked).exists():
            raise ValidationError({"proposal": _("This proposal is already a project.")})
        submission = latest_submission(locked)
        if submission is None:
            raise ValidationError({"proposal": _("This proposal has no submitted version to copy the consortium "
                                                 "from.")})
        project = Project(
            proposal=locked, iris_number=(iris_number or "").strip().upper(), agreed_on=agreed_on,
            starts_on=starts_on, ends_on=ends_on, government_funding=government_funding,
            private_contribution=private_contribution, funding_cap=locked.call.funding_cap, created_by=by,
            created_at=now,
        )
        project.full_clean()
        project.save()
        snapshot = submission.snapshot
        ProjectParticipant.objects.bulk_create(
            ProjectParticipant(
                project=project, organization_id=p["organization"], name=p["name"], role=p["role"],
                government_funding=p["government_funding"], private_cash=p["private_cash"],
                private_in_kind=p["private_in_kind"],
            )
            for p in snapshot["participants"]
            if p["consent"] in COUNTED_CONSENT  # a partner that declined or withdrew is not in the consortium
        )
        existing = set(KPI.objects.filter(pk__in=[k["id"] for k in snapshot["kpis"]]).values_list("pk", flat=True))
        ProjectKPI.objects.bulk_create(
            ProjectKPI(
                project=project, source_id=k["id"] if k["id"] in existing else None, indicator=k["indicator"],
                baseline=Decimal(k["baseline"]), target=Decimal(k["target"]), unit=k["unit"],
            )
            for k in snapshot["kpis"]
        )
        Report.objects.bulk_create(
            Report(project=project, kind=kind, as_of=as_of, due_on=due_on)
            for kind, as_of, due_on in schedule(starts_on, ends_on)
        )
        ProjectStatusChange.objects.create(
            project=project, from_status="", to_status=project.status, by=by, by_staff=True, at=now
        )
        _mail_lead(project, subject=_("Project “%(title)s” started: %(iris)s"), lines=[
            _("Your selected proposal “%(title)s” is now a running project with the IRIS project number %(iris)s, "
              "from %(start)s to %(end)s. Its progress reports are listed on the project's page."),
        ], link=absolute_reverse("my-projects:detail", project.pk))
    return project


def project_transition(*, project, action, by, note="", now=None):
    """Run the step `action` (a row of Project.WORKFLOW) on `project`: staff with the step's permission only."""
    spec = PROJECT_WORKFLOW[action]
    if not (by.is_active and by.is_staff and by.has_perm(spec.permission)):
        raise PermissionDenied
    now = now or timezone.now()
    with transaction.atomic():
        locked = Project.objects.select_for_update().select_related("proposal").get(pk=project.pk)
        PROJECT_WORKFLOW.check(action, current=locked.status, seen=project.status, note=note)
        old = locked.status
        locked.status = spec.target
        locked.save(update_fields=["status"])
        ProjectStatusChange.objects.create(
            project=locked, from_status=old, to_status=spec.target, note=note, by=by, by_staff=True, at=now
        )
        _mail_lead(locked, subject=_("Project “%(title)s”: %(status)s"), lines=[
            _("The status of your project “%(title)s” (%(iris)s) is now: %(status)s."),
        ], note=note, link=absolute_reverse("my-projects:detail", locked.pk))
    project.status = locked.status
    return project


def kpi_set_public(*, kpi, is_public, by):
    """Staff decide whether the public project page shows a KPI."""
    if not can_manage_projects(by):
        raise PermissionDenied
    with transaction.atomic():
        locked = ProjectKPI.objects.select_for_update().get(pk=kpi.pk)
        locked.is_public = bool(is_public)
        locked.full_clean()
        locked.save(update_fields=["is_public"])
    kpi.is_public = locked.is_public
    return kpi


def report_reschedule(*, report, as_of, due_on, by):
    """Staff move a report's dates (the reminders follow the new due date)."""
    if not can_manage_projects(by):
        raise PermissionDenied
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        locked.as_of, locked.due_on = as_of, due_on
        locked.full_clean()
        locked.save(update_fields=["as_of", "due_on", "updated_at"])
    report.as_of, report.due_on = locked.as_of, locked.due_on
    return report


# --- reports -------------------------------------------------------------------------------------------------------


def _lock_editable_report(report, by):
    locked = Report.objects.select_for_update().select_related("project__proposal").get(pk=report.pk)
    if not may_write_report(by, locked.project):
        raise PermissionDenied
    if locked.status not in Report.EDITABLE:
        raise WorkflowError(_("This report can no longer be changed."), code="not_editable")
    return locked


def report_save(*, report, by, narrative, values, document=None):
    """Save the lead's draft of a report: the narrative, an achieved value for any of the project's KPIs
    (`values`: {ProjectKPI pk: Decimal or None}) and, when given, a new document."""
    with transaction.atomic():
        locked = _lock_editable_report(report, by)
        locked.narrative = narrative
        if document is not None:
            REPORT_DOCUMENT_UPLOAD.validate(document, field="document")
            delete_file_on_commit(locked, "document")
            locked.document = document
            keep_original_name(locked, "document", "document_name")
        locked.full_clean()
        kpis = set(locked.project.kpis.values_list("pk", flat=True))
        unknown = set(values) - kpis
        if unknown:
            raise ValidationError(_("A KPI of this report was changed meanwhile: reload the page."))
        with new_files_discarded_on_error(locked):
            locked.save()
            stored = {v.kpi_id: v for v in locked.values.select_for_update()}
            for kpi_id, value in values.items():
                row = stored.get(kpi_id)
                if value is None:
                    if row is not None:
                        row.delete()
                    continue
                row = row or ReportKPIValue(report=locked, kpi_id=kpi_id)
                row.value = value
                row.full_clean()
                row.save()
    return locked


def submission_problems(report):
    """What keeps a report from being submitted: its narrative and a value for every KPI."""
    problems = []
    if not report.narrative.strip():
        problems.append(_("Write the progress narrative."))
    missing = report.project.kpis.exclude(values__report=report).count()
    if missing:
        problems.append(_("Give the achieved value of every KPI (%(count)s missing).") % {"count": missing})
    return problems


def report_transition(*, report, action, by, note="", now=None):
    """Run the step `action` of Report.WORKFLOW: the lead submits, staff accept or send back."""
    spec = REPORT_WORKFLOW[action]
    now = now or timezone.now()
    with transaction.atomic():
        locked = Report.objects.select_for_update().select_related("project__proposal").get(pk=report.pk)
        if spec.permission:
            if not (by.is_active and by.is_staff and by.has_perm(spec.permission)):
                raise PermissionDenied
        elif not may_write_report(by, locked.project):
            raise PermissionDenied
        REPORT_WORKFLOW.check(action, current=locked.status, seen=report.status, note=note)
        if action == "submit":
            problems = submission_problems(locked)
            if problems:
                raise ValidationError(problems)
            locked.submitted_at, locked.submitted_by = now, by
        else:
            locked.decided_at = now
        old = locked.status
        locked.status = spec.target
        locked.save()
        ReportStatusChange.objects.create(
            report=locked, from_status=old, to_status=spec.target, note=note, by=by, by_staff=bool(spec.permission),
            at=now,
        )
        if spec.permission:
            _mail_lead(locked.project, subject=_("Report on “%(title)s”: %(report_status)s"), lines=[
                _("Your %(report)s on the project “%(title)s” (%(iris)s) is now: %(report_status)s."),
            ], note=note, report=locked, link=absolute_reverse("my-projects:report", locked.project_id, locked.pk))
    for field in ("status", "submitted_at", "submitted_by", "decided_at"):
        setattr(report, field, getattr(locked, field))
    return report


def contribution_save(*, report, by, text, now=None):
    """A partner's owners and managers write their organisation's part of a report while the lead can change it."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Report.objects.select_for_update().select_related("project__proposal").get(pk=report.pk)
        organization = may_contribute(by, locked.project)
        if organization is None:
            raise PermissionDenied
        if locked.status not in Report.EDITABLE:
            raise WorkflowError(_("This report can no longer be changed."), code="not_editable")
        row = ReportContribution.objects.filter(report=locked, organization=organization).first()
        row = row or ReportContribution(report=locked, organization=organization)
        row.text, row.updated_by, row.updated_at = text, by, now
        row.full_clean()
        row.save()
    return row


# --- mail ----------------------------------------------------------------------------------------------------------


def _mail_lead(project, *, subject, lines, link, note="", report=None, extra=None):
    recipients = [m.user.email for m in _lead_managers(project) if m.user.is_active]
    if not recipients:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        params = {
            "title": project.proposal.title, "iris": project.iris_number, "status": project.get_status_display(),
            "start": formats.date_format(project.starts_on, "DATE_FORMAT"),
            "end": formats.date_format(project.ends_on, "DATE_FORMAT"),
        }
        if report is not None:
            params.update({
                "report": report.get_kind_display(), "report_status": report.get_status_display(),
                "due": formats.date_format(report.due_on, "DATE_FORMAT"),
            })
        params.update(extra or {})
        body = [str(line) % params for line in lines]
        if note:
            body += ["", str(_("Note from the alliance:")), note]
        body += ["", str(_("See it on the portal:")), link]
        return queue_mail(to=recipients, subject=str(subject) % params, body="\n".join(body))


def mail_report_reminder(report, *, stage, today):
    """The lead's reminder of a report due soon or overdue (delivery.reminders)."""
    if stage == "overdue":
        line = _("Your %(report)s on the project “%(title)s” (%(iris)s) was due on %(due)s and has not been "
                 "submitted yet.")
        subject = _("Report overdue: “%(title)s”")
    else:
        line = _("Your %(report)s on the project “%(title)s” (%(iris)s) is due on %(due)s (in %(days)s days).")
        subject = _("Report due on %(due)s: “%(title)s”")
    days = (report.due_on - today).days
    return _mail_lead(report.project, subject=subject, lines=[line], report=report, extra={"days": days},
                      link=absolute_reverse("my-projects:report", report.project_id, report.pk))
