"""Policies (개인정보처리방침, 이용약관, the consent notices) in versions, and what each person consented to.

A version is written as a draft, then published; once published it never changes (a correction is a new
version), so what a person agreed to can always be read again at the version's own address. Each consent
given or withdrawn is a row of its own (ConsentRecord), never rewritten: a person's current answer for a
kind is their latest row.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.files import PrivateFileField, PrivateUploadTo
from portal.models import AppendOnly
from portal.rendering import render_markdown


class Kind(models.TextChoices):
    PRIVACY = "privacy", _("Privacy policy")
    TERMS = "terms", _("Terms of use")
    COLLECTION = "collection", _("Collection and use of personal information")
    MAILING = "mailing", _("Mail about alliance news and events")


# What sign-up asks: the terms and the collection notice must be agreed to; the mailing is the person's choice.
# The privacy policy itself is a notice (PIPA art. 30), read rather than agreed to.
REQUIRED_KINDS = (Kind.TERMS, Kind.COLLECTION)
OPTIONAL_KINDS = (Kind.MAILING,)
CONSENT_KINDS = REQUIRED_KINDS + OPTIONAL_KINDS


class PolicyVersionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)

    def in_force(self, today=None):
        """Published versions whose effective date has come."""
        return self.published().filter(effective_on__lte=today or timezone.localdate())

    def current(self, kind, today=None):
        """The version of `kind` in force today, or None."""
        return self.in_force(today).filter(kind=kind).order_by("-number").first()


class PolicyVersion(models.Model):
    """One version of one policy text, in Korean and English (Markdown)."""

    kind = models.CharField(_("document"), max_length=20, choices=Kind.choices)
    number = models.PositiveIntegerField(_("version"), editable=False)
    effective_on = models.DateField(
        _("effective from"),
        help_text=_("The day this version takes effect. Announce changes ahead: at least 7 days before, "
                    "30 days before for changes that matter to people's rights."),
    )
    requires_reconsent = models.BooleanField(
        _("asks for consent again"), default=False,
        help_text=_("Signed-in people who agreed to an earlier version are asked to agree again at their next "
                    "visit once this version is in force. For the privacy policy, which is not agreed to, it has "
                    "no effect."),
    )
    summary_ko = models.TextField(_("what changed (Korean)"), blank=True)
    summary_en = models.TextField(_("what changed (English)"), blank=True)
    body_ko = models.TextField(_("text (Korean)"), help_text=_("Markdown: headings with ##, tables with |."))
    body_en = models.TextField(_("text (English)"), blank=True, help_text=_("Markdown. Optional."))
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        editable=False, verbose_name=_("published by"),
    )

    objects = PolicyVersionQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "-number"]
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        permissions = [("publish_policyversion", _("Can publish policy versions"))]
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="policy_version_number_unique"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} v{self.number}"

    def save(self, *args, **kwargs):
        # A published version is what people read and agreed to: it is never rewritten (publishing itself
        # is the one write that finds the stored row still a draft).
        if not self._state.adding and PolicyVersion.objects.filter(pk=self.pk, published_at__isnull=False).exists():
            raise ValidationError(_("A published version cannot be changed: write a new version instead."))
        if self.number is None:
            last = PolicyVersion.objects.filter(kind=self.kind).order_by("-number").values_list("number", flat=True)
            self.number = (last.first() or 0) + 1
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if PolicyVersion.objects.filter(pk=self.pk, published_at__isnull=False).exists():
            raise ValidationError(_("A published version cannot be deleted."))
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def is_in_force(self, today=None) -> bool:
        return self.is_published and self.effective_on <= (today or timezone.localdate())

    @property
    def asks_consent(self) -> bool:
        return self.kind in CONSENT_KINDS

    def _in_language(self, korean, english):
        return english if english and (get_language() or "ko").startswith("en") else korean

    def body_html(self):
        # Sanitised by portal.rendering: safe to show as markup.
        return mark_safe(render_markdown(self._in_language(self.body_ko, self.body_en)))  # noqa: S308

    def summary(self):
        return self._in_language(self.summary_ko, self.summary_en)

    @property
    def shown_in_korean_only(self) -> bool:
        """An English visitor reads the Korean text: no English one was written."""
        return (get_language() or "ko").startswith("en") and not self.body_en

class ConsentRecordQuerySet(models.QuerySet):
    def latest_by_kind(self, user) -> dict:
        """{kind: (granted, version number)} of `user`'s latest answer for each kind they answered."""
        latest = {}
        rows = self.filter(user=user).order_by("at", "pk").values_list("kind", "granted", "version__number")
        for kind, granted, number in rows:
            latest[kind] = (granted, number)
        return latest


