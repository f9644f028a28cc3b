"""Running projects (issue 17): what a selected proposal becomes after its agreement, and its progress reports.

The national system IRIS keeps the agreement, the research funds and their settlement; the portal keeps the
alliance's view of each project and links to IRIS by its 과제번호. A `Project` is made from a selected proposal only
(delivery.services.project_create): its consortium (`ProjectParticipant`) and its KPIs (`ProjectKPI`) are copied from
the proposal's latest submitted version (projects.Submission), so they stay what was selected whatever happens later.

Money is integer KRW. The agreed government funding may differ from the proposal but stays within the call's cap per
project: the cap is copied onto the project row when it is made (`funding_cap`), so the database itself holds the rule
with a CheckConstraint (government_funding <= funding_cap) without reading the call.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from members.models import Organization
from portal.files import HWP, HWPX, MB, PDF, PrivateFileField, UploadPolicy
from portal.models import AppendOnly
from portal.money import format_krw
from portal.workflow import Transition, Workflow
from projects.choices import ParticipantRole
from projects.models import KPI, MAX_FUNDING_CAP, Proposal

# IRIS numbers its national R&D projects (과제번호) "RS-" + the year + "-" + eight digits, e.g. RS-2024-00412345.
IRIS_NUMBER_PATTERN = r"^RS-[0-9]{4}-[0-9]{8}$"
IRIS_NUMBER_RE = re.compile(IRIS_NUMBER_PATTERN)
validate_iris_number = RegexValidator(
    IRIS_NUMBER_PATTERN,
    _("Enter the IRIS project number as IRIS issues it: RS-, the year, a dash and eight digits "
      "(for example RS-2024-00412345)."),
    code="iris_number",
)

REPORT_DOCUMENT_UPLOAD = UploadPolicy(prefix="progress-reports", kinds=(PDF, HWP, HWPX), max_bytes=20 * MB)


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, organization):
        """The projects `organization` leads or takes part in."""
        return self.filter(Q(proposal__lead=organization) | Q(participants__organization=organization)).distinct()

    def led_by(self, organization):
        return self.filter(proposal__lead=organization)

    def completed(self):
        return self.filter(status=Project.Status.COMPLETED)


class Project(models.Model):
    """A running lead project: a selected proposal after its agreement (협약), with its IRIS 과제번호."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        SUSPENDED = "suspended", _("Suspended")
        TERMINATED = "terminated", _("Terminated")

    # Staff run the whole table (the lead does not change a project's status).
    WORKFLOW = Workflow(
        subject=pgettext_lazy("workflow subject", "This project"),
        states=Status,
        notice=_("The note is recorded in the project's history and emailed to the lead organisation's owners "
                 "and managers."),
        transitions=[
            Transition(
                "complete", frozenset({Status.IN_PROGRESS}), Status.COMPLETED, _("Mark completed"),
                pgettext_lazy("workflow verb", "completed"), pgettext_lazy("workflow step", "complete it"),
                permission="delivery.manage_project",
            ),
            Transition(
                "suspend", frozenset({Status.IN_PROGRESS}), Status.SUSPENDED, _("Suspend"),
                pgettext_lazy("workflow verb", "suspended"), pgettext_lazy("workflow step", "suspend it"),
                permission="delivery.manage_project", note_required=True,
            ),
            Transition(
                "resume", frozenset({Status.SUSPENDED}), Status.IN_PROGRESS, _("Resume"),
                pgettext_lazy("workflow verb", "resumed"), pgettext_lazy("workflow step", "resume it"),
                permission="delivery.manage_project",
            ),
            Transition(
                "terminate", frozenset({Status.IN_PROGRESS, Status.SUSPENDED}), Status.TERMINATED, _("Terminate"),
                pgettext_lazy("workflow verb", "terminated"), pgettext_lazy("workflow step", "terminate it"),
                permission="delivery.manage_project", note_required=True,
            ),
        ],
    )

    proposal = models.OneToOneField(
        Proposal, on_delete=models.PROTECT, related_name="project", verbose_name=_("selected proposal")
    )
    iris_number = models.CharField(
        _("IRIS project number"), max_length=16, unique=True, validators=[validate_iris_number],
        help_text=_("과제번호 as IRIS issues it, for example RS-2024-00412345."),
    )
    agreed_on = models.DateField(_("agreement date"))
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    government_funding = models.PositiveBigIntegerField(_("agreed government funding (KRW)"))
    private_contribution = models.PositiveBigIntegerField(_("agreed private contribution (KRW)"))
    # The call's cap per project when the project was made: the constraint below holds the agreed funding to it.
    funding_cap = models.PositiveBigIntegerField(_("government funding cap per project (KRW)"), editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.IN_PROGRESS, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["-agreed_on", "-pk"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        permissions = [
            ("manage_project", _("Can create projects and change their status")),
            ("decide_report", _("Can accept progress reports or send them back")),
        ]
        constraints = [
            models.CheckConstraint(
                name="project_ends_after_start",
                condition=Q(ends_on__gt=models.F("starts_on")),
                violation_error_message=_("A project must end after it starts."),
            ),
            models.CheckConstraint(
                name="project_government_within_cap",
                condition=Q(government_funding__lte=models.F("funding_cap")),
                violation_error_message=_("The agreed government funding is above the call's cap per project."),
            ),
            models.CheckConstraint(
                name="project_cap_within_limit",
                condition=Q(funding_cap__gt=0, funding_cap__lte=MAX_FUNDING_CAP),
                violation_error_message=_("The funding cap must be more than 0 and at most 100억 원."),
            ),
            models.CheckConstraint(
                name="project_iris_number_format",
                condition=Q(iris_number__regex=IRIS_NUMBER_PATTERN),
                violation_error_message=_("The IRIS project number is not in IRIS's format."),
            ),
        ]

    def __str__(self):
        return f"{self.iris_number} {self.proposal.title}"

    @property
    def total(self):
        return self.government_funding + self.private_contribution

    def clean(self):
        errors = {}
        proposal = getattr(self, "proposal", None) if self.proposal_id else None
        if proposal is not None:
            if proposal.status != Proposal.Status.SELECTED:
                errors["proposal"] = _("Only a selected proposal becomes a project.")
            if self._state.adding:
                self.funding_cap = proposal.call.funding_cap
        if self.starts_on and self.ends_on and self.ends_on <= self.starts_on:
            errors["ends_on"] = _("A project must end after it starts.")
        if self.funding_cap is not None and self.government_funding is not None \
                and self.government_funding > self.funding_cap:
            errors["government_funding"] = _(
                "The agreed government funding is above the call's cap per project (%(cap)s)."
            ) % {"cap": format_krw(self.funding_cap)}
        if errors:
            raise ValidationError(errors)


class ProjectStatusChange(AppendOnly):
    """Append-only history of a project's status: written by delivery.services only."""

    refused_change = _("The project's history cannot be changed.")
    refused_delete = _("The project's history cannot be deleted.")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="history", verbose_name=_("project"))
    from_status = models.CharField(_("from"), max_length=20, choices=Project.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Project.Status.choices)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    by_staff = models.BooleanField(_("by staff"), default=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("project status change")
        verbose_name_plural = _("project status changes")

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class ProjectParticipant(models.Model):
    """One organisation of the project's consortium with its budget line, as the selected version had it."""

    Role = ParticipantRole

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="participants", verbose_name=_("project")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="project_participations", verbose_name=_("organisation")
    )
    name = models.CharField(_("name when selected"), max_length=200)
    role = models.CharField(_("role"), max_length=30, choices=ParticipantRole.choices)
    government_funding = models.PositiveBigIntegerField(_("government funding (KRW)"), default=0)
    private_cash = models.PositiveBigIntegerField(_("private cash (KRW)"), default=0)
    private_in_kind = models.PositiveBigIntegerField(_("private in kind (KRW)"), default=0)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("project participant")
        verbose_name_plural = _("project participants")
        constraints = [
            models.UniqueConstraint(fields=["project", "organization"], name="project_participant_once"),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"

    @property
    def is_lead(self):
        return self.role == ParticipantRole.LEAD


class ProjectKPI(models.Model):
    """A KPI of the project, copied from the selected version: baseline and target, and whether the public sees it."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="kpis", verbose_name=_("project"))
    source = models.ForeignKey(
        KPI, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("proposal KPI")
    )
    indicator = models.CharField(_("indicator"), max_length=200)
    baseline = models.DecimalField(_("baseline"), max_digits=16, decimal_places=2)
    target = models.DecimalField(_("target"), max_digits=16, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    is_public = models.BooleanField(
        _("shown on the public project page"), default=False,
        help_text=_("Staff decide, with the lead, which KPIs the public sees with their latest accepted value."),
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("project KPI")
        verbose_name_plural = _("project KPIs")

    def __str__(self):
        return self.indicator


class ReportQuerySet(models.QuerySet):
    def overdue(self, today):
        """Reports not submitted by their due date (one sent back for changes was submitted once: not counted)."""
        return self.filter(status=Report.Status.DUE, due_on__lt=today,
                           project__status=Project.Status.IN_PROGRESS)

    def of_lead(self, organization):
        return self.filter(project__proposal__lead=organization)


class Report(models.Model):
    """One progress report of a project's schedule: annual, interim or final, due on a date staff can move."""

    class Kind(models.TextChoices):
        INTERIM = "interim", _("Interim report")
        ANNUAL = "annual", _("Annual report")
        FINAL = "final", _("Final report")

    class Status(models.TextChoices):
        DUE = "due", _("Not submitted")
        SUBMITTED = "submitted", _("Submitted")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        ACCEPTED = "accepted", _("Accepted")

    EDITABLE = (Status.DUE, Status.CHANGES_REQUESTED)
    WORKFLOW = Workflow(
        subject=pgettext_lazy("workflow subject", "This report"),
        states=Status,
        notice=_("The note is recorded in the report's history and emailed to the lead organisation's owners "
                 "and managers."),
        transitions=[
            Transition(
                "submit", frozenset(EDITABLE), Status.SUBMITTED, _("Submit"),
                pgettext_lazy("workflow verb", "submitted"), pgettext_lazy("workflow step", "submit it"),
            ),
            Transition(
                "request_changes", frozenset({Status.SUBMITTED}), Status.CHANGES_REQUESTED,
                _("Send back for changes"), pgettext_lazy("workflow verb", "sent back for changes"),
                pgettext_lazy("workflow step", "ask for changes"),
                permission="delivery.decide_report", note_required=True,
            ),
            Transition(
                "accept", frozenset({Status.SUBMITTED}), Status.ACCEPTED, _("Accept"),
                pgettext_lazy("workflow verb", "accepted"), pgettext_lazy("workflow step", "accept it"),
                permission="delivery.decide_report",
            ),
        ],
    )

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reports", verbose_name=_("project"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # The date the figures are as of (the end of the period reported on) and the date the report is due.
    as_of = models.DateField(_("figures as of"))
    due_on = models.DateField(_("due on"), db_index=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DUE, db_index=True)
    narrative = models.TextField(_("progress narrative"), blank=True, max_length=20000)
    document = PrivateFileField(
        _("report document"), upload_to=REPORT_DOCUMENT_UPLOAD.upload_to, blank=True,
        help_text=_("PDF, HWP or HWPX, at most 20 MB."),
    )
    document_name = models.CharField(_("original file name"), max_length=200, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("submitted by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["project", "due_on", "pk"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            models.CheckConstraint(
                name="report_due_not_before_as_of",
                condition=Q(due_on__gte=models.F("as_of")),
                violation_error_message=_("A report cannot be due before the date its figures are as of."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.as_of:%Y-%m-%d}"

    @property
    def is_editable(self):
        return self.status in self.EDITABLE

    def clean(self):
        if self.as_of and self.due_on and self.due_on < self.as_of:
            raise ValidationError({"due_on": _("A report cannot be due before the date its figures are as of.")})


class ReportStatusChange(AppendOnly):
    """Append-only history of a report's workflow: written by delivery.services only."""

    refused_change = _("The report's history cannot be changed.")
    refused_delete = _("The report's history cannot be deleted.")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="history", verbose_name=_("report"))
    from_status = models.CharField(_("from"), max_length=20, choices=Report.Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Report.Status.choices)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    by_staff = models.BooleanField(_("by staff"), default=False)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("report status change")
        verbose_name_plural = _("report status changes")

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class ReportKPIValue(models.Model):
    """The value a KPI had reached at the report's date, as the lead reports it."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="values", verbose_name=_("report"))
    kpi = models.ForeignKey(ProjectKPI, on_delete=models.CASCADE, related_name="values", verbose_name=_("KPI"))
    value = models.DecimalField(_("achieved value"), max_digits=16, decimal_places=2)

    class Meta:
        ordering = ["kpi"]
        verbose_name = _("reported KPI value")
        verbose_name_plural = _("reported KPI values")
        constraints = [
            models.UniqueConstraint(fields=["report", "kpi"], name="report_kpi_value_once"),
        ]

    def __str__(self):
        return f"{self.kpi}: {self.value}"


class ReportContribution(models.Model):
    """A partner's own part of a report: what it did in the period, in its words (one per partner and report)."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="contributions", verbose_name=_("report")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    text = models.TextField(_("contribution"), max_length=5000)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("written by"),
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("partner contribution")
        verbose_name_plural = _("partner contributions")
        constraints = [
            models.UniqueConstraint(fields=["report", "organization"], name="report_contribution_once"),
        ]

    def __str__(self):
        return str(self.organization)


class ReportReminder(models.Model):
    """One reminder mailed about one report at one stage (like members.CertificateReminder).

    Unique per (report, due date, stage): each goes out once however often the job runs; a report whose due date
    staff move gets its reminders for the new date. Written by delivery.reminders only; `run` names the run."""

    class Stage(models.TextChoices):
        DAYS_30 = "30", _("30 days before the due date")
        DAYS_7 = "7", _("7 days before the due date")
        OVERDUE = "overdue", _("overdue")

    BEFORE_DUE = ((30, Stage.DAYS_30), (7, Stage.DAYS_7))

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("report"))
    due_on = models.DateField(_("due on"))
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    sent_at = models.DateTimeField(_("queued at"), default=timezone.now)
    run = models.UUIDField(editable=False, db_index=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("report reminder")
        verbose_name_plural = _("report reminders")
        constraints = [
            models.UniqueConstraint(fields=["report", "due_on", "stage"], name="report_reminder_once_per_stage"),
        ]

    def __str__(self):
        return f"{self.report} · {self.get_stage_display()}"
