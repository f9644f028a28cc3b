"""Reference data: the alliance's 12 industry working groups, and the staff groups.

The codes are stable identifiers (other data and URLs use them); names may be edited by staff.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

INDUSTRIES = [
    ("automotive", "자동차", "Automotive"),
    ("shipbuilding", "조선", "Shipbuilding"),
    ("machinery", "기계·장비", "Machinery and equipment"),
    ("semiconductors", "반도체", "Semiconductors"),
    ("displays", "디스플레이", "Displays"),
    ("electronics", "전자·가전", "Electronics and home appliances"),
    ("steel", "철강", "Steel"),
    ("petrochemicals", "석유화학", "Petrochemicals"),
    ("batteries", "이차전지", "Secondary batteries"),
    ("bio-pharma", "바이오·제약", "Bio and pharmaceuticals"),
    ("textiles", "섬유·의류", "Textiles and apparel"),
    ("aerospace", "항공·우주", "Aerospace"),
]

REVIEWERS = "Membership reviewers"
READERS = "Membership readers"
READ = [
    "view_organization", "view_industry", "view_membership", "view_statuschange", "view_invitation",
    "view_tier_proof",
]
REVIEW = READ + ["decide_membership", "change_organization", "change_industry"]


def seed(apps, schema_editor):
    Industry = apps.get_model("members", "Industry")
    for order, (code, name_ko, name_en) in enumerate(INDUSTRIES, start=1):
        Industry.objects.update_or_create(
            code=code, defaults={"name_ko": name_ko, "name_en": name_en, "sort_order": order}
        )

    # Permissions are normally created after all migrations; the groups need them now.
    app_config = apps.get_app_config("members")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ((REVIEWERS, REVIEW), (READERS, READ)):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="members", codename__in=codenames)
        )


def unseed(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[REVIEWERS, READERS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0002_organization_details_history_invitations"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
