"""Reference data: the AI application areas, and the staff groups that review and decide proposals."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

AI_AREAS = [
    ("defect-detection", "불량 검출", "Defect detection"),
    ("failure-prediction", "설비 고장 예측", "Equipment failure prediction"),
    ("equipment-monitoring", "실시간 설비 모니터링", "Real-time equipment monitoring"),
    ("process-optimisation", "공정 최적화", "Process optimisation"),
    ("energy-carbon", "에너지·탄소 절감", "Energy and carbon reduction"),
    ("safety", "안전", "Safety"),
    ("logistics-automation", "물류·자동화", "Logistics and automation"),
]

REVIEWERS = "Project reviewers"
DECIDERS = "Project deciders"
READ = [
    "view_call", "view_criterion", "view_proposal", "view_participant", "view_kpi", "view_annex",
    "view_statuschange", "view_review", "view_reviewscore", "view_aiarea",
]
GROUPS = {REVIEWERS: READ + ["score_proposal"], DECIDERS: READ + ["decide_proposal"]}


def seed(apps, schema_editor):
    AIArea = apps.get_model("projects", "AIArea")
    for order, (code, name_ko, name_en) in enumerate(AI_AREAS, start=1):
        AIArea.objects.update_or_create(code=code, defaults={"name_ko": name_ko, "name_en": name_en, "sort_order": order})

    # Permissions are normally created after all migrations; the groups need them now.
    app_config = apps.get_app_config("projects")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="projects", codename__in=codenames))


def unseed(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(GROUPS)).delete()


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(seed, unseed)]
