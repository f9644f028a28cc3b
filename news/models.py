import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import connections, models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.files import JPEG, MB, PNG, WEBP, PrivateImageField, UploadPolicy
from portal.rendering import render_markdown, sanitize_html
from portal.workflow import Transition, Workflow

# Pictures between 200 and 6000 pixels on each side: big enough for a card, small enough to decode.
COVER_UPLOAD = UploadPolicy(prefix="news-covers", kinds=(JPEG, PNG, WEBP), max_bytes=5 * MB, sides=(200, 6000))


def validate_http_url(value):
    """Only absolute http:// or https:// addresses (lower-case scheme, as the DB constraint checks)."""
    if not value:
        return
    if not value.startswith(("http://", "https://")):
        raise ValidationError(_("Enter an address that starts with http:// or https://."), code="scheme")
    URLValidator(schemes=["http", "https"])(value)


# The cover field's validator and upload_to, under the names its migrations give them.
def validate_cover_image(uploaded):
    COVER_UPLOAD.validate(uploaded)


def cover_upload_to(instance, filename):
    return COVER_UPLOAD.upload_to(instance, filename)


# Paths under /news/ that are not articles.
RESERVED_SLUGS = {"feed", "rss"}


def validate_slug_not_reserved(value):
    if value in RESERVED_SLUGS:
        raise ValidationError(_("This address is reserved; choose another slug."), code="reserved")


class Category(models.TextChoices):
    PRESS_RELEASE = "press-release", _("Press release")
    NOTICE = "notice", _("Notice")
    EVENT = "event", _("Event")
    PROJECT_NEWS = "project-news", _("Lead-project news")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """What the public sees: published, and its publication time has come (no cron needed)."""
        return self.filter(status=Status.PUBLISHED, published_at__lte=timezone.now())

    def next_publication(self, now):
        """When the next scheduled article comes out (None if none is scheduled)."""
        return self.filter(status=Status.PUBLISHED, published_at__gt=now).aggregate(
            at=models.Min("published_at"))["at"]

    def newest_first(self):
        return self.order_by("-published_at", "-pk")

    def search(self, text):
        """Full-text search on PostgreSQL ('simple' config, prefix terms); substring match elsewhere."""
        terms = re.findall(r"\w+", text or "")[:8]
        if not terms:
            return self
        if connections[self.db].vendor == "postgresql":
            from django.contrib.postgres.search import SearchQuery, SearchVector

            # Korean words carry particles (얼라이언스의, 얼라이언스는): prefix terms still match them.
            query = SearchQuery(" & ".join(f"{t}:*" for t in terms), config="simple", search_type="raw")
            vector = (
                SearchVector("title", config="simple", weight="A")
                + SearchVector("summary", config="simple", weight="B")
                + SearchVector("body", config="simple", weight="C")
            )
            return self.annotate(search_document=vector).filter(search_document=query)
        queryset = self
        for term in terms:
            queryset = queryset.filter(Q(title__icontains=term) | Q(summary__icontains=term) | Q(body__icontains=term))
        return queryset


