"""The staff who answer a person's request to erase their data (개인정보 삭제 요구, within ten days): "Privacy
officers" may run the user list's "erase on request" action (privacy.rights.person_erase), so nobody needs superuser
status for it. Reading access records stays with "Access record readers" (0002): give an officer both if they do both."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PRIVACY_OFFICERS = "Privacy officers"
PERMISSIONS = [("privacy", "delete_person_on_request"), ("members", "view_user")]


def seed(apps, schema_editor):
    for label in ("privacy", "members"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=PRIVACY_OFFICERS)
    for app_label, codename in PERMISSIONS:
        group.permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename=codename))


def unseed(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=PRIVACY_OFFICERS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0003_rights"),
        ("members", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
