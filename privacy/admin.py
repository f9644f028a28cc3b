from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.csv import ChangelistExportMixin
from portal.models import AccessRecord
from privacy import services
from privacy.models import ConsentRecord, Erasure, PolicyVersion


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    """Staff write a new version as a draft, then publish it; a published version is only read."""

    list_display = ["__str__", "kind", "number", "effective_on", "requires_reconsent", "published_at"]
    list_filter = ["kind", "requires_reconsent", ("published_at", admin.EmptyFieldListFilter)]
    ordering = ["kind", "-number"]
    fields = ["kind", "number", "effective_on", "requires_reconsent", "summary_ko", "summary_en", "body_ko",
              "body_en", "created_at", "published_at", "published_by", "page"]
    readonly_fields = ["number", "created_at", "published_at", "published_by", "page"]
    actions = ["publish"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.pk:
            return [*self.readonly_fields, "kind"]  # a draft stays a draft of the same document
        return self.readonly_fields

    def get_changeform_initial_data(self, request):
        # A new version starts as a copy of the newest one of its document (/add/?kind=privacy).
        initial = super().get_changeform_initial_data(request)
        kind = request.GET.get("kind")
        latest = PolicyVersion.objects.filter(kind=kind).order_by("-number").first() if kind else None
        if latest is not None:
            for name in ("summary_ko", "summary_en"):
                initial[name] = ""
            for name in ("body_ko", "body_en"):
                initial[name] = getattr(latest, name)
        return initial

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # drafts are deleted one at a time, from their page
        if not request.user.has_perm("privacy.publish_policyversion"):
            actions.pop("publish", None)
        return actions

    @admin.display(description=_("page"))
    def page(self, obj):
        if not obj or not obj.is_published:
            return "—"
        url = reverse("privacy:policy-version", args=[obj.kind, obj.number])
        return format_html('<a href="{}">{}</a>', url, url)

    @admin.action(description=_("Publish the selected drafts"))
    def publish(self, request, queryset):
        if not request.user.has_perm("privacy.publish_policyversion"):
            raise PermissionDenied
        drafts = list(queryset.filter(published_at__isnull=True))
        if request.POST.get("post") != "yes":
            return TemplateResponse(request, "admin/privacy/publish_confirm.html", {
                **self.admin_site.each_context(request), "title": _("Publish the selected drafts"),
                "opts": self.model._meta, "drafts": drafts, "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            })
        done = 0
        for version in drafts:
            try:
                services.policy_version_publish(version=version, by=request.user)
            except ValidationError as error:
                self.message_user(request, f"{version}: {' '.join(error.messages)}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, ngettext("%(count)d version published.", "%(count)d versions published.",
                                                done) % {"count": done}, messages.SUCCESS)
        return None


class _ReadOnlyRecordAdmin(admin.ModelAdmin):
    """Records are read, never written, changed or deleted here (their models refuse it too)."""

    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ConsentRecord)
class ConsentRecordAdmin(_ReadOnlyRecordAdmin):
    list_display = ["at", "user", "kind", "version", "granted", "source", "ip_address"]
    list_filter = ["kind", "granted", "source", ("at", admin.DateFieldListFilter)]
    list_select_related = ["user", "version"]
    search_fields = ["user__email", "ip_address"]
    fields = list_display
    readonly_fields = fields


@admin.register(AccessRecord)
class AccessRecordAdmin(ChangelistExportMixin, _ReadOnlyRecordAdmin):
    """Who read whose data: staff with portal.view_accessrecord browse and export it."""

    list_display = ["at", "by_email", "action", "content_type", "object_repr", "what", "ip_address"]
    list_filter = ["action", "content_type", ("at", admin.DateFieldListFilter)]
    list_select_related = ["content_type"]
    search_fields = ["by_email", "object_repr", "ip_address", "path"]
    fields = ["at", "by", "by_email", "ip_address", "action", "content_type", "object_id", "object_repr", "what",
              "path"]
    readonly_fields = fields
    show_full_result_count = False
    csv_filename = "access-records"

    def csv_queryset(self, queryset):
        return queryset.select_related("content_type")

    def csv_header(self):
        return [_("at"), _("by"), _("IP address"), _("action"), _("type"), _("object id"), _("object"), _("what"),
                _("address")]

    def csv_row(self, obj):
        return [obj.at, obj.by_email, obj.ip_address, obj.get_action_display(), str(obj.content_type),
                obj.object_id, obj.object_repr, obj.what, obj.path]


@admin.register(Erasure)
class ErasureAdmin(_ReadOnlyRecordAdmin):
    """Erased accounts: by the person, or by staff on request (with the request's reason and reference)."""

    list_display = ["at", "user", "source", "by", "reference"]
    list_filter = ["source", ("at", admin.DateFieldListFilter)]
    list_select_related = ["user", "by"]
    search_fields = ["reference", "reason"]
    fields = ["at", "user", "source", "by", "reason", "reference"]
    readonly_fields = fields
