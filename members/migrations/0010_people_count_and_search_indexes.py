# The stored people count and the indexes that keep the directory and the admin's organisation list flat at any size
# (issue 19).

from django.db import migrations, models
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from portal.db.search import BigramIndex


def count_people(apps, schema_editor):
    # The rule of members.services.people_count_refresh, for every organisation at once.
    Organization, Membership = apps.get_model("members", "Organization"), apps.get_model("members", "Membership")
    people = (Membership.objects.filter(organization=OuterRef("pk")).order_by().values("organization")
              .annotate(n=Count("pk")).values("n"))
    Organization.objects.update(people_count=Coalesce(Subquery(people, output_field=IntegerField()), 0))


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0009_organization_search_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='organization',
            name='people_count',
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name='people'),
        ),
        migrations.AddIndex(
            model_name='organization',
            index=models.Index(fields=['name', '-created_at', 'id'], name='org_name_ascending'),
        ),
        migrations.AddIndex(
            model_name='organization',
            index=models.Index(fields=['-name', '-created_at', 'id'], name='org_name_descending'),
        ),
        migrations.AddIndex(
            model_name='organization',
            index=models.Index(fields=['certificate_expires_on', '-created_at', 'id'], name='org_certificate_ascending'),
        ),
        migrations.AddIndex(
            model_name='organization',
            index=models.Index(fields=['-certificate_expires_on', '-created_at', 'id'], name='org_certificate_descending'),
        ),
        migrations.AddIndex(
            model_name='organization',
            index=models.Index(fields=['people_count', '-created_at', 'id'], name='org_people_ascending'),
        ),
        migrations.AddIndex(
            model_name='organization',
            index=models.Index(fields=['-people_count', '-created_at', 'id'], name='org_people_descending'),
        ),
        migrations.AddIndex(
            model_name='organization',
            index=models.Index(fields=['approved_at', '-created_at', 'id'], name='org_approved_ascending'),
        ),
        migrations.AddIndex(
            model_name='organization',
            index=models.Index(fields=['-approved_at', '-created_at', 'id'], name='org_approved_descending'),
        ),
        migrations.AddIndex(
            model_name='organization',
            index=models.Index(condition=models.Q(('listed_in_directory', True), ('status', 'approved')), fields=['name', 'id', 'kind', 'tier'], name='org_directory_order'),
        ),
        migrations.RunPython(count_people, migrations.RunPython.noop, elidable=True),
        # The directory's and the admin's search boxes (the `search` lookup of portal.db.search).
        BigramIndex(name="org_name_bigrams", table="members_organization", column="name"),
        BigramIndex(name="org_name_en_bigrams", table="members_organization", column="name_en"),
        BigramIndex(name="org_number_bigrams", table="members_organization", column="business_number"),
        BigramIndex(name="org_corporate_number_bigrams", table="members_organization", column="corporate_number"),
    ]
