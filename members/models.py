import datetime
import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Case, CharField, Count, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from members import business_numbers, corporate_numbers
from portal.access import staff_may_read_private_files
from portal.files import MB, PDF, PrivateFileField, UploadPolicy
from portal.models import AppendOnly
from portal.workflow import Transition, Workflow
from privacy import consents

# The partial unique constraint's message (a form shows it on the field; see OrganizationForm).
CORPORATE_NUMBER_TAKEN = _(
    "This corporate registration number is already registered. Ask its owner for an invitation instead."
)

# The SME / mid-sized enterprise certificate, as the confirmation systems issue it.
TIER_PROOF_UPLOAD = UploadPolicy(prefix="tier-proofs", kinds=(PDF,), max_bytes=10 * MB)


# Korean telephone numbers, loosely: an area or mobile prefix (02, 031, 010 …) and 7–8 digits, or a
# 4+4 national number (1588-1234); dashes optional.
validate_korean_phone = RegexValidator(
    r"^(0[0-9]{1,2}-?[0-9]{3,4}-?[0-9]{4}|1[0-9]{3}-?[0-9]{4})$",
    _("Enter a Korean phone number of digits and dashes, for example 02-1234-5678 or 010-1234-5678."),
    code="phone",
)


# The 17 provinces and metropolitan cities (시·도), by the ways an address may start: official and short names
# ("광주시" is left out: it is also a city in Gyeonggi).
REGIONS = [
    ({"서울특별시", "서울시", "서울"}, _("Seoul")),
    ({"부산광역시", "부산시", "부산"}, _("Busan")),
    ({"대구광역시", "대구시", "대구"}, _("Daegu")),
    ({"인천광역시", "인천시", "인천"}, _("Incheon")),
    ({"광주광역시", "광주"}, _("Gwangju")),
    ({"대전광역시", "대전시", "대전"}, _("Daejeon")),
    ({"울산광역시", "울산시", "울산"}, _("Ulsan")),
    ({"세종특별자치시", "세종시", "세종"}, _("Sejong")),
    ({"경기도", "경기"}, _("Gyeonggi")),
    ({"강원특별자치도", "강원도", "강원"}, _("Gangwon")),
    ({"충청북도", "충북"}, _("North Chungcheong")),
    ({"충청남도", "충남"}, _("South Chungcheong")),
    ({"전북특별자치도", "전라북도", "전북"}, _("North Jeolla")),
    ({"전라남도", "전남"}, _("South Jeolla")),
    ({"경상북도", "경북"}, _("North Gyeongsang")),
    ({"경상남도", "경남"}, _("South Gyeongsang")),
    ({"제주특별자치도", "제주도", "제주"}, _("Jeju")),
]


def choice_label(choices, value) -> str:
    """The label of `value` in a TextChoices class, or the value itself: what get_FOO_display() gives.

    get_FOO_display() rebuilds the field's choices into a hashable dict on every call, translating each
    label; a changelist calls it for every row and column.
    """
    try:
        return str(choices(value).label)
    except ValueError:
        return value


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def accepting_mailings(self):
        """The people a mailing (alliance news and events to many) may go to: active, and said yes to it
        (privacy.consents). Notices about a person's own membership and proposals are not mailings."""
        return consents.accepting_mailings(self.get_queryset())


