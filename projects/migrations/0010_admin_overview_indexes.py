# Indexes for the admin overview (issue 19): the latest decisions and the approved certificates.

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0009_average_score_and_search_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='statuschange',
            index=models.Index(condition=models.Q(('to_status__in', ['selected', 'rejected'])), fields=['-at', '-id'], name='proposal_change_decisions'),
        ),
    ]