class Article(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("URL slug"), max_length=200, unique=True, allow_unicode=True, blank=True,
        validators=[validate_slug_not_reserved],
        help_text=_("Part of the article's address. Leave empty to make one from the title."),
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, default=Category.NOTICE)
    summary = models.TextField(_("summary"), max_length=500, help_text=_("One or two sentences for lists and feeds."))
    body = models.TextField(
        _("body"), blank=True, help_text=_("Markdown. HTML is allowed but filtered to a safe set of tags.")
    )
    body_html = models.TextField(_("rendered body"), blank=True, editable=False)
    cover = PrivateImageField(
        _("cover image"), upload_to=cover_upload_to, blank=True, validators=[validate_cover_image],
        help_text=_("JPEG, PNG or WebP, at most 5 MB."),
    )
    cover_alt = models.CharField(_("cover description"), max_length=200, blank=True,
                                 help_text=_("What the picture shows, for screen readers."))
    source_name = models.CharField(_("source name"), max_length=100, blank=True,
                                   help_text=_("Where the item first appeared, for republished items."))
    source_url = models.URLField(_("source address"), max_length=500, blank=True, validators=[validate_http_url])
    source_published_on = models.DateField(_("original publication date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        _("publication time"), null=True, blank=True, db_index=True,
        help_text=_("A future time schedules the article: it appears by itself when the time comes."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="news_articles",
    )
    guid = models.CharField(_("feed entry ID"), max_length=500, blank=True, editable=False,
                            help_text=_("Identifier of the imported feed entry, to skip it next time."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    objects = ArticleQuerySet.as_manager()

    # Editors publish (now, or at a future time that schedules it) and take articles back to draft.
    WORKFLOW = Workflow(
        subject=pgettext_lazy("workflow subject", "This article"),
        states=Status,
        notes=False,
        notice=_("An article whose publication time is in the future is scheduled: it appears by itself when "
                 "the time comes."),
        transitions=[
            Transition(
                "publish", frozenset({Status.DRAFT}), Status.PUBLISHED, _("Publish"),
                pgettext_lazy("workflow verb", "published"), pgettext_lazy("workflow step", "publish it"),
                permission="news.publish_article",
            ),
            Transition(
                "unpublish", frozenset({Status.PUBLISHED}), Status.DRAFT, _("Unpublish"),
                pgettext_lazy("workflow verb", "unpublished"), pgettext_lazy("workflow step", "unpublish it"),
                permission="news.publish_article",
            ),
        ],
    )

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published_at", "-pk"]
        permissions = [("publish_article", _("Can publish and unpublish articles"))]
        constraints = [
            models.CheckConstraint(condition=~Q(slug=""), name="news_article_slug_not_empty"),
            models.CheckConstraint(
                condition=Q(source_url="") | Q(source_url__startswith="http://") | Q(source_url__startswith="https://"),
                name="news_article_source_url_http",
            ),
            models.CheckConstraint(
                condition=Q(status=Status.DRAFT) | Q(published_at__isnull=False),
                name="news_article_published_has_time",
            ),
            models.CheckConstraint(condition=Q(category__in=Category.values), name="news_article_category_valid"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="news_article_status_valid"),
            models.UniqueConstraint(fields=["guid"], condition=~Q(guid=""), name="news_article_guid_unique"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("news:detail", kwargs={"slug": self.slug})

    def clean(self):
        if self.status == Status.PUBLISHED and self.published_at is None:
            raise ValidationError(
                {"published_at": _("A published article needs a publication time.")}, code="no_time"
            )

    # Called by the admin and the services before saving; never from save() itself.
    def render_body(self):
        self.body_html = render_markdown(self.body)

    def assign_slug(self):
        if not self.slug:
            self.slug = unique_slug(self.title, exclude_pk=self.pk)

    @property
    def safe_body_html(self):
        """The stored rendering, filtered once more on the way out (rows may be written around render_body)."""
        return mark_safe(sanitize_html(self.body_html))  # noqa: S308

    @property
    def was_revised(self):
        """Edited after it went out (not merely created later than a back-dated publication time)."""
        if not (self.updated_at and self.published_at and self.created_at):
            return False
        return self.updated_at - max(self.created_at, self.published_at) > datetime.timedelta(hours=1)

    @property
    def is_public(self):
        return (
            self.status == Status.PUBLISHED and self.published_at is not None and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self):
        return self.status == Status.PUBLISHED and self.published_at is not None and self.published_at > timezone.now()

    @property
    def source_link(self):
        """The source address only when it is http(s): rows written around validation still never give a
        javascript: link."""
        return self.source_url if self.source_url.startswith(("http://", "https://")) else ""

    def cover_url(self):
        if not self.cover:
            return ""
        version = int(self.updated_at.timestamp()) if self.updated_at else 0
        return f"{reverse('news:cover', kwargs={'slug': self.slug})}?v={version}"


def unique_slug(title, *, exclude_pk=None, max_length=200):
    """A readable slug from the title (Korean kept), with -2, -3… added when it is taken."""
    base = slugify(title, allow_unicode=True)[: max_length - 10].strip("-") or "article"
    taken = Article.objects.filter(slug__startswith=base)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    taken = set(taken.values_list("slug", flat=True)) | RESERVED_SLUGS
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
