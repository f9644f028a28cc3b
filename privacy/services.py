from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacy.models import PolicyVersion


@transaction.atomic
def policy_version_publish(*, version, by) -> PolicyVersion:
    """Publish a draft: from then on it never changes, and it is in force from its effective date."""
    if not by.has_perm("privacy.publish_policyversion"):
        raise PermissionDenied
    locked = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    if locked.is_published:
        raise ValidationError(_("This version is already published."), code="published")
    if locked.effective_on < timezone.localdate():
        raise ValidationError(_("The effective date has passed: a version takes effect today at the earliest."),
                              code="past")
    newer = PolicyVersion.objects.published().filter(kind=locked.kind, number__gt=locked.number).exists()
    if newer:
        raise ValidationError(_("A newer version is already published: write a new version instead."),
                              code="outdated")
    locked.full_clean()
    locked.published_at = timezone.now()
    locked.published_by = by
    locked.save()
    version.published_at, version.published_by = locked.published_at, by
    return locked
