"""Version 1 of each document, in force from the portal's launch, and the two staff groups of this app.

Idempotent (tests/conftest.py runs `seed` again after a transactional test flushes the tables)."""

import datetime

from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.utils import timezone

from privacy.first_versions import FIRST_VERSIONS

EFFECTIVE_ON = datetime.date(2026, 1, 1)
SUMMARY = ("첫 버전입니다.", "The first version.")

ACCESS_RECORD_READERS = "Access record readers"
POLICY_EDITORS = "Policy editors"
GROUPS = {
    ACCESS_RECORD_READERS: [("portal", "view_accessrecord"), ("privacy", "view_consentrecord")],
    POLICY_EDITORS: [("privacy", codename) for codename in (
        "add_policyversion", "change_policyversion", "delete_policyversion", "view_policyversion",
        "publish_policyversion")],
}


def seed(apps, schema_editor):
    PolicyVersion = apps.get_model("privacy", "PolicyVersion")
    now = timezone.now()
    for kind, (body_ko, body_en) in FIRST_VERSIONS.items():
        if not PolicyVersion.objects.filter(kind=kind).exists():
            PolicyVersion.objects.create(
                kind=kind, number=1, effective_on=EFFECTIVE_ON, requires_reconsent=False, summary_ko=SUMMARY[0],
                summary_en=SUMMARY[1], body_ko=body_ko, body_en=body_en, created_at=now, published_at=now,
            )

    # Permissions are normally created after all migrations; the groups need them now.
    for label in ("portal", "privacy"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in perms:
            group.permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename=codename))


def unseed(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(GROUPS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0001_initial"),
        ("portal", "0002_access_record"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