class User(AbstractUser):
    """A person. The email address is the login; there is no username."""

    username = None
    email = models.EmailField(_("email address"), unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.email


class Industry(models.Model):
    """One of the alliance's industry working groups (분과)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_ko = models.CharField(_("name (Korean)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    anchor_company = models.ForeignKey(
        "Organization", on_delete=models.SET_NULL, null=True, blank=True, related_name="anchored_industries",
        verbose_name=_("anchor company"), limit_choices_to={"kind": "company"},
    )
    secretary = models.ForeignKey(
        "Organization", on_delete=models.SET_NULL, null=True, blank=True, related_name="industries_as_secretary",
        verbose_name=_("secretary institution"), help_text=_("간사기관: the member that runs the working group."),
    )

    class Meta:
        ordering = ["sort_order", "name_ko"]
        verbose_name = _("industry")
        verbose_name_plural = _("industries")

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.name_en if (get_language() or "ko").startswith("en") else self.name_ko


def group_expression(path=""):
    """An organisation's group (see `Organization.Group`) as a database expression, for counting and summing
    rows by group in one query. `path` leads from the rows to the organisation, e.g. "lead__"."""
    return Case(
        When(**{f"{path}kind": Organization.Kind.INSTITUTION}, then=Value(Organization.Group.INSTITUTION)),
        When(**{f"{path}kind": Organization.Kind.PUBLIC_ENTERPRISE}, then=Value(Organization.Group.PUBLIC_ENTERPRISE)),
        default=F(f"{path}tier"),
        output_field=CharField(),
    )


class OrganizationQuerySet(models.QuerySet):
    def approved(self):
        """Organisations that may take part in lead projects: the one rule the projects app uses."""
        return self.filter(status__in=Organization.MAY_TAKE_PART)

    def count_by_group(self):
        """{group: number of organisations} for every group, zeros included, in one query."""
        counts = dict.fromkeys(Organization.Group.values, 0)
        for row in self.values(g=group_expression()).annotate(n=Count("pk")).order_by():
            counts[row["g"]] += row["n"]
        return counts

    def listed(self):
        """What the public directory shows: approved members that chose to be listed."""
        return self.approved().filter(listed_in_directory=True)

    def with_public_page(self):
        """Members with a public page of their own: listed in the directory, and opted in to the page.

        The rule of `Organization.has_public_page`, for the page itself, the directory's links and the sitemap."""
        return self.listed().filter(public_page=True)

    def certificate_expired(self, *, today=None):
        """Certificates whose last valid day is past: lapsed (see `Organization.certificate_lapses_on`)."""
        return self.filter(Organization.certificate_expired_q(today or timezone.localdate()))

    def certificate_expiring(self, *, today=None):
        """Certificates still valid today that expire within `Organization.EXPIRY_WARNING_DAYS` days."""
        return self.filter(Organization.certificate_expiring_q(today or timezone.localdate()))

    def needing_tier_proof(self):
        """Companies whose size tier rests on a certificate: the rule of `Organization.needs_tier_proof`."""
        return self.filter(kind=Organization.Kind.COMPANY, tier__in=Organization.TIERS_NEEDING_PROOF)

    def tier_proof_lapsed(self, *, today=None):
        """Organisations whose size tier rests on a certificate that has lapsed: none of them can be named in a new
        proposal submission until a renewed certificate is on file. The rule of `Organization.tier_proof_lapsed()`."""
        return self.needing_tier_proof().certificate_expired(today=today)

    def certificate_needs_attention(self, *, today=None):
        """Expired or expiring certificates: the ones staff should chase."""
        today = today or timezone.localdate()
        return self.filter(certificate_expires_on__lte=Organization.expiry_warning_until(today))

    def business_number_mismatched(self):
        """Organisations whose business number's type code does not fit their kind: the rule of
        `Organization.business_number_warning`, for the admin's filter."""
        def code_in(codes):
            return Q(business_number__regex=r"^[0-9]{3}(" + "|".join(sorted(codes)) + ")")

        return self.filter(
            Q(kind=Organization.Kind.COMPANY) & code_in(business_numbers.NOT_FOR_PROFIT)
            | Q(kind=Organization.Kind.INSTITUTION) & code_in(business_numbers.FOR_PROFIT)
        )

    def documents_readable_by(self, user):
        """Organisations whose private documents `user` may download: their own, or all for entitled staff."""
        if not user.is_authenticated:
            return self.none()
        if staff_may_read_private_files(user, "members.view_tier_proof"):
            return self.all()
        return self.filter(memberships__user=user)


class Organization(models.Model):
    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        INSTITUTION = "institution", _("Institution")
        # 공기업: for-profit, under the national R&D cost rules like a large enterprise, with its own call
        # settings; neither a size tier nor an institution type.
        PUBLIC_ENTERPRISE = "public_enterprise", _("Public enterprise")

    class Tier(models.TextChoices):
        LARGE = "large", _("Large enterprise")
        MIDSIZE = "midsize", _("Mid-sized enterprise")
        SME = "sme", _("Small or medium enterprise")

    class Group(models.TextChoices):
        """The five columns of every mix and figure: companies by size tier, public enterprises, then all
        institutions.

        A company's group is its tier (same value), a public enterprise's "public_enterprise", an institution's
        "institution"."""

        LARGE = "large", _("Large enterprise")
        MIDSIZE = "midsize", _("Mid-sized enterprise")
        SME = "sme", _("Small or medium enterprise")
        PUBLIC_ENTERPRISE = "public_enterprise", _("Public enterprise")
        INSTITUTION = "institution", _("Institution")

    class InstitutionType(models.TextChoices):
        UNIVERSITY = "university", _("University")
        RESEARCH = "research", _("Research institute")
        ASSOCIATION = "association", _("Association")
        PUBLIC = "public", _("Public agency")

    class AIStage(models.TextChoices):
        NONE = "none", _("Not yet adopted")
        PILOT = "pilot", _("Pilot")
        LINES = "lines", _("In production lines")
        COMPANY_WIDE = "company_wide", _("Company-wide")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending review")
        APPROVED = "approved", _("Approved")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        REJECTED = "rejected", _("Rejected")
        SUSPENDED = "suspended", _("Suspended")

    # The membership status machine: staff decide, the applicant sends edited details back.
    # Bringing back a suspended member is a reinstatement, not an approval.
    WORKFLOW = Workflow(
        subject=pgettext_lazy("workflow subject", "This membership"),
        states=Status,
        notice=_("Each organisation's owners receive an email with your note, and the note is kept in its history."),
        transitions=[
            Transition(
                "approve", frozenset({Status.PENDING}), Status.APPROVED, _("Approve"),
                pgettext_lazy("workflow verb", "approved"), pgettext_lazy("workflow step", "approve it"),
                permission="members.decide_membership",
            ),
            Transition(
                "request_changes", frozenset({Status.PENDING}), Status.CHANGES_REQUESTED, _("Request changes"),
                pgettext_lazy("workflow verb", "sent back for changes"),
                pgettext_lazy("workflow step", "ask for changes"),
                permission="members.decide_membership", note_required=True,
            ),
            Transition(
                "reject", frozenset({Status.PENDING}), Status.REJECTED, _("Reject"),
                pgettext_lazy("workflow verb", "rejected"), pgettext_lazy("workflow step", "reject it"),
                permission="members.decide_membership", note_required=True,
            ),
            Transition(
                "suspend", frozenset({Status.APPROVED}), Status.SUSPENDED, _("Suspend"),
                pgettext_lazy("workflow verb", "suspended"), pgettext_lazy("workflow step", "suspend it"),
                permission="members.decide_membership", note_required=True,
            ),
            Transition(
                "reinstate", frozenset({Status.SUSPENDED}), Status.APPROVED, _("Reinstate"),
                pgettext_lazy("workflow verb", "reinstated"), pgettext_lazy("workflow step", "reinstate it"),
                permission="members.decide_membership",
            ),
            Transition(
                "resubmit", frozenset({Status.CHANGES_REQUESTED}), Status.PENDING, _("Send again for review"),
                pgettext_lazy("workflow verb", "sent again for review"),
                pgettext_lazy("workflow step", "send it again for review"),
            ),
        ],
    )
    # Tiers whose proof (중소기업확인서 / 중견기업확인서) must be uploaded.
    TIERS_NEEDING_PROOF = {Tier.SME, Tier.MIDSIZE}
    COMPANY_GROUPS = (Group.LARGE, Group.MIDSIZE, Group.SME)
    # What each certificate is called, by the tier it proves.
    TIER_PROOF_LABELS = {
        Tier.SME: _("SME certificate (중소기업확인서)"),
        Tier.MIDSIZE: _("mid-sized enterprise certificate (중견기업확인서)"),
    }
    # Certificates are flagged (on /my/, in the admin, by the first reminder) this many days before their last
    # valid day.
    EXPIRY_WARNING_DAYS = 60
    # Only approved members take part in lead projects (a suspended one does not).
    MAY_TAKE_PART = (Status.APPROVED,)

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COMPANY)
    name = models.CharField(_("name (Korean)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    business_number = models.CharField(
        _("business registration number"), max_length=10, unique=True,
        help_text=_("10 digits, with or without dashes."),
        validators=[business_numbers.validate],
        error_messages={
            "unique": _(
                "This business registration number is already registered. "
                "Ask its owner for an invitation instead."
            )
        },
    )
    # --- 법인등록번호 (issue 14): optional, for corporations (business-number type codes 81–88) only.
    corporate_number = models.CharField(
        _("corporate registration number (법인등록번호)"), max_length=13, blank=True,
        help_text=_("Corporations only: 13 digits, e.g. 110111-0062432. Optional."),
        validators=[corporate_numbers.validate],
    )
    representative = models.CharField(_("representative (대표자)"), max_length=100)
    tier = models.CharField(_("size tier"), max_length=20, choices=Tier.choices, blank=True)
    institution_type = models.CharField(
        _("institution type"), max_length=20, choices=InstitutionType.choices, blank=True
    )
    industry = models.ForeignKey(
        Industry, on_delete=models.PROTECT, related_name="organizations", verbose_name=_("industry")
    )
    address = models.CharField(_("address"), max_length=300)
    website = models.URLField(_("website"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = models.CharField(
        _("contact phone"), max_length=20, blank=True, validators=[validate_korean_phone],
        help_text=_("For example 02-1234-5678 or 010-1234-5678."),
    )
    description = models.TextField(_("description"), blank=True, max_length=2000)
    employees = models.PositiveIntegerField(_("employees"), null=True)
    annual_revenue = models.PositiveBigIntegerField(
        _("annual revenue (KRW)"), null=True, blank=True, help_text=_("Last fiscal year, in won. Optional.")
    )
    ai_stage = models.CharField(
        _("AI adoption stage"), max_length=20, choices=AIStage.choices, default=AIStage.NONE,
        help_text=_("Your own assessment."),
    )
    tier_proof = PrivateFileField(
        _("proof of tier"), upload_to=TIER_PROOF_UPLOAD.upload_to, blank=True, max_length=200,
        help_text=_("SME or mid-sized enterprise certificate (중소기업확인서 / 중견기업확인서): PDF, at most 10 MB."),
    )
    tier_proof_name = models.CharField(_("original file name"), max_length=200, blank=True, editable=False)
    certificate_number = models.CharField(_("certificate number"), max_length=50, blank=True)
    certificate_expires_on = models.DateField(_("certificate valid until"), null=True, blank=True)
    listed_in_directory = models.BooleanField(
        _("listed in the public directory"), default=True,
        help_text=_("Once approved, show the organisation in the public member directory."),
    )
    # A page of its own is a step beyond a line in the directory (search engines find it through the
    # sitemap), so it is the company's choice to make: off until one of its owners turns it on from /my/.
    public_page = models.BooleanField(
        _("public page"), default=False,
        help_text=_("Chosen by the organisation's owners: a public page with its name, kind, size, industry, "
                    "region and the selected lead projects it takes part in. Needs a listing in the directory."),
    )
    status = models.CharField(
        _("membership status"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    # How many people belong to the organisation (its Membership rows), kept by the services that add or remove a
    # membership (members.services.people_count_refresh), so the admin shows and sorts it from an index instead of
    # counting every organisation's people on each page (issue 19).
    people_count = models.PositiveIntegerField(_("people"), default=0, editable=False)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        permissions = [
            ("decide_membership", _("Can decide on membership applications")),
            ("view_tier_proof", _("Can download proof-of-tier documents")),
        ]
        indexes = [
            # The admin lists newest registrations first, a page at a time.
            models.Index(fields=["-created_at", "id"], name="org_newest_first"),
            # The partner picker (projects.search) looks members up by the start of their name or number:
            # pattern operators let PostgreSQL's B-tree answer LIKE 'prefix%' whatever the database's collation.
            models.Index(fields=["name"], name="org_name_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["business_number"], name="org_number_prefix", opclasses=["varchar_pattern_ops"]),
            # The admin list's sortable columns (OrganizationAdmin.sortable_by), each both ways. The changelist sorts
            # by the column, then by the admin's own order (newest first, then pk), so each direction needs its own
            # index; the newest-first one above serves the registration date both ways.
            models.Index(fields=["name", "-created_at", "id"], name="org_name_ascending"),
            models.Index(fields=["-name", "-created_at", "id"], name="org_name_descending"),
            models.Index(fields=["certificate_expires_on", "-created_at", "id"], name="org_certificate_ascending"),
            models.Index(fields=["-certificate_expires_on", "-created_at", "id"], name="org_certificate_descending"),
            models.Index(fields=["people_count", "-created_at", "id"], name="org_people_ascending"),
            models.Index(fields=["-people_count", "-created_at", "id"], name="org_people_descending"),
            models.Index(fields=["approved_at", "-created_at", "id"], name="org_approved_ascending"),
            models.Index(fields=["-approved_at", "-created_at", "id"], name="org_approved_descending"),
            # The public directory (OrganizationQuerySet.listed, by name): only listed members, in its order, so a
            # page, a deep page and the count read this index alone.
            # The admin overview counts approved members' certificates that are expiring or expired.
            models.Index(fields=["certificate_expires_on"], name="org_approved_certificates",
                         condition=Q(status="approved")),
            # It holds the kind and tier too (as keys after the order's: SQLite has no covering columns), so the
            # directory's mix by group and its filters read it alone.
            models.Index(fields=["name", "id", "kind", "tier"], name="org_directory_order",
                         condition=Q(status="approved", listed_in_directory=True)),
        ]
        constraints = [
            models.CheckConstraint(
                name="org_tier_matches_kind",
                condition=(Q(kind="company") & ~Q(tier=""))
                | (Q(kind__in=["institution", "public_enterprise"]) & Q(tier="")),
                violation_error_message=_(
                    "A company needs a size tier; institutions and public enterprises have none."
                ),
            ),
            models.CheckConstraint(
                name="org_institution_type_matches_kind",
                condition=(Q(kind__in=["company", "public_enterprise"]) & Q(institution_type=""))
                | (Q(kind="institution") & ~Q(institution_type="")),
                violation_error_message=_("An institution needs an institution type; companies and public "
                                          "enterprises have none."),
            ),
            models.CheckConstraint(
                name="org_corporate_number_thirteen_digits",
                condition=Q(corporate_number="") | Q(corporate_number__regex=r"^[0-9]{13}$"),
                violation_error_message=_("The corporate registration number must be stored as 13 digits."),
            ),
            models.UniqueConstraint(
                fields=["corporate_number"], condition=~Q(corporate_number=""), name="org_corporate_number_unique",
                violation_error_message=CORPORATE_NUMBER_TAKEN, violation_error_code="corporate_number_taken",
            ),
            models.CheckConstraint(
                name="org_business_number_ten_digits",
                condition=Q(business_number__regex=r"^[0-9]{10}$"),
                violation_error_message=_("The business registration number must be stored as 10 digits."),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        errors = {}
        if self.kind == self.Kind.COMPANY:
            if not self.tier:
                errors["tier"] = _("A company needs a size tier.")
            if self.institution_type:
                errors["institution_type"] = _("Only institutions have an institution type.")
        elif self.kind == self.Kind.INSTITUTION:
            if self.tier:
                errors["tier"] = _("Institutions have no size tier.")
            if not self.institution_type:
                errors["institution_type"] = _("Choose the institution type.")
        elif self.kind == self.Kind.PUBLIC_ENTERPRISE:
            if self.tier:
                errors["tier"] = _("Public enterprises have no size tier.")
            if self.institution_type:
                errors["institution_type"] = _("Only institutions have an institution type.")
        if self.corporate_number and not business_numbers.is_corporation(self.business_number):
            errors["corporate_number"] = _(
                "Only corporations have a corporate registration number: this business registration number "
                "(type code %(code)s) belongs to an individual business or another body that is not a corporation. "
                "Leave the field empty."
            ) % {"code": business_numbers.type_code(self.business_number) or "–"}
        if self.needs_tier_proof:
            if not self.tier_proof:
                errors["tier_proof"] = _("SME and mid-sized enterprises upload their certificate as proof of tier.")
            if not self.certificate_number:
                errors["certificate_number"] = _("Enter the certificate number.")
            if not self.certificate_expires_on:
                errors["certificate_expires_on"] = _("Enter the date until which the certificate is valid.")
        if errors:
            raise ValidationError(errors)

    def has_public_page(self) -> bool:
        """Whether the public may open this organisation's page: the rule of `with_public_page()`, for a
        loaded row (a directory or a consortium shows the link without another query)."""
        return self.may_take_part() and self.listed_in_directory and self.public_page

    @property
    def region(self) -> str:
        """The province or metropolitan city (시·도) the address starts with, or "" if it names none.

        The public page shows this much of the address and no more."""
        first = self.address.split(maxsplit=1)[0] if self.address.strip() else ""
        for names, label in REGIONS:
            if first in names:
                return str(label)
        return ""

    def may_take_part(self) -> bool:
        """Whether this organisation may take part in lead projects: the rule of `approved()`, for a loaded row."""
        return self.status in self.MAY_TAKE_PART

    @property
    def needs_tier_proof(self) -> bool:
        return self.kind == self.Kind.COMPANY and self.tier in self.TIERS_NEEDING_PROOF

    @property
    def is_editable_by_applicant(self) -> bool:
        """The applicant may edit the details while the application waits or changes were asked for."""
        return self.status in (self.Status.PENDING, self.Status.CHANGES_REQUESTED)

    @property
    def business_number_display(self) -> str:
        return business_numbers.display(self.business_number)

    @property
    def corporate_number_display(self) -> str:
        return corporate_numbers.display(self.corporate_number)

    @property
    def business_number_warning(self) -> str:
        """A doubt worth a second look, not a refusal: a company whose number is a non-profit's or the state's,
        or an institution whose number is a for-profit business's. Public enterprises are not checked: 공사 and
        공단 hold for-profit (81) and non-profit (82) numbers alike. '' when nothing is odd."""
        code = business_numbers.type_code(self.business_number)
        if self.kind == self.Kind.COMPANY and code in business_numbers.NOT_FOR_PROFIT:
            return _(
                "The business registration number's type code (%(code)s) is one of a non-profit corporation, "
                "a public body or a religious body, but the organisation is registered as a company. Check the "
                "kind and the number."
            ) % {"code": code}
        if self.kind == self.Kind.INSTITUTION and code in business_numbers.FOR_PROFIT:
            return _(
                "The business registration number's type code (%(code)s) is one of a for-profit business, "
                "but the organisation is registered as an institution. Check the kind and the number."
            ) % {"code": code}
        return ""

    @property
    def group(self) -> str:
        """'large', 'midsize', 'sme', 'public_enterprise' or 'institution': the grouping of `group_expression()`."""
        if self.kind == self.Kind.INSTITUTION:
            return self.Group.INSTITUTION
        if self.kind == self.Kind.PUBLIC_ENTERPRISE:
            return self.Group.PUBLIC_ENTERPRISE
        return self.tier

    @property
    def group_label(self) -> str:
        return choice_label(self.Group, self.group)

    @property
    def size_label(self) -> str:
        """The tier for a company, the institution type for an institution, "Public enterprise" for one."""
        if self.group == self.Group.INSTITUTION:
            return choice_label(self.InstitutionType, self.institution_type)
        return self.group_label

    @classmethod
    def expiry_warning_until(cls, today) -> datetime.date:
        """The last expiry date that is flagged on `today`."""
        return today + datetime.timedelta(days=cls.EXPIRY_WARNING_DAYS)

    # When a certificate lapses, in one place. `certificate_expires_on` stores the certificate's last valid
    # day (유효기간 만료일, as printed on it): it is valid through that whole day in Korea and lapses on the day
    # after. Every rule below (the admin filter, the banner on /my/, the reminders, the submission rule) asks
    # these, never compares the date itself.
    @staticmethod
    def certificate_lapses_on(expires_on) -> datetime.date:
        """The first day on which a certificate valid until `expires_on` no longer counts."""
        return expires_on + datetime.timedelta(days=1)

    @classmethod
    def certificate_expired_q(cls, today) -> Q:
        """The condition of a lapsed certificate on `today` (its lapse day is today or earlier)."""
        return Q(certificate_expires_on__lt=today)

    @classmethod
    def certificate_expiring_q(cls, today) -> Q:
        """The condition of a certificate still valid on `today` whose last valid day is within the warning."""
        return Q(certificate_expires_on__gte=today, certificate_expires_on__lte=cls.expiry_warning_until(today))

    @property
    def tier_proof_label(self) -> str:
        """"SME certificate (중소기업확인서)" or the mid-sized one's name; a generic word for other tiers."""
        return str(self.TIER_PROOF_LABELS.get(self.tier, _("certificate")))

    def certificate_days_left(self, today=None) -> int | None:
        """Days from `today` to the certificate's last valid day (0 on that day, negative once lapsed)."""
        if not self.certificate_expires_on:
            return None
        return (self.certificate_expires_on - (today or timezone.localdate())).days

    def tier_proof_lapsed(self, today=None) -> bool:
        """Whether this organisation's size tier rests on a certificate that has lapsed: the rule of
        `OrganizationQuerySet.tier_proof_lapsed()`, for a loaded row."""
        return self.needs_tier_proof and self.certificate_state(today) == "expired"

    def certificate_state(self, today=None):
        """'expired', 'expiring' or '' (fine or absent): the rule of `certificate_expired()` and
        `certificate_expiring()`, for a loaded row."""
        if not self.certificate_expires_on:
            return ""
        today = today or timezone.localdate()
        if today >= self.certificate_lapses_on(self.certificate_expires_on):
            return "expired"
        if self.certificate_expires_on <= self.expiry_warning_until(today):
            return "expiring"
        return ""


class StatusChange(AppendOnly):
    """One entry of an organisation's membership history. Append-only: rows are never changed."""

    refused_change = _("The membership history cannot be changed.")
    refused_delete = _("The membership history cannot be deleted.")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="status_changes", verbose_name=_("organisation")
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    from_status = models.CharField(_("from"), max_length=20, choices=Organization.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Organization.Status.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status history")
        # The admin overview's latest decisions, read newest first from the decisions alone.
        indexes = [models.Index(fields=["-at", "-id"], name="org_change_decisions",
                                condition=~Q(to_status__in=["", "pending"]))]

    def __str__(self):
        # Shown above each row of the history in the admin: the statuses' labels, as the columns show them.
        before = choice_label(Organization.Status, self.from_status) if self.from_status else "–"
        return f"{self.organization}: {before} → {choice_label(Organization.Status, self.to_status)}"


class MembershipQuerySet(models.QuerySet):
    def managing(self):
        """Owners and managers: the people who act for their organisation."""
        return self.filter(role__in=Membership.MANAGING_ROLES)

    def of(self, user):
        """The signed-in user's membership with its organisation, or None (anonymous, or in no organisation)."""
        if user is None or not user.is_authenticated:
            return None
        return self.select_related("organization", "organization__industry").filter(user=user).first()


class Membership(models.Model):
    """A person's place in an organisation: at most one organisation per user."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        MANAGER = "manager", _("Manager")
        MEMBER = "member", _("Member")

    # Who acts for the organisation: edits its details, invites people, writes and submits its proposals.
    MANAGING_ROLES = (Role.OWNER, Role.MANAGER)

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership", verbose_name=_("user")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(_("joined at"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organization", "joined_at"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self):
        return f"{self.user} @ {self.organization} ({self.get_role_display()})"

    @property
    def can_manage(self):
        """The rule of `managing()`, for a loaded row."""
        return self.role in self.MANAGING_ROLES

    @property
    def is_owner(self):
        return self.role == self.Role.OWNER


class InvitationQuerySet(models.QuerySet):
    def open(self, now=None):
        """Invitations that can still be accepted: not used, not withdrawn, not expired."""
        now = now or timezone.now()
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)


class Invitation(models.Model):
    """An emailed invitation to join an organisation. Only a hash of the secret token is stored."""

    VALID_FOR = datetime.timedelta(days=7)

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("organisation")
    )
    email = models.EmailField(_("email address"))
    role = models.CharField(
        _("role"), max_length=20, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("accepted by"),
    )
    revoked_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "email"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
                violation_error_message=_("This address already has an open invitation."),
            ),
            models.CheckConstraint(
                name="invitation_not_accepted_and_revoked",
                condition=Q(accepted_at__isnull=True) | Q(revoked_at__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.email} -> {self.organization}"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def is_expired(self, now=None) -> bool:
        return (now or timezone.now()) >= self.expires_at

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and not self.is_expired()


# --- certificate reminders ----------------------------------------------------------------------------


class CertificateReminder(models.Model):
    """One reminder mailed about one certificate (an organisation's expiry date) at one stage.

    The unique (organisation, expiry date, stage) makes every reminder go out once per certificate however
    often the job runs; a renewed certificate has a new expiry date and so its own reminders. Written by
    members.reminders only. `run` names the run that wrote the row: of two runs at once, each mails exactly
    the rows it wrote.
    """

    class Stage(models.TextChoices):
        DAYS_60 = "60", _("60 days before expiry")
        DAYS_30 = "30", _("30 days before expiry")
        DAYS_7 = "7", _("7 days before expiry")
        LAPSED = "lapsed", _("on the day it lapsed")

    # (days before the last valid day, stage), widest first. A certificate is in the first stage whose window
    # holds its last valid day, from that many days before it through the day before the next stage begins:
    # a run that comes late (a missed day, a clock set forward) still sends the stage the certificate is in.
    BEFORE_EXPIRY = (
        (Organization.EXPIRY_WARNING_DAYS, Stage.DAYS_60),
        (30, Stage.DAYS_30),
        (7, Stage.DAYS_7),
    )

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="certificate_reminders", verbose_name=_("organisation")
    )
    expires_on = models.DateField(_("certificate valid until"))
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    sent_at = models.DateTimeField(_("queued at"), default=timezone.now)
    run = models.UUIDField(editable=False, db_index=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("certificate reminder")
        verbose_name_plural = _("certificate reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "expires_on", "stage"], name="certificate_reminder_once_per_stage"
            ),
        ]

    def __str__(self):
        return f"{self.organization_id} {self.expires_on} {self.stage}"

    @classmethod
    def stage_on(cls, expires_on, today) -> str | None:
        """The stage a certificate valid until `expires_on` is in on `today`, or None (far from expiry)."""
        if today >= Organization.certificate_lapses_on(expires_on):
            return cls.Stage.LAPSED
        days_left = (expires_on - today).days
        stage = None
        for days, candidate in cls.BEFORE_EXPIRY:
            if days_left <= days:
                stage = candidate
        return stage

    @classmethod
    def stage_expression(cls, today):
        """`stage_on` as a database expression over organisations, for choosing due certificates in one query."""
        whens = [When(Organization.certificate_expired_q(today), then=Value(cls.Stage.LAPSED))]
        for days, stage in reversed(cls.BEFORE_EXPIRY):  # narrowest first: the first match wins
            whens.append(When(certificate_expires_on__lte=today + datetime.timedelta(days=days), then=Value(stage)))
        return Case(*whens, default=None, output_field=CharField())


# --- changes after approval and certificate versions (members.changes holds the field lists) -------------


class OrganizationFieldChange(AppendOnly):
    """One detail of an organisation changed: who, when, which field, old → new. Append-only.

    Values are kept in their stored form (members.changes.stored) and shown through changes.display."""

    refused_change = _("The history of changes cannot be changed.")
    refused_delete = _("The history of changes cannot be deleted.")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="field_changes", verbose_name=_("organisation")
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    field = models.CharField(_("field"), max_length=50)
    old_value = models.TextField(_("old value"), blank=True)
    new_value = models.TextField(_("new value"), blank=True)
    # Set when the change was applied by approving a change request.
    change_request = models.ForeignKey(
        "ChangeRequest", on_delete=models.PROTECT, null=True, blank=True, related_name="applied_changes",
        verbose_name=_("change request"),
    )

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("field change")
        verbose_name_plural = _("field changes")

    def __str__(self):
        return f"{self.organization_id}: {self.field}"


class TierCertificateQuerySet(models.QuerySet):
    def awaiting_confirmation(self):
        """Renewals the organisation applied itself, which staff have not confirmed yet."""
        return self.filter(source=TierCertificate.Source.RENEWAL, confirmed_at__isnull=True)


class TierCertificate(models.Model):
    """One version of an organisation's proof of tier. The file of every version stays in storage (the
    orphan sweep sees this field like any other), so the history can show each certificate a member held."""

    class Source(models.TextChoices):
        REGISTRATION = "registration", _("Registration")
        RENEWAL = "renewal", _("Renewal")
        TIER_CHANGE = "tier_change", _("With a change of size tier")
        STAFF = "staff", _("Uploaded by the secretariat")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("organisation")
    )
    file = PrivateFileField(_("file"), upload_to=TIER_PROOF_UPLOAD.upload_to, max_length=200)
    original_name = models.CharField(_("original file name"), max_length=200, blank=True)
    # Blank only on rows recorded for a file stored before the history existed (services._keep_in_history).
    number = models.CharField(_("certificate number"), max_length=50, blank=True)
    valid_until = models.DateField(_("certificate valid until"), null=True, blank=True)
    tier = models.CharField(_("size tier"), max_length=20, choices=Organization.Tier.choices, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    objects = TierCertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        indexes = [models.Index(fields=["organization", "-uploaded_at"], name="tiercert_org_newest")]

    def __str__(self):
        return f"{self.organization} · {self.number}"

    @property
    def awaits_confirmation(self) -> bool:
        """The rule of `awaiting_confirmation()`, for a loaded row."""
        return self.source == self.Source.RENEWAL and self.confirmed_at is None


class ChangeRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=ChangeRequest.Status.PENDING)


class ChangeRequest(models.Model):
    """Proposed new values of an organisation's 승인성 fields, waiting for a staff decision.

    Until it is approved the organisation keeps its current values, and every rule reads those."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the secretariat")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    WORKFLOW = Workflow(
        subject=pgettext_lazy("workflow subject", "This change request"),
        states=Status,
        notice=_("The organisation's owners and managers receive an email with your note. Approving applies "
                 "the new values at once."),
        transitions=[
            Transition(
                "approve", frozenset({Status.PENDING}), Status.APPROVED, _("Approve"),
                pgettext_lazy("workflow verb", "approved"), pgettext_lazy("workflow step", "approve it"),
                permission="members.decide_membership",
            ),
            Transition(
                "reject", frozenset({Status.PENDING}), Status.REJECTED, _("Reject"),
                pgettext_lazy("workflow verb", "rejected"), pgettext_lazy("workflow step", "reject it"),
                permission="members.decide_membership", note_required=True,
            ),
            Transition(
                "withdraw", frozenset({Status.PENDING}), Status.WITHDRAWN, _("Withdraw"),
                pgettext_lazy("workflow verb", "withdrawn"), pgettext_lazy("workflow step", "withdraw it"),
            ),
        ],
    )

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="change_requests", verbose_name=_("organisation")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("requested at"), default=timezone.now, db_index=True)
    # {field: [value when requested, proposed value]}, in stored form (members.changes.stored).
    changes = models.JSONField(_("changes"))
    certificate = models.OneToOneField(
        TierCertificate, on_delete=models.PROTECT, null=True, blank=True, related_name="change_request",
        verbose_name=_("new certificate"),
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = ChangeRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        constraints = [
            models.UniqueConstraint(
                fields=["organization"], condition=Q(status="pending"), name="change_request_one_open_per_org",
                violation_error_message=_(
                    "This organisation already has a change request waiting for the secretariat: wait for "
                    "the decision or withdraw it first."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.organization} · {self.created_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.PENDING

    def proposed(self) -> dict:
        """{field: proposed stored value}."""
        return {name: new for name, (_old, new) in self.changes.items()}
