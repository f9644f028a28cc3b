"""The targets announced at the alliance's launch; staff keep them up to date in the admin."""

from django.db import migrations

TARGETS = [
    # key, Korean label, English label, value, baseline, unit, year
    ("projects", "AI 자율제조 선도 프로젝트", "Lead projects in AI autonomous manufacturing", 200, None, "count", 2028),
    ("sites", "표준모델 확산 사업장", "Sites using the standard model", 100, None, "count", 2028),
    ("investment", "민관 합동 투자", "Public and private investment", 2_500_000_000_000, None, "krw", 2028),
    ("ai-adoption", "제조기업 AI 도입률", "Manufacturers using AI", 40, 5, "percent", 2028),
    ("productivity", "제조 생산성 향상", "Manufacturing productivity gain", 20, 0, "percent", 2028),
    ("launch-mix-large", "출범 시 회원 구성: 대기업", "Launch mix: large enterprises", 21, None, "percent", None),
    ("launch-mix-midsize", "출범 시 회원 구성: 중견기업", "Launch mix: mid-sized enterprises", 23, None, "percent", None),
    ("launch-mix-sme", "출범 시 회원 구성: 중소기업", "Launch mix: SMEs", 56, None, "percent", None),
]


def seed(apps, schema_editor):
    Target = apps.get_model("stats", "Target")
    for order, (key, label_ko, label_en, value, baseline, unit, year) in enumerate(TARGETS, start=1):
        Target.objects.get_or_create(key=key, defaults={
            "label_ko": label_ko, "label_en": label_en, "value": value, "baseline": baseline, "unit": unit,
            "year": year, "sort_order": order,
        })


def unseed(apps, schema_editor):
    apps.get_model("stats", "Target").objects.filter(key__in=[row[0] for row in TARGETS]).delete()


class Migration(migrations.Migration):
    dependencies = [("stats", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
