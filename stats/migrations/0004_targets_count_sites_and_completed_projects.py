"""Issue 17: the projects target counts completed projects and the sites target confirmed sites running a standard
model; their labels say so. A label staff have changed in the meantime is left as it is."""

from django.db import migrations

LABELS = {
    # key: (old Korean, old English), (new Korean, new English)
    "projects": (("AI 자율제조 선도 프로젝트", "Lead projects in AI autonomous manufacturing"),
                 ("완료된 AI 자율제조 선도 프로젝트", "Completed lead projects in AI autonomous manufacturing")),
    "sites": (("표준모델 확산 사업장", "Sites using the standard model"),
              ("표준모델을 운영 중인 확산 사업장", "Sites running a standard model")),
}


def relabel(apps, schema_editor, *, forward=True):
    Target = apps.get_model("stats", "Target")
    for key, (old, new) in LABELS.items():
        before, after = (old, new) if forward else (new, old)
        Target.objects.filter(key=key, label_ko=before[0]).update(label_ko=after[0])
        Target.objects.filter(key=key, label_en=before[1]).update(label_en=after[1])


def unrelabel(apps, schema_editor):
    relabel(apps, schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [("stats", "0003_target_verbose_name")]

    operations = [migrations.RunPython(relabel, unrelabel)]
