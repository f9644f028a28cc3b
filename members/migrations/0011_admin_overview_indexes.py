# Indexes for the admin overview (issue 19): the latest decisions and the approved certificates.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0010_people_count_and_search_indexes'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='organization',
            index=models.Index(condition=models.Q(('status', 'approved')), fields=['certificate_expires_on'], name='org_approved_certificates'),
        ),
        migrations.AddIndex(
            model_name='statuschange',
            index=models.Index(condition=models.Q(('to_status__in', ['', 'pending']), _negated=True), fields=['-at', '-id'], name='org_change_decisions'),
        ),
    ]
