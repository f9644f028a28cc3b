"""Standard models (표준모델) built from running projects, and the manufacturing sites that adopt them (issue 17).

Staff register a standard model in the admin from one or more delivery projects: its names, AI area, the industries it
fits, a description, the member organisations that supply it and its public documents. A supplier of the model, or the
adopting company itself, reports an adoption site (확산 사업장) from /my/sites/ with an evidence document; staff
confirm it or return it (AdoptionSite.WORKFLOW). The public figures count a site only once it is confirmed and only
while it is in use (`AdoptionSiteQuerySet.counted`, the one rule the figures, the catalogue and the model's page read).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from delivery.models import Project
from members.models import Industry, Organization
from portal.files import HWP, HWPX, JPEG, MB, PDF, PNG, PrivateFileField, UploadPolicy
from portal.models import AppendOnly, AppendOnlyQuerySet
from portal.workflow import Transition, Workflow
from projects.models import AIArea

# A standard model's public documents (guides, specifications) and a site's evidence (a contract, a photo of the
# installation, an inspection record): both through the one upload stack, stored under private/.
DOCUMENT_UPLOAD = UploadPolicy(prefix="standard-models", kinds=(PDF, HWP, HWPX), max_bytes=20 * MB)
EVIDENCE_UPLOAD = UploadPolicy(prefix="adoption-evidence", kinds=(PDF, HWP, HWPX, JPEG, PNG), max_bytes=20 * MB)


def _english():
    return (get_language() or "ko").startswith("en")


class Region(models.TextChoices):
    """The 17 first-level administrative units (시·도), in the order of the national statistics."""

    SEOUL = "seoul", _("Seoul")
    BUSAN = "busan", _("Busan")
    DAEGU = "daegu", _("Daegu")
    INCHEON = "incheon", _("Incheon")
    GWANGJU = "gwangju", _("Gwangju")
    DAEJEON = "daejeon", _("Daejeon")
    ULSAN = "ulsan", _("Ulsan")
    SEJONG = "sejong", _("Sejong")
    GYEONGGI = "gyeonggi", _("Gyeonggi")
    GANGWON = "gangwon", _("Gangwon")
    CHUNGBUK = "chungbuk", _("North Chungcheong")
    CHUNGNAM = "chungnam", _("South Chungcheong")
    JEONBUK = "jeonbuk", _("North Jeolla")
    JEONNAM = "jeonnam", _("South Jeolla")
    GYEONGBUK = "gyeongbuk", _("North Gyeongsang")
    GYEONGNAM = "gyeongnam", _("South Gyeongsang")
    JEJU = "jeju", _("Jeju")


class StandardModelQuerySet(models.QuerySet):
    def published(self):
        """What the public catalogue shows, and what companies may report a site for."""
        return self.filter(is_published=True)

    def supplied_by(self, organization):
        return self.filter(suppliers=organization)

    def with_sites_in_use(self):
        """Each model with `sites_in_use`: its counted sites (confirmed and in use), in the same query."""
        return self.annotate(sites_in_use=Count("sites", filter=AdoptionSite.COUNTED_RELATED))

    def from_proposal(self, proposal):
        """The published models built (among others) from the running project of a selected proposal."""
        return self.published().filter(projects__proposal=proposal).distinct()


class StandardModel(models.Model):
    """A model of AI autonomous manufacturing made from one or more lead projects, for other sites to adopt."""

    name_ko = models.CharField(_("name (Korean)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    ai_area = models.ForeignKey(
        AIArea, on_delete=models.PROTECT, related_name="standard_models", verbose_name=_("AI application area"),
    )
    industries = models.ManyToManyField(
        Industry, related_name="standard_models", verbose_name=_("industries it fits"),
    )
    description_ko = models.TextField(_("description (Korean)"), max_length=5000)
    description_en = models.TextField(
        _("description (English)"), max_length=5000, blank=True,
        help_text=_("Shown on the English pages; the Korean description is shown when it is empty."),
    )
    projects = models.ManyToManyField(
        Project, related_name="standard_models", verbose_name=_("source projects"),
        help_text=_("The running lead projects the model was built from."),
    )
    suppliers = models.ManyToManyField(
        Organization, related_name="supplied_standard_models", verbose_name=_("suppliers"),
        help_text=_("Member organisations that deliver the model to other sites; they may report its adoption sites."),
    )
    is_published = models.BooleanField(
        _("published"), default=False, help_text=_("Show the model in the public catalogue."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = StandardModelQuerySet.as_manager()

    class Meta:
        ordering = ["name_ko", "pk"]
        verbose_name = _("standard model")
        verbose_name_plural = _("standard models")

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.name_en if _english() else self.name_ko

    @property
    def description(self):
        return self.description_en if _english() and self.description_en else self.description_ko


class StandardModelDocument(models.Model):
    """A public document of a standard model: served to anyone once the model is published, never before."""

    standard_model = models.ForeignKey(
        StandardModel, on_delete=models.CASCADE, related_name="documents", verbose_name=_("standard model"),
    )
    title = models.CharField(_("title"), max_length=200)
    file = PrivateFileField(
        _("file"), upload_to=DOCUMENT_UPLOAD.upload_to, help_text=_("PDF, HWP or HWPX, at most 20 MB."),
    )
    original_name = models.CharField(_("original file name"), max_length=200, blank=True, editable=False)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("public document")
        verbose_name_plural = _("public documents")

    def __str__(self):
        return self.title


class AdoptionSiteQuerySet(models.QuerySet):
    def counted(self):
        """The sites the public figures count: confirmed by staff and in use now."""
        return self.filter(AdoptionSite.COUNTED)

    def confirmed(self):
        return self.filter(status=AdoptionSite.Status.CONFIRMED)

    def involving(self, organization):
        """The sites an organisation may see and report on: it adopted them, or it supplies their model."""
        if organization is None:
            return self.none()
        supplied = StandardModel.objects.filter(suppliers=organization).values("pk")
        return self.filter(Q(organization=organization) | Q(standard_model__in=supplied))


class AdoptionSite(models.Model):
    """A manufacturing site (확산 사업장) that put a standard model into use, as reported by its supplier or the
    adopting company and confirmed by staff."""

    class UseStatus(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("adoption site", "Planned")
        IN_USE = "in_use", pgettext_lazy("adoption site", "In use")
        STOPPED = "stopped", pgettext_lazy("adoption site", "Stopped")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("adoption site", "Submitted")
        CONFIRMED = "confirmed", pgettext_lazy("adoption site", "Confirmed")
        RETURNED = "returned", pgettext_lazy("adoption site", "Returned")

    # The one counting rule (AdoptionSiteQuerySet.counted, StandardModelQuerySet.with_sites_in_use, stats.figures).
    COUNTED = Q(status="confirmed", use_status="in_use")
    COUNTED_RELATED = Q(sites__status="confirmed", sites__use_status="in_use")

    WORKFLOW = Workflow(
        subject=pgettext_lazy("workflow subject", "This adoption site"),
        states=Status,
        notice=_("The note is recorded in the site's history and emailed to the owners and managers of the "
                 "organisation that reported it and of the adopting organisation."),
        transitions=[
            Transition(
                "confirm", frozenset({Status.SUBMITTED}), Status.CONFIRMED, _("Confirm the site"),
                pgettext_lazy("adoption site workflow verb", "confirmed"),
                pgettext_lazy("adoption site workflow step", "confirm it"),
                permission="spread.confirm_adoptionsite",
            ),
            # Also after a confirmation: evidence that turns out not to hold takes the site out of the count.
            Transition(
                "return", frozenset({Status.SUBMITTED, Status.CONFIRMED}), Status.RETURNED, _("Return for changes"),
                pgettext_lazy("adoption site workflow verb", "returned"),
                pgettext_lazy("adoption site workflow step", "return it"),
                permission="spread.confirm_adoptionsite", note_required=True,
            ),
            # The company's step: any change to a returned or confirmed site is checked again before it counts.
            Transition(
                "resubmit", frozenset({Status.RETURNED, Status.CONFIRMED}), Status.SUBMITTED, _("Submit again"),
                pgettext_lazy("adoption site workflow verb", "submitted again"),
                pgettext_lazy("adoption site workflow step", "submit it again"),
            ),
        ],
    )

    standard_model = models.ForeignKey(
        StandardModel, on_delete=models.PROTECT, related_name="sites", verbose_name=_("standard model"),
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="adoption_sites", verbose_name=_("adopting organisation"),
    )
    site_name = models.CharField(_("site name"), max_length=200, help_text=_("For example: Gumi plant 2."))
    region = models.CharField(_("region (시·도)"), max_length=20, choices=Region.choices, db_index=True)
    adopted_on = models.DateField(_("date adopted"), help_text=_("For a planned site: the date it is planned for."))
    use_status = models.CharField(
        _("use"), max_length=10, choices=UseStatus.choices, default=UseStatus.IN_USE,
    )
    evidence = PrivateFileField(
        _("evidence document"), upload_to=EVIDENCE_UPLOAD.upload_to,
        help_text=_("PDF, HWP, HWPX, JPEG or PNG, at most 20 MB: for example the delivery contract or an "
                    "inspection record. Only the alliance and the organisations concerned see it."),
    )
    evidence_name = models.CharField(_("original file name"), max_length=200, blank=True, editable=False)
    status = models.CharField(
        _("review status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED, db_index=True,
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("submitted by"),
    )
    submitted_for = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("reported by (organisation)"),
        help_text=_("The supplier or the adopting organisation whose person reported the site."),
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    note = models.TextField(_("latest note from the alliance"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AdoptionSiteQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("adoption site")
        verbose_name_plural = _("adoption sites")
        permissions = [("confirm_adoptionsite", _("Can confirm adoption sites or return them"))]
        constraints = [
            models.UniqueConstraint(
                fields=["standard_model", "organization", "site_name"], name="adoption_site_once_per_model",
                violation_error_message=_("This site has already been reported for this standard model."),
            ),
        ]
        indexes = [models.Index(fields=["status", "use_status", "region"], name="adoption_site_counted")]

    def __str__(self):
        return f"{self.organization} · {self.site_name}"

    def clean(self):
        if self.adopted_on and self.use_status != self.UseStatus.PLANNED and self.adopted_on > timezone.localdate():
            raise ValidationError({"adopted_on": _("A site in use or stopped was adopted on a past date; a site "
                                                   "planned for later is “planned”.")})

    @property
    def counts(self) -> bool:
        """The rule of `counted()`, for a loaded row."""
        return self.status == self.Status.CONFIRMED and self.use_status == self.UseStatus.IN_USE


class AdoptionSiteChange(AppendOnly):
    """Append-only history of an adoption site: each report, change and decision. Written by spread.services only."""

    refused_change = _("The site's history cannot be changed.")
    refused_delete = _("The site's history cannot be deleted.")

    site = models.ForeignKey(AdoptionSite, on_delete=models.CASCADE, related_name="history", verbose_name=_("site"))
    from_status = models.CharField(_("from"), max_length=10, choices=AdoptionSite.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=AdoptionSite.Status.choices)
    use_status = models.CharField(_("use"), max_length=10, choices=AdoptionSite.UseStatus.choices)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    by_staff = models.BooleanField(_("by staff"), default=False)
    at = models.DateTimeField(_("at"), default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("adoption site change")
        verbose_name_plural = _("adoption site changes")

    def __str__(self):
        return f"{self.get_from_status_display() or '–'} → {self.get_to_status_display()}"
