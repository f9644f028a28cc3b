"""The staff who decide proposals ("Project deciders", projects' migration 0002) follow the projects they selected:
they make the projects, change their status, decide on reports and choose the KPIs the public sees."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

DECIDERS = "Project deciders"
CODENAMES = [
    "view_project", "change_project", "view_projectparticipant", "view_projectkpi", "change_projectkpi", "view_projectstatuschange",
    "view_report", "change_report", "view_reportstatuschange", "view_reportkpivalue", "view_reportcontribution",
    "view_reportreminder", "add_project", "manage_project", "decide_report",
]


def seed(apps, schema_editor):
    app_config = apps.get_app_config("delivery")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=DECIDERS)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="delivery", codename__in=CODENAMES))


def unseed(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name=DECIDERS):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="delivery"))


class Migration(migrations.Migration):
    dependencies = [
        ("delivery", "0001_initial"),
        ("projects", "0002_seed_ai_areas_and_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
