
from allauth.mfa.models import Authenticator
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from members import business_numbers, certificate_dates, changes, corporate_numbers, services
from members.forms import CertificateDateMixin
from members.models import (
    TIER_PROOF_UPLOAD,
    ChangeRequest,
    Industry,
    Invitation,
    Membership,
    Organization,
    TierCertificate,
    User,
    choice_label,
)
from members.timeline import organization_timeline
from portal import pagination, reauth
from portal.admin import LongListMixin, RecordedAdminViewMixin, StoredCountMixin, WorkflowAdminMixin
from portal.csv import ChangelistExportMixin
from portal.forms_money import KRWField
from portal.pagination import DeferredJoinPaginator
from privacy import registry, rights
from privacy.forms import ErasureRequestForm


@admin.register(User)
class UserAdmin(RecordedAdminViewMixin, BaseUserAdmin):
    access_record_what = _("account: email, name, groups, sign-in dates")
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active", "date_joined"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    actions = ["erase_on_request"]

    def has_erase_permission(self, request):
        return request.user.has_perm("privacy.delete_person_on_request")

    @admin.action(description=_("Erase the selected people's data on their request"), permissions=["erase"])
    def erase_on_request(self, request, queryset):
        """The person's right to erasure exercised through staff (privacy.rights.person_erase): an intermediate
        page records the request's reason and reference; each erasure is an append-only privacy.Erasure."""
        people = list(queryset.exclude(erasure__isnull=False).order_by("email"))
        form = ErasureRequestForm(request.POST if request.POST.get("post") == "yes" else None)
        if not form.is_bound or not form.is_valid():
            return TemplateResponse(request, "admin/members/user/erase_confirm.html", {
                **self.admin_site.each_context(request), "title": _("Erase people's data on their request"),
                "opts": self.model._meta, "people": people, "form": form,
                "obstacles": {person.pk: registry.obstacles(person) for person in people},
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            })
        done = 0
        for person in people:
            label = str(person)
            try:
                rights.person_erase(user=person, by=request.user, reason=form.cleaned_data["reason"],
                                    reference=form.cleaned_data["reference"])
            except ValidationError as error:
                self.message_user(request, f"{label}: {' '.join(error.messages)}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, ngettext("%(count)d account erased.", "%(count)d accounts erased.", done)
                              % {"count": done}, messages.SUCCESS)
        return None

    def delete_model(self, request, obj):
        services.users_delete(users=[obj])  # the organisations' people counts follow

    def delete_queryset(self, request, queryset):
        services.users_delete(users=list(queryset))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["form_class"] = GroupChoiceField
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ["name_ko", "name_en", "code", "anchor_company", "secretary", "sort_order"]
    list_select_related = ["anchor_company", "secretary"]
    autocomplete_fields = ["anchor_company", "secretary"]
    readonly_fields = ["code"]
    search_fields = ["name_ko", "name_en", "code"]

    def has_add_permission(self, request):
        # The twelve working groups are reference data seeded by a migration.
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CertificateExpiryFilter(admin.SimpleListFilter):
    title = _("certificate expiry")
    parameter_name = "certificate"

    def lookups(self, request, model_admin):
        days = {"days": Organization.EXPIRY_WARNING_DAYS}
        return [
            ("attention", _("Expired or expiring within %(days)s days") % days),
            ("expired", _("Expired")),
            ("expiring", _("Expiring within %(days)s days") % days),
            ("missing", _("Required but missing")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "attention":
            return queryset.certificate_needs_attention()
        if self.value() == "expired":
            return queryset.certificate_expired()
        if self.value() == "expiring":
            return queryset.certificate_expiring()
        if self.value() == "missing":
            return queryset.filter(kind=Organization.Kind.COMPANY, tier__in=Organization.TIERS_NEEDING_PROOF,
                                   tier_proof="")
        return queryset


# --- issue 14: identifiers (type code vs kind, 법인등록번호) -----------------------------------------------


class BusinessNumberKindFilter(admin.SimpleListFilter):
    """Members whose business number's type code does not fit their kind (Organization.business_number_warning)."""

    title = _("business number vs kind")
    parameter_name = "number_kind"

    def lookups(self, request, model_admin):
        return [("mismatch", _("Type code does not fit the kind"))]

    def queryset(self, request, queryset):
        if self.value() == "mismatch":
            return queryset.business_number_mismatched()
        return queryset


class IdentifierFieldsForm(forms.ModelForm):
    """Staff type the numbers as people write them (dashes, spaces, full-width digits); the model stores digits.
    The base of OrganizationAdminForm."""

    business_number = forms.CharField(label=_("Business registration number"), max_length=20)
    corporate_number = forms.CharField(label=_("Corporate registration number (법인등록번호)"), max_length=20,
                                       required=False)

    class Meta:
        model = Organization
        fields = ["business_number", "corporate_number"]  # the admin adds the fieldsets' other fields

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["business_number"] = self.instance.business_number_display
            self.initial["corporate_number"] = self.instance.corporate_number_display

    def clean_business_number(self):
        value = business_numbers.normalize(self.cleaned_data["business_number"])
        business_numbers.validate(value)
        return value

    def clean_corporate_number(self):
        value = corporate_numbers.normalize(self.cleaned_data["corporate_number"])
        if value:
            corporate_numbers.validate(value)
        return value


class MembershipInline(admin.TabularInline):
    """People of the organisation; their roles are managed by the organisation's owners on /my/."""

    model = Membership
    extra = 0
    can_delete = False
    fields = ["user", "role", "joined_at"]
    readonly_fields = fields
    verbose_name_plural = _("people")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class InvitationInline(MembershipInline):
    model = Invitation
    fields = ["email", "role", "invited_by", "created_at", "expires_at", "accepted_at", "revoked_at"]
    readonly_fields = fields
    verbose_name_plural = _("invitations")

    def get_queryset(self, request):
        return admin.TabularInline.get_queryset(self, request).select_related("invited_by")


class OrganizationAdminForm(CertificateDateMixin, IdentifierFieldsForm):
    """Staff's form: a new proof of tier goes in through the same service as a member's renewal."""

    website = forms.URLField(label=_("website"), required=False, assume_scheme="https", max_length=200)
    new_tier_proof = forms.FileField(
        label=_("upload a new proof of tier"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": TIER_PROOF_UPLOAD.accept}),
        help_text=_("Replaces the current certificate, which stays in the history; fill in its number and "
                    "validity below."),
    )

    class Meta:
        model = Organization
        # tier_proof is left out: it is replaced only through new_tier_proof, which keeps the history.
        fields = [
            "kind", "name", "name_en", "business_number", "representative", "tier", "institution_type", "industry",
            "address", "website", "contact_name", "contact_phone", "description", "employees", "annual_revenue",
            "ai_stage", "listed_in_directory", "certificate_number", "certificate_expires_on",
        ]
        help_texts = {"certificate_expires_on": certificate_dates.HELP_TEXT}

    def clean_new_tier_proof(self):
        upload = self.cleaned_data.get("new_tier_proof")
        TIER_PROOF_UPLOAD.validate(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("new_tier_proof"):
            if not cleaned.get("certificate_number"):
                self.add_error("certificate_number", _("Enter the new certificate's number."))
            if not cleaned.get("certificate_expires_on"):
                self.add_error("certificate_expires_on", _("Enter the date until which the new certificate is valid."))
            elif "certificate_expires_on" not in self.changed_data:
                try:
                    certificate_dates.validate_valid_until(cleaned["certificate_expires_on"])
                except forms.ValidationError as error:
                    self.add_error("certificate_expires_on", error)
        return cleaned


# Every organisation, counted by the worker for the unfiltered list (portal.admin.StoredCountMixin; members.apps).
ORGANIZATION_TOTALS = "members.organization-totals"


def organization_totals():
    # With the marks of the list's order, for its deep pages (portal.pagination).
    return {"count": Organization.objects.count(),
            "marks": pagination.marks(Organization.objects.order_by(*OrganizationAdmin.ordering))}


@admin.register(Organization)
class OrganizationAdmin(RecordedAdminViewMixin, WorkflowAdminMixin, ChangelistExportMixin, LongListMixin,
                        StoredCountMixin, admin.ModelAdmin):
    access_record_what = _("organisation: representative, contact person and phone, people, invitations")
    list_display = [
        "name", "business_number_col", "kind", "size_col", "industry", "status_col", "ai_stage",
        "certificate_col", "people_count", "created_at", "approved_at",
    ]
    # Registration dates as a filter (today, past 7 days, this month, this year) rather than a date
    # hierarchy, whose year/month/day links cost two scans of all organisations on every page.
    list_filter = [
        "status", "kind", "tier", "institution_type", "industry", "ai_stage", CertificateExpiryFilter,
        BusinessNumberKindFilter,
        "listed_in_directory", "public_page", ("created_at", admin.DateFieldListFilter),
    ]
    list_select_related = ["industry"]
    # Each of these sorts reads an index (Organization.Meta.indexes), at any size; the other columns have a filter
    # (sorting by an industry would join and sort every organisation).
    sortable_by = ["name", "business_number_col", "certificate_col", "people_count", "created_at", "approved_at"]
    # Substring search from the bigram indexes (portal.db.search), as icontains would find.
    search_fields = ["name", "name_en", "business_number", "corporate_number"]  # see get_search_results
    ordering = ["-created_at", "pk"]  # read in this order from the org_newest_first index
    # "N total" would count every organisation a second time on each page; the filtered count is enough.
    show_full_result_count = False
    list_per_page = 50  # each row costs ~0.35 ms of Django's cell rendering; search and filters find the rest
    paginator = DeferredJoinPaginator  # a deep page reads its ids from the order's index, then 50 rows
    stored_totals = ORGANIZATION_TOTALS  # the unfiltered list's count
    # The history (status changes among the rest) is the timeline section of the form.
    inlines = [MembershipInline, InvitationInline]
    form = OrganizationAdminForm
    formfield_overrides = {
        models.URLField: {"assume_scheme": "https"},
        # Revenue is typed as staff write it ("1,200억"); the admin's number input would send "1200" for it.
        models.PositiveBigIntegerField: {"form_class": KRWField, "widget": KRWField.widget},
    }
    fieldsets = [
        (None, {"fields": ["status", "approved_at", "kind", "name", "name_en", "business_number",
                           "business_number_check", "corporate_number", "representative", "tier", "institution_type",
                           "industry"]}),
        (_("Profile"), {"fields": ["address", "website", "contact_name", "contact_phone", "description",
                                    "employees", "annual_revenue", "ai_stage", "listed_in_directory",
                                    "public_page"]}),
        (_("Proof of tier"), {"fields": ["tier_proof_link", "new_tier_proof", "certificate_number",
                                          "certificate_expires_on"]}),
        (_("History"), {"fields": ["timeline"]}),
        (_("Dates"), {"fields": ["created_at", "updated_at"]}),
    ]
    # Status only moves through the workflow actions, so the history stays complete. The public page is
    # the company's own choice (its owners make it on /my/): staff see it and do not make it for them.
    readonly_fields = ["status", "approved_at", "public_page", "tier_proof_link", "timeline", "created_at",
                       "updated_at", "business_number_check"]
    workflow_history = "status_changes"

    def get_search_results(self, request, queryset, search_term):
        # Staff paste numbers with dashes (or full-width digits); the stored forms have none.
        for normalize in (business_numbers.normalize, corporate_numbers.normalize):
            normalised = normalize(search_term)
            if normalised != search_term.strip() and normalised.isdigit():
                search_term = normalised
                break
        # Each word in one of the fields, as Django's own search, from the bigram indexes, counted up to a limit.
        return self.search_matches(request, queryset, self.search_fields, search_term), False

    def has_add_permission(self, request):
        # Organisations register themselves on the portal; staff decide.
        return False

    def save_model(self, request, obj, form, change):
        services.organization_staff_edit(organization=obj, by=request.user,
                                         new_certificate=form.cleaned_data.get("new_tier_proof"))

    @admin.display(description=_("history"))
    def timeline(self, obj):
        if not obj or not obj.pk:
            return "–"
        return render_to_string("members/includes/timeline.html",
                                {"timeline": organization_timeline(obj, for_staff=True)})

    @admin.display(description=_("business registration number"), ordering="business_number")
    def business_number_col(self, obj):
        return obj.business_number_display

    @admin.display(description=_("type code"))
    def business_number_check(self, obj):
        if not obj or not obj.pk:
            return "–"
        code = business_numbers.type_code(obj.business_number)
        if obj.business_number_warning:
            return format_html('<strong class="business-number-warning">{}</strong>', obj.business_number_warning)
        return format_html("{} ({})", code, business_numbers.type_label(code)) if code else "–"

    @admin.display(description=_("tier / type"))
    def size_col(self, obj):
        return obj.size_label

    @admin.display(description=_("status"), ordering="status")
    def status_col(self, obj):
        return format_html('<span class="member-status member-status-{}">{}</span>', obj.status,
                           choice_label(Organization.Status, obj.status))

    @admin.display(description=_("certificate valid until"), ordering="certificate_expires_on")
    def certificate_col(self, obj):
        if obj.certificate_expires_on is None:
            return "–" if not obj.needs_tier_proof else format_html("<strong>{}</strong>", _("missing"))
        state = obj.certificate_state()
        label = {"expired": _("expired"), "expiring": _("expires soon")}.get(state)
        if label:
            return format_html("{} <strong>({})</strong>", obj.certificate_expires_on, label)
        return obj.certificate_expires_on

    @admin.display(description=_("proof of tier"))
    def tier_proof_link(self, obj):
        if not obj or not obj.tier_proof:
            return "–"
        return format_html('<a href="{}">{}</a>', reverse("members:tier-proof", args=[obj.pk]),
                           obj.tier_proof_name or _("document"))

    # --- decisions: the staff steps of Organization.WORKFLOW, as actions (WorkflowAdminMixin) ----

    def workflow_run(self, request, obj, transition, note):
        services.organization_transition(organization=obj, name=transition.name, by=request.user, note=note)

    def workflow_object_detail(self, obj):
        return obj.business_number_display

    # --- CSV export of the filtered list (portal.csv) ------------------------------------------

    csv_filename = "members"
    CSV_COLUMNS = [
        ("name", _("name (Korean)")), ("name_en", _("name (English)")),
        ("business_number_display", _("business registration number")),
        ("corporate_number_display", _("corporate registration number (법인등록번호)")),
        ("get_kind_display", _("kind")),
        ("size_label", _("tier / type")), ("industry", _("industry")), ("representative", _("representative")),
        ("get_status_display", _("status")), ("get_ai_stage_display", _("AI adoption stage")),
        ("employees", _("employees")), ("annual_revenue", _("annual revenue (KRW)")),
        ("certificate_number", _("certificate number")), ("certificate_expires_on", _("certificate valid until")),
        ("address", _("address")), ("website", _("website")), ("created_at", _("registered at")),
        ("approved_at", _("approved at")),
    ]

    def csv_queryset(self, queryset):
        return queryset.select_related("industry")

    def csv_header(self):
        return [label for _attr, label in self.CSV_COLUMNS]

    def csv_row(self, org):
        return [_attribute(org, attr) for attr, _label in self.CSV_COLUMNS]


# --- change requests and certificate versions ---------------------------------------------------------


class _MembershipRecordAdmin(admin.ModelAdmin):
    """Records of an organisation that staff read and decide on, never edit: visible to whoever may view
    organisations; decisions need members.decide_membership."""

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("members.view_organization")

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ChangeRequest)
class ChangeRequestAdmin(RecordedAdminViewMixin, WorkflowAdminMixin, _MembershipRecordAdmin):
    access_record_what = _("change request: the details before and after (representative, contact person)")
    list_display = ["organization", "fields_col", "status_col", "requested_by", "created_at", "decided_at"]
    list_filter = ["status", ("created_at", admin.DateFieldListFilter)]
    list_select_related = ["organization", "requested_by"]
    search_fields = ["organization__name", "organization__business_number"]
    ordering = ["-created_at", "-pk"]
    fields = ["organization_link", "comparison", "reason", "requested_by", "created_at", "status_col",
              "decided_by", "decided_at", "note"]
    readonly_fields = fields

    @admin.display(description=_("organisation"))
    def organization_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("admin:members_organization_change",
                                                          args=[obj.organization_id]), obj.organization)

    @admin.display(description=_("changes"))
    def fields_col(self, obj):
        return ", ".join(label for label, _old, _new in changes.request_rows(obj))

    @admin.display(description=_("status"), ordering="status")
    def status_col(self, obj):
        return format_html('<span class="member-status member-status-{}">{}</span>', obj.status,
                           choice_label(ChangeRequest.Status, obj.status))

    @admin.display(description=_("current → requested"))
    def comparison(self, obj):
        # An open request is compared with what approving would replace: the organisation's values now.
        rows = changes.request_rows(obj, obj.organization if obj.is_open else None)
        body = format_html_join("", "<tr><th scope=\"row\">{}</th><td>{}</td><td><strong>{}</strong></td></tr>", rows)
        if obj.certificate_id:
            certificate = obj.certificate
            body += format_html(
                '<tr><th scope="row">{}</th><td>{}</td><td><a href="{}">{}</a> · {} · {}</td></tr>',
                _("certificate"), obj.organization.certificate_number or "–",
                reverse("members:certificate-file", args=[certificate.pk]), certificate.original_name or _("document"),
                certificate.number, certificate.valid_until or "–",
            )
        return format_html(
            '<table class="change-comparison"><thead><tr><th scope="col">{}</th><th scope="col">{}</th>'
            '<th scope="col">{}</th></tr></thead><tbody>{}</tbody></table>',
            _("field"), _("now") if obj.is_open else _("before"), _("requested"), body,
        )

    def workflow_run(self, request, obj, transition, note):
        services.change_request_transition(change_request=obj, name=transition.name, by=request.user, note=note)

    def workflow_object_detail(self, obj):
        rows = changes.request_rows(obj, obj.organization)
        return ", ".join(f"{label}: {old} → {new}" for label, old, new in rows)


class AwaitingConfirmationFilter(admin.SimpleListFilter):
    title = _("confirmation")
    parameter_name = "confirmation"

    def lookups(self, request, model_admin):
        return [("waiting", _("Renewals waiting for confirmation")), ("confirmed", _("Confirmed"))]

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return queryset.awaiting_confirmation()
        if self.value() == "confirmed":
            return queryset.filter(confirmed_at__isnull=False)
        return queryset


@admin.register(TierCertificate)
class TierCertificateAdmin(_MembershipRecordAdmin):
    list_display = ["organization", "tier", "number", "valid_until", "source", "uploaded_by", "uploaded_at",
                    "confirmed_col", "file_link"]
    list_filter = [AwaitingConfirmationFilter, "source", "tier", ("uploaded_at", admin.DateFieldListFilter)]
    list_select_related = ["organization", "uploaded_by", "confirmed_by"]
    search_fields = ["organization__name", "number"]
    ordering = ["-uploaded_at", "-pk"]
    fields = ["organization", "file_link", "original_name", "number", "valid_until", "tier", "source",
              "uploaded_by", "uploaded_at", "confirmed_by", "confirmed_at"]
    readonly_fields = fields
    actions = ["confirm"]

    @admin.display(description=_("confirmed"), ordering="confirmed_at")
    def confirmed_col(self, obj):
        if obj.confirmed_at:
            return format_html("✓ {}", obj.confirmed_at.date())
        return format_html("<strong>{}</strong>", _("waiting")) if obj.awaits_confirmation else "–"

    @admin.display(description=_("file"))
    def file_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("members:certificate-file", args=[obj.pk]),
                           obj.original_name or _("document"))

    @admin.action(description=_("Confirm (확인) the selected renewals"), permissions=["decide"])
    def confirm(self, request, queryset):
        # A staff decision without a confirmation page of its own: after an old sign-in allauth's middleware asks
        # for re-authentication and then runs this same POST (the selection; no files) once (portal.reauth).
        reauth.require_fresh(request, fresh=reauth.staff_decision_fresh)
        done = 0
        for certificate in queryset:
            services.certificate_confirm(certificate=certificate, by=request.user)
            done += 1
        self.message_user(request, ngettext("%(count)d certificate confirmed.", "%(count)d certificates confirmed.",
                                            done) % {"count": done})

    def has_decide_permission(self, request):
        return request.user.has_perm("members.decide_membership")


def _attribute(obj, attr):
    value = getattr(obj, attr)
    return value() if callable(value) else value


# --- staff accounts' groups and authenticators, in the staff's language-----------------------------------

# The staff groups are rows that the apps' data migrations create; code and tests look them up by these
# English names, so the rows keep them and staff read a translation.
STAFF_GROUP_LABELS = {
    "Membership reviewers": _("Membership reviewers"),
    "Membership readers": _("Membership readers"),
    "Project reviewers": _("Project reviewers"),
    "Project deciders": _("Project deciders"),
    "News editors": _("News editors"),
    "Access record readers": _("Access record readers"),
    "Policy editors": _("Policy editors"),
}


def group_label(group) -> str:
    """A group's name as staff read it: the translation of a staff group, any other name as it is."""
    return str(STAFF_GROUP_LABELS.get(group.name, group.name))


class GroupChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return group_label(obj)


admin.site.unregister(Group)  # django.contrib.auth's, replaced by one that shows the translated name


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin):
    list_display = ["label", "name"]
    readonly_fields = ["label"]
    fields = ["label", "name", "permissions"]

    @admin.display(description=_("group"), ordering="name")
    def label(self, obj):
        return group_label(obj) if obj and obj.pk else "—"


admin.site.unregister(Authenticator)  # allauth's


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin):
    """allauth's authenticators. Staff remove one (a colleague lost their phone); nobody needs to read or
    edit its secret, so `data` is not shown and nothing is editable."""

    list_display = ["user", "type", "created_at", "last_used_at"]
    list_filter = ["type", "created_at", "last_used_at"]
    list_select_related = ["user"]
    search_fields = ["user__email"]
    fields = ["user", "type", "created_at", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