class ConsentRecord(AppendOnly):
    """A consent given or withdrawn: who, to which version of which document, when, from which address.

    Append-only: a change of mind is a new row. What a person agreed to is evidence, so no row is rewritten."""

    refused_change = _("A consent record cannot be changed.")
    refused_delete = _("A consent record cannot be deleted.")

    class Source(models.TextChoices):
        SIGNUP = "signup", _("Sign-up")
        RENEWAL = "renewal", _("Asked again")
        ACCOUNT = "account", _("Account settings")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consent_records", verbose_name=_("user")
    )
    kind = models.CharField(_("document"), max_length=20, choices=Kind.choices)
    version = models.ForeignKey(
        PolicyVersion, on_delete=models.PROTECT, related_name="consents", verbose_name=_("version")
    )
    granted = models.BooleanField(_("agreed"))
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    source = models.CharField(_("where"), max_length=20, choices=Source.choices)

    objects = ConsentRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        indexes = [models.Index(fields=["user", "kind", "at"], name="consent_user_kind_at")]
        constraints = [
            models.CheckConstraint(
                name="consent_kind_is_agreed_to",
                condition=models.Q(kind__in=[k.value for k in CONSENT_KINDS]),
            ),
        ]

    def __str__(self):
        return f"{self.user_id} {self.kind} v{self.version_id} {'+' if self.granted else '-'}"


# --- the person's rights: exports, erasures, dormant accounts (privacy.rights, privacy.dormancy) -------------------

EXPORT_UPLOAD_TO = PrivateUploadTo("exports")


class DataExport(models.Model):
    """A person's request for a copy of their data, and the file the task made (privacy.rights.build_export).

    The file is private to its person (served only to them, through a signed link that expires) and removed
    with the row by the daily job `purge-data-exports` once `expires_at` has passed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports", verbose_name=_("user")
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    ready_at = models.DateTimeField(_("ready at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("link valid until"), null=True, blank=True, db_index=True)
    file = PrivateFileField(_("file"), upload_to=EXPORT_UPLOAD_TO, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")

    def __str__(self):
        return f"{self.user_id} {self.requested_at:%Y-%m-%d %H:%M}"

    @property
    def is_ready(self) -> bool:
        return self.ready_at is not None and bool(self.file)

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and (now or timezone.now()) >= self.expires_at


class Erasure(AppendOnly):
    """An account whose personal fields were anonymised (privacy.rights.person_erase): by the person or by
    staff on their request, with the request's reason and reference. The user row stays, anonymised, so the
    history that names it (status changes, reviews, decisions, messages, submissions) stays whole."""

    refused_change = _("An erasure record cannot be changed.")
    refused_delete = _("An erasure record cannot be deleted.")

    class Source(models.TextChoices):
        SELF = "self", _("By the person")
        REQUEST = "request", _("By staff, on the person's request")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="erasure", verbose_name=_("account")
    )
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    source = models.CharField(_("how"), max_length=20, choices=Source.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("staff member"),
    )
    reason = models.TextField(_("reason"), blank=True)
    reference = models.CharField(_("reference"), max_length=100, blank=True,
                                 help_text=_("The request's number or letter, as filed."))

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("erasure record")
        verbose_name_plural = _("erasure records")
        default_permissions = ("view",)
        permissions = [("delete_person_on_request", _("Can erase a person's data on their request"))]

    def __str__(self):
        return f"{self.user} · {self.at:%Y-%m-%d}"


class DormancyNotice(models.Model):
    """The mail telling a person their account will be separated as dormant: one per period of inactivity.

    `inactive_since` is the sign-in (or sign-up) the period counts from, so a person who signs in again and then
    stays away again is told again, and a rerun of the daily job tells nobody twice (the unique constraint)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dormancy_notices", verbose_name=_("user")
    )
    inactive_since = models.DateTimeField(_("inactive since"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("dormancy notice")
        verbose_name_plural = _("dormancy notices")
        constraints = [
            models.UniqueConstraint(fields=["user", "inactive_since"], name="dormancy_notice_once"),
        ]

    def __str__(self):
        return f"{self.user_id} {self.inactive_since:%Y-%m-%d}"


class DormantAccount(models.Model):
    """A dormant account's personal fields, kept apart from the user table (분리보관) until the person comes back.

    While a row exists the user row holds a placeholder address and no name, is inactive and has no usable
    password; nothing but privacy.dormancy reads this table (it is not in the admin either). Restoring moves the
    fields back and deletes the row; an erasure deletes it too."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dormant_account", verbose_name=_("user")
    )
    separated_at = models.DateTimeField(_("separated at"), default=timezone.now)
    email = models.EmailField(_("email address"), unique=True)
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    password = models.CharField(_("password"), max_length=128)
    # allauth's addresses of the account: [{"email", "verified", "primary"}].
    email_addresses = models.JSONField(_("email addresses"), default=list)

    class Meta:
        verbose_name = _("dormant account")
        verbose_name_plural = _("dormant accounts")

    def __str__(self):
        return f"{self.user_id} {self.separated_at:%Y-%m-%d}"
