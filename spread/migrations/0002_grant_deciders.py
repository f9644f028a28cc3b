"""Standard models and adoption sites are the deciders' work: they run the projects the models come from."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

DECIDERS = "Project deciders"
DECIDER_RIGHTS = [
    "add_standardmodel", "change_standardmodel", "view_standardmodel",
    "add_standardmodeldocument", "change_standardmodeldocument", "delete_standardmodeldocument",
    "view_standardmodeldocument",
    "change_adoptionsite", "view_adoptionsite", "confirm_adoptionsite", "view_adoptionsitechange",
]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("spread")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=DECIDERS)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="spread", codename__in=DECIDER_RIGHTS))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=DECIDERS).first()
    if group is not None:
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="spread",
                                                            codename__in=DECIDER_RIGHTS))


class Migration(migrations.Migration):
    dependencies = [("spread", "0001_initial"), ("projects", "0008_review_panels")]

    operations = [migrations.RunPython(grant, revoke)]
