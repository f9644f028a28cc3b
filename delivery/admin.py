"""Staff's side of the running projects: making a project from a selected proposal, its status (workflow actions),
which KPIs the public sees, the report schedule's dates, and accepting reports or sending them back.

Every write goes through delivery.services, so the admin applies the rules the company pages do.
"""

from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from delivery import services
from delivery.forms import ProjectCreateForm
from delivery.models import (
    Project,
    ProjectKPI,
    ProjectParticipant,
    ProjectStatusChange,
    Report,
    ReportContribution,
    ReportKPIValue,
    ReportStatusChange,
)
from portal.admin import WorkflowAdminMixin
from portal.money import format_krw


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ParticipantInline(ReadOnlyInline):
    model = ProjectParticipant
    fields = ["name", "role", "amounts"]
    readonly_fields = fields

    @admin.display(description=_("government / private (KRW)"))
    def amounts(self, obj):
        return f"{format_krw(obj.government_funding)} / {format_krw(obj.private_cash + obj.private_in_kind)}"


class ServiceFormSet(BaseInlineFormSet):
    """Inline rows saved through a service (the formset's `save_row`) instead of the form's save."""

    def save(self, commit=True):
        self.new_objects, self.changed_objects, self.deleted_objects = [], [], []
        for form in self.forms:
            if form.has_changed() and form.instance.pk:
                self.save_row(form.instance, form.cleaned_data)
                self.changed_objects.append((form.instance, form.changed_data))
        return []


class KPIFormSet(ServiceFormSet):
    def save_row(self, kpi, data):
        services.kpi_set_public(kpi=kpi, is_public=data["is_public"], by=self.request_user)


class ReportFormSet(ServiceFormSet):
    def save_row(self, report, data):
        services.report_reschedule(report=report, as_of=data["as_of"], due_on=data["due_on"], by=self.request_user)


class ServiceInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.request_user = request.user
        return formset

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and not field.widget.is_hidden:
            # A table's column head names the box for the eye only: each row's box gets its own name, and no help
            # text that would point at nothing (the column head carries it).
            field.widget.attrs["aria-label"] = str(db_field.verbose_name)
            field.help_text = ""
        return field


class ProjectKPIInline(ServiceInline):
    model = ProjectKPI
    formset = KPIFormSet
    fields = ["indicator", "baseline", "target", "unit", "is_public"]
    readonly_fields = ["indicator", "baseline", "target", "unit"]


class ReportInline(ServiceInline):
    model = Report
    formset = ReportFormSet
    fields = ["kind", "as_of", "due_on", "status", "link"]
    readonly_fields = ["kind", "status", "link"]

    @admin.display(description=_("report"))
    def link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("admin:delivery_report_change", args=[obj.pk]), obj)


class ProjectStatusChangeInline(ReadOnlyInline):
    model = ProjectStatusChange
    fields = ["at", "from_status", "to_status", "by", "note"]
    readonly_fields = fields


@admin.register(Project)
class ProjectAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    list_display = ["iris_number", "title", "lead", "status", "starts_on", "ends_on", "funding"]
    list_filter = ["status", "proposal__call"]
    search_fields = ["iris_number", "proposal__title", "proposal__lead__name"]
    list_select_related = ["proposal__lead"]
    workflow_history = "history"
    readonly_fields = ["proposal", "iris_number", "agreed_on", "starts_on", "ends_on", "government_funding_krw",
                       "private_contribution_krw", "cap", "status", "created_by", "created_at"]
    fields = readonly_fields

    def get_inlines(self, request, obj):
        if obj is None:
            return []
        return [ParticipantInline, ProjectKPIInline, ReportInline, ProjectStatusChangeInline]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ProjectCreateForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return ProjectCreateForm.Meta.fields if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def has_add_permission(self, request):
        return services.can_manage_projects(request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # a project is a record

    def save_model(self, request, obj, form, change):
        if change:
            return  # the project's own fields are read-only here; the inlines save through the services
        data = form.cleaned_data
        created = services.project_create(
            proposal=data["proposal"], iris_number=data["iris_number"], agreed_on=data["agreed_on"],
            starts_on=data["starts_on"], ends_on=data["ends_on"], government_funding=data["government_funding"],
            private_contribution=data["private_contribution"], by=request.user,
        )
        obj.pk = created.pk
        obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            formset.save()

    def workflow_run(self, request, obj, transition, note):
        services.project_transition(project=obj, action=transition.name, by=request.user, note=note)

    def workflow_object_detail(self, obj):
        return obj.proposal.title

    @admin.display(description=_("title"), ordering="proposal__title")
    def title(self, obj):
        return obj.proposal.title

    @admin.display(description=_("lead"), ordering="proposal__lead__name")
    def lead(self, obj):
        return obj.proposal.lead.name

    @admin.display(description=_("government funding"), ordering="government_funding")
    def funding(self, obj):
        return format_krw(obj.government_funding)

    @admin.display(description=_("agreed government funding"))
    def government_funding_krw(self, obj):
        return format_krw(obj.government_funding)

    @admin.display(description=_("agreed private contribution"))
    def private_contribution_krw(self, obj):
        return format_krw(obj.private_contribution)

    @admin.display(description=_("call's cap per project"))
    def cap(self, obj):
        return format_krw(obj.funding_cap)


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.overdue(timezone.localdate())
        return queryset


class ValueInline(ReadOnlyInline):
    model = ReportKPIValue
    fields = ["kpi", "value"]
    readonly_fields = fields


class ContributionInline(ReadOnlyInline):
    model = ReportContribution
    fields = ["organization", "text", "updated_by", "updated_at"]
    readonly_fields = fields


class ReportStatusChangeInline(ReadOnlyInline):
    model = ReportStatusChange
    fields = ["at", "from_status", "to_status", "by", "note"]
    readonly_fields = fields


@admin.register(Report)
class ReportAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "project", "due_on", "status", "submitted_at"]
    list_filter = ["status", "kind", OverdueFilter]
    search_fields = ["project__iris_number", "project__proposal__title"]
    list_select_related = ["project__proposal"]
    workflow_history = "history"
    inlines = [ValueInline, ContributionInline, ReportStatusChangeInline]
    readonly_fields = ["project", "kind", "as_of", "due_on", "status", "narrative", "document_link", "submitted_at",
                       "submitted_by", "decided_at"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False  # the schedule makes reports

    def has_delete_permission(self, request, obj=None):
        return False

    def workflow_run(self, request, obj, transition, note):
        services.report_transition(report=obj, action=transition.name, by=request.user, note=note)

    def workflow_object_detail(self, obj):
        return obj.project.proposal.title

    @admin.display(description=_("report document"))
    def document_link(self, obj):
        if not obj.document:
            return "—"
        url = reverse("my-projects:report-document", args=[obj.project_id, obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.document_name or _("download"))
