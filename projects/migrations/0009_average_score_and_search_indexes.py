# The stored average score and the indexes that keep the admin's proposal list flat at any size (issue 19).

from django.conf import settings
from django.db import migrations, models
from django.db.models import Avg, FloatField, OuterRef, Subquery

from portal.db.search import BigramIndex


def store_average_scores(apps, schema_editor):
    # The rule of projects.services.average_score_refresh, for every proposal at once.
    Proposal, ReviewScore = apps.get_model("projects", "Proposal"), apps.get_model("projects", "ReviewScore")
    scores = (
        ReviewScore.objects.filter(review__proposal=OuterRef("pk"), review__recused=False,
                                   review__submitted_at__isnull=False)
        .order_by().values("review__proposal").annotate(average=Avg("score")).values("average")
    )
    Proposal.objects.update(average_score=Subquery(scores, output_field=FloatField()))


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0008_review_panels'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='proposal',
            name='average_score',
            field=models.FloatField(blank=True, editable=False, null=True, verbose_name='average score'),
        ),
        migrations.AddIndex(
            model_name='proposal',
            index=models.Index(fields=['average_score', '-id'], name='proposal_score_ascending'),
        ),
        migrations.AddIndex(
            model_name='proposal',
            index=models.Index(fields=['-average_score', '-id'], name='proposal_score_descending'),
        ),
        migrations.AddIndex(
            model_name='proposal',
            index=models.Index(fields=['title', '-id'], name='proposal_title_ascending'),
        ),
        migrations.AddIndex(
            model_name='proposal',
            index=models.Index(fields=['-title', '-id'], name='proposal_title_descending'),
        ),
        migrations.AddIndex(
            model_name='proposal',
            index=models.Index(fields=['government_total', '-id'], name='proposal_funding_ascending'),
        ),
        migrations.AddIndex(
            model_name='proposal',
            index=models.Index(fields=['-government_total', '-id'], name='proposal_funding_descending'),
        ),
        migrations.AddIndex(
            model_name='proposal',
            index=models.Index(fields=['submitted_at', '-id'], name='proposal_submitted_ascending'),
        ),
        migrations.AddIndex(
            model_name='proposal',
            index=models.Index(fields=['-submitted_at', '-id'], name='proposal_submitted_descending'),
        ),
        migrations.RunPython(store_average_scores, migrations.RunPython.noop, elidable=True),
        # The admin's search box (title; the lead's name and number are the organisations' own indexes).
        BigramIndex(name="proposal_title_bigrams", table="projects_proposal", column="title"),
    ]
