"""Staff register standard models (with their public documents) and confirm or return adoption sites.

"Project deciders" hold these rights (spread/migrations/0002): they run the projects the models come from.
"""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal.admin import RecordedAdminViewMixin, WorkflowAdminMixin
from spread import services
from spread.models import AdoptionSite, StandardModel, StandardModelDocument


class DocumentForm(forms.ModelForm):
    class Meta:
        model = StandardModelDocument
        fields = ["title", "file", "sort_order"]

    def clean(self):
        cleaned = super().clean()
        if self.instance is not None and cleaned.get("file"):
            self.instance.file = cleaned["file"]
            services.document_prepare(document=self.instance)
        return cleaned


class DocumentInline(admin.StackedInline):
    model = StandardModelDocument
    form = DocumentForm
    extra = 1
    fields = ["title", "file", "sort_order"]


class StandardModelForm(forms.ModelForm):
    class Meta:
        model = StandardModel
        fields = ["name_ko", "name_en", "ai_area", "industries", "description_ko", "description_en", "projects",
                  "suppliers", "is_published"]

    def clean_projects(self):
        projects = self.cleaned_data.get("projects")
        if not projects:
            raise forms.ValidationError(_("Name at least one project the model was built from."))
        return projects


@admin.register(StandardModel)
class StandardModelAdmin(admin.ModelAdmin):
    form = StandardModelForm
    list_display = ["name_ko", "name_en", "ai_area", "is_published", "site_count", "updated_at"]
    list_filter = ["is_published", "ai_area", "industries"]
    list_select_related = ["ai_area"]
    search_fields = ["name_ko", "name_en"]
    # Plain multiple selects and a raw-id box: the admin's filter widget and its autocomplete fail the accessibility
    # audit (tests/browser/test_accessibility.py), and the suppliers are thousands of organisations at scale.
    raw_id_fields = ["suppliers"]
    fields = ["name_ko", "name_en", "ai_area", "industries", "description_ko", "description_en", "projects",
              "suppliers", "is_published", "created_at", "updated_at"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [DocumentInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            counted=Count("sites", filter=AdoptionSite.COUNTED_RELATED))

    @admin.display(description=_("sites in use (confirmed)"), ordering="counted")
    def site_count(self, obj):
        return obj.counted

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "projects":
            kwargs["queryset"] = db_field.related_model.objects.select_related("proposal")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        services.standard_model_save(standard_model=obj, by=request.user)


@admin.register(AdoptionSite)
class AdoptionSiteAdmin(RecordedAdminViewMixin, WorkflowAdminMixin, admin.ModelAdmin):
    access_record_what = _("adoption site: who reported it, its evidence")
    workflow_history = "history"
    list_display = ["site_name", "organization", "standard_model", "region", "use_status", "status", "submitted_at"]
    list_filter = ["status", "use_status", "region", "standard_model"]
    list_select_related = ["organization", "standard_model"]
    search_fields = ["site_name", "organization__name", "organization__business_number"]
    fields = ["standard_model", "organization", "site_name", "region", "adopted_on", "use_status", "evidence_link",
              "status", "submitted_by", "submitted_for", "submitted_at", "confirmed_at", "note"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # suppliers and adopting companies report sites from /my/sites/

    def has_delete_permission(self, request, obj=None):
        return False  # a record: a site that was wrong is returned, one that ended is "stopped"

    @admin.display(description=_("evidence document"))
    def evidence_link(self, obj):
        url = reverse("my-sites:evidence", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.evidence_name or _("download"))

    def workflow_object_detail(self, obj):
        return f"{obj.organization.name} · {obj.get_region_display()} · {obj.get_use_status_display()}"

    def workflow_run(self, request, obj, transition, note):
        services.site_transition(site=obj, action=transition.name, by=request.user, note=note)
