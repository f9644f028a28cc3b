"""The alliance's public targets, kept as data that staff edit in the admin (never literals in templates)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from members.models import Organization


class TargetQuerySet(models.QuerySet):
    def as_dict(self):
        return {target.key: target for target in self}

    def launch_mix(self):
        """{company group: percent at the launch} from the launch-mix rows (one query)."""
        rows = self.filter(key__startswith=Target.LAUNCH_MIX_PREFIX).values_list("key", "value")
        return Target.launch_mix(dict(rows))


class Target(models.Model):
    """One public target, e.g. 200 lead projects by 2028, or one tier's share in the launch mix."""

    class Unit(models.TextChoices):
        COUNT = "count", _("count")
        PERCENT = "percent", _("percent")
        KRW = "krw", _("KRW")

    # Keys the figures module reads; other rows are shown as they are.
    PROJECTS = "projects"
    SITES = "sites"
    INVESTMENT = "investment"
    AI_ADOPTION = "ai-adoption"
    PRODUCTIVITY = "productivity"
    LAUNCH_MIX_PREFIX = "launch-mix-"

    key = models.SlugField(
        _("key"), max_length=40, unique=True, help_text=_("Used by the portal's code; do not change.")
    )
    label_ko = models.CharField(_("label (Korean)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200)
    value = models.PositiveBigIntegerField(_("target value"))
    baseline = models.PositiveBigIntegerField(_("baseline"), null=True, blank=True, help_text=_("Where it started."))
    progress = models.PositiveBigIntegerField(
        _("progress entered by staff"), null=True, blank=True,
        help_text=_("For targets the portal cannot count from its own data (e.g. the AI adoption rate)."),
    )
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.COUNT)
    year = models.PositiveSmallIntegerField(_("target year"), null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = TargetQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "key"]
        verbose_name = _("alliance target")
        verbose_name_plural = _("alliance targets")
        constraints = [
            models.CheckConstraint(
                name="target_percent_at_most_100",
                condition=~Q(unit="percent") | Q(value__lte=100),
                violation_error_message=_("A percentage target cannot exceed 100."),
            ),
        ]

    def __str__(self):
        return self.label

    @classmethod
    def launch_mix(cls, values_by_key):
        """{company group: percent at the launch} out of {target key: value}; 0 for a row staff removed."""
        return {group: values_by_key.get(cls.LAUNCH_MIX_PREFIX + group, 0) for group in Organization.COMPANY_GROUPS}

    @property
    def label(self):
        return self.label_en if (get_language() or "ko").startswith("en") else self.label_ko

