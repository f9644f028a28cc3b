"""The conversation between staff and a consortium (Message), the proposal's "waiting for an answer" column, and
the staff groups' rights to it: both project groups read the threads; deciders, who ask for changes, write to
applicants. Reviewers read but do not write: they score independently of the applicants."""

import django.core.validators
import django.db.models.deletion
import django.db.models.functions.text
import django.db.models.lookups
import django.utils.timezone
import portal.files
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

REVIEWERS = "Project reviewers"
DECIDERS = "Project deciders"
GROUPS = {REVIEWERS: ["view_message"], DECIDERS: ["view_message", "message_applicants"]}


def grant(apps, schema_editor):
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


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=list(GROUPS)):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="projects",
                                                            codename__in=GROUPS[group.name]))


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0009_organization_search_indexes'),
        ('projects', '0006_submissions'),
        ('projects', '0002_seed_ai_areas_and_groups'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Message',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('side', models.CharField(choices=[('staff', 'Alliance staff'), ('applicant', 'Applicant')], max_length=10, verbose_name='written by')),
                ('body', models.TextField(max_length=5000, validators=[django.core.validators.MaxLengthValidator(5000)], verbose_name='message')),
                ('attachment', models.FileField(blank=True, help_text='PDF, HWP or HWPX, at most 20 MB.', upload_to=portal.files.PrivateUploadTo('proposal-messages'), verbose_name='attachment')),
                ('attachment_name', models.CharField(blank=True, max_length=200, verbose_name='original file name')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='sent at')),
            ],
            options={
                'verbose_name': 'message',
                'verbose_name_plural': 'messages',
                'ordering': ['created_at', 'pk'],
                'permissions': [('message_applicants', "Can write to applicants in proposals' conversations")],
            },
        ),
        migrations.AddField(
            model_name='proposal',
            name='awaiting_reply_since',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='message waiting for an answer since'),
        ),
        migrations.AddIndex(
            model_name='proposal',
            index=models.Index(condition=models.Q(('awaiting_reply_since__isnull', False)), fields=['awaiting_reply_since'], name='proposal_awaiting_reply'),
        ),
        migrations.AddField(
            model_name='message',
            name='author',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='author'),
        ),
        migrations.AddField(
            model_name='message',
            name='partner',
            field=models.ForeignKey(blank=True, help_text="Set for a partner's messages and for staff's messages to that partner.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='members.organization', verbose_name='about the part of'),
        ),
        migrations.AddField(
            model_name='message',
            name='proposal',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='messages', to='projects.proposal', verbose_name='proposal'),
        ),
        migrations.AddIndex(
            model_name='message',
            index=models.Index(fields=['proposal', 'created_at'], name='message_thread_order'),
        ),
        migrations.AddConstraint(
            model_name='message',
            constraint=models.CheckConstraint(condition=models.Q(('body', ''), _negated=True), name='message_has_a_body', violation_error_message='Write a message.'),
        ),
        migrations.AddConstraint(
            model_name='message',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('body'), 5000), name='message_body_within_limit', violation_error_message='A message has at most 5,000 characters.'),
        ),
        migrations.AddConstraint(
            model_name='message',
            constraint=models.CheckConstraint(condition=models.Q(('side__in', ['staff', 'applicant'])), name='message_side_known', violation_error_message='A message is written by staff or by the applicant.'),
        ),
        migrations.AddConstraint(
            model_name='message',
            constraint=models.CheckConstraint(condition=models.Q(('attachment', ''), models.Q(('attachment_name', ''), _negated=True), _connector='OR'), name='message_attachment_named', violation_error_message='An attachment keeps its original name.'),
        ),
        migrations.RunPython(grant, revoke),
    ]
