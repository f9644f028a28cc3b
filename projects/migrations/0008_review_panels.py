"""Review by panels (issue 16): panels with members and assigned proposals, evaluator profiles, conflict
declarations, 기피 requests, objections, locked reviews; weights and scales on the criteria; the deciders' rights."""

import django.db.models.deletion
from django.contrib.auth.management import create_permissions
import django.utils.timezone
import portal.files
from django.conf import settings
from django.db import migrations, models


# The standard criteria's weights (projects.models.Criterion.DEFAULT_WEIGHTS, as of this migration).
DEFAULT_WEIGHTS = {"feasibility": 30, "ai-impact": 25, "spread": 20, "cooperation": 15, "budget": 10}
DECIDERS = "Project deciders"
DECIDER_RIGHTS = [
    "add_panel", "change_panel", "view_panel",
    "add_panelmember", "change_panelmember", "delete_panelmember", "view_panelmember",
    "add_panelproposal", "change_panelproposal", "delete_panelproposal", "view_panelproposal",
    "add_reviewerprofile", "change_reviewerprofile", "view_reviewerprofile",
    "add_formeremployer", "change_formeremployer", "delete_formeremployer", "view_formeremployer",
    "change_challengerequest", "view_challengerequest", "change_objection", "view_objection",
    "view_conflictdeclaration", "view_reviewreopening",
]


def weigh_existing_criteria(apps, schema_editor):
    """The standard criteria get their weights; a call with criteria of its own gets 100 shared out evenly (the
    first ones take the remainder), so every call's weights sum to 100."""
    Criterion = apps.get_model("projects", "Criterion")
    calls = {}
    for criterion in Criterion.objects.order_by("call_id", "sort_order", "pk"):
        calls.setdefault(criterion.call_id, []).append(criterion)
    for criteria in calls.values():
        if {c.code for c in criteria} == set(DEFAULT_WEIGHTS) and len(criteria) == len(DEFAULT_WEIGHTS):
            weights = [DEFAULT_WEIGHTS[c.code] for c in criteria]
        else:
            share, rest = divmod(100, len(criteria))
            weights = [share + (1 if i < rest else 0) for i in range(len(criteria))]
        for criterion, weight in zip(criteria, weights, strict=True):
            criterion.weight = weight
            criterion.save(update_fields=["weight"])


def grant_deciders(apps, schema_editor):
    app_config = apps.get_app_config("projects")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=DECIDERS)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="projects", codename__in=DECIDER_RIGHTS))


def revoke_deciders(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=DECIDERS).first()
    if group is not None:
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="projects",
                                                            codename__in=DECIDER_RIGHTS))


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0009_organization_search_indexes'),
        ('projects', '0007_messages'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ChallengeRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('person_name', models.CharField(max_length=100, verbose_name="evaluator's name")),
                ('person_affiliation', models.CharField(blank=True, max_length=200, verbose_name="evaluator's affiliation")),
                ('reason', models.TextField(max_length=2000, verbose_name='reason')),
                ('filed_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='filed at')),
                ('status', models.CharField(choices=[('pending', 'Waiting for a decision'), ('upheld', 'Upheld'), ('dismissed', 'Dismissed')], default='pending', max_length=10, verbose_name='status')),
                ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided at')),
                ('note', models.TextField(blank=True, verbose_name='note')),
            ],
            options={
                'verbose_name': 'request to exclude an evaluator (기피)',
                'verbose_name_plural': 'requests to exclude an evaluator (기피)',
                'ordering': ['filed_at', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='ConflictDeclaration',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('ground', models.CharField(choices=[('none', 'No conflict of interest'), ('own_organisation', 'Own organisation in the consortium'), ('former_employer', 'Former employer in the consortium within 3 years'), ('relative', 'A relative works for a consortium member'), ('joint_research', 'Joint research with a consortium member in the last 3 years'), ('competing', 'Involved in a competing proposal'), ('teacher_student', 'Teacher and student'), ('other', 'Other')], max_length=20, verbose_name='ground')),
                ('reason', models.TextField(blank=True, max_length=2000, verbose_name='reason')),
                ('declared_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='declared at')),
            ],
            options={
                'verbose_name': 'conflict of interest declaration',
                'verbose_name_plural': 'conflict of interest declarations',
                'ordering': ['declared_at', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='FormerEmployer',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200, verbose_name='employer')),
                ('from_year', models.PositiveSmallIntegerField(verbose_name='from (year)')),
                ('until_year', models.PositiveSmallIntegerField(verbose_name='until (year)')),
            ],
            options={
                'verbose_name': 'former employer',
                'verbose_name_plural': 'former employers',
                'ordering': ['-until_year', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='Objection',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reason', models.TextField(max_length=5000, verbose_name='reason')),
                ('document', models.FileField(help_text='PDF, HWP or HWPX, at most 20 MB.', upload_to=portal.files.PrivateUploadTo('objections'), verbose_name='supporting document')),
                ('document_name', models.CharField(blank=True, max_length=200, verbose_name='original file name')),
                ('filed_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='filed at')),
                ('status', models.CharField(choices=[('pending', 'Waiting for a decision'), ('upheld', 'Upheld'), ('dismissed', 'Dismissed')], default='pending', max_length=10, verbose_name='status')),
                ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided at')),
                ('note', models.TextField(blank=True, verbose_name='note')),
            ],
            options={
                'verbose_name': 'objection (이의신청)',
                'verbose_name_plural': 'objections (이의신청)',
                'ordering': ['filed_at', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='Panel',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('round_name', models.CharField(blank=True, help_text='For example 1차 서면평가.', max_length=100, verbose_name='round')),
                ('starts_at', models.DateTimeField(help_text='Applicants may ask to exclude an evaluator (기피) until then.', verbose_name='evaluation starts')),
                ('deadline', models.DateTimeField(verbose_name='scoring deadline')),
                ('status', models.CharField(choices=[('open', 'Scoring open'), ('closed', 'Scoring closed')], default='open', max_length=10, verbose_name='status')),
                ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='scoring closed at')),
                ('chair_notified_at', models.DateTimeField(blank=True, null=True, verbose_name='chair told all scores are in')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
            ],
            options={
                'verbose_name': 'review panel',
                'verbose_name_plural': 'review panels',
                'ordering': ['-starts_at', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='PanelMember',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('is_chair', models.BooleanField(default=False, verbose_name='chair')),
                ('added_at', models.DateTimeField(auto_now_add=True, verbose_name='added at')),
                ('reminded_at', models.DateTimeField(blank=True, null=True, verbose_name='reminded at')),
            ],
            options={
                'verbose_name': 'panel member',
                'verbose_name_plural': 'panel members',
                'ordering': ['-is_chair', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='PanelProposal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
            ],
            options={
                'verbose_name': 'assigned proposal',
                'verbose_name_plural': 'assigned proposals',
                'ordering': ['pk'],
            },
        ),
        migrations.CreateModel(
            name='ReviewerProfile',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, verbose_name='name')),
                ('affiliation', models.CharField(max_length=200, verbose_name='affiliation')),
                ('field', models.CharField(blank=True, max_length=200, verbose_name='field of expertise')),
            ],
            options={
                'verbose_name': 'evaluator profile',
                'verbose_name_plural': 'evaluator profiles',
                'ordering': ['name', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='ReviewReopening',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reason', models.TextField(max_length=2000, verbose_name='reason')),
                ('scores_before', models.JSONField(default=dict, verbose_name='scores before')),
                ('comment_before', models.TextField(blank=True, verbose_name='comment before')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='at')),
            ],
            options={
                'verbose_name': 'reopened review',
                'verbose_name_plural': 'reopened reviews',
                'ordering': ['at', 'pk'],
            },
        ),
        migrations.RemoveConstraint(
            model_name='reviewscore',
            name='score_between_1_and_5',
        ),
        migrations.AddField(
            model_name='call',
            name='disclose_evaluators',
            field=models.BooleanField(default=True, help_text='After the decision, as the national R&D rules have required since 2024.', verbose_name="show applicants the evaluators' names and affiliations"),
        ),
        migrations.AddField(
            model_name='call',
            name='disclose_rank_band',
            field=models.BooleanField(default=False, help_text="After the decision: top 10%, top 25%, top 50% or lower half of the call's scored proposals.", verbose_name='show applicants their rank band'),
        ),
        migrations.AddField(
            model_name='call',
            name='drop_extremes',
            field=models.BooleanField(default=True, help_text='Applies when five or more reviewers have scored a proposal.', verbose_name='drop the highest and lowest reviewer totals'),
        ),
        migrations.AddField(
            model_name='call',
            name='objection_days',
            field=models.PositiveSmallIntegerField(default=7, verbose_name='objection period (days after the decision)'),
        ),
        migrations.AddField(
            model_name='criterion',
            name='scale',
            field=models.PositiveSmallIntegerField(default=5, help_text='Scores go from 1 to this number (at most 10).', verbose_name='scale'),
        ),
        migrations.AddField(
            model_name='criterion',
            name='weight',
            field=models.PositiveSmallIntegerField(default=0, help_text="Points out of 100; a call's weights sum to 100.", verbose_name='weight'),
        ),
        migrations.AddField(
            model_name='review',
            name='submitted_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='submitted at'),
        ),
        migrations.AddConstraint(
            model_name='call',
            constraint=models.CheckConstraint(condition=models.Q(('objection_days__gte', 1), ('objection_days__lte', 90)), name='call_objection_days_positive', violation_error_message='The objection period is from 1 to 90 days.'),
        ),
        migrations.AddConstraint(
            model_name='criterion',
            constraint=models.CheckConstraint(condition=models.Q(('weight__lte', 100)), name='criterion_weight_within_100', violation_error_message='A weight is at most 100.'),
        ),
        migrations.AddConstraint(
            model_name='criterion',
            constraint=models.CheckConstraint(condition=models.Q(('scale__gte', 2), ('scale__lte', 10)), name='criterion_scale_2_to_10', violation_error_message='The scale goes from 2 to 10.'),
        ),
        migrations.AddConstraint(
            model_name='reviewscore',
            constraint=models.CheckConstraint(condition=models.Q(('score__gte', 1), ('score__lte', 10)), name='score_between_1_and_10', violation_error_message='Scores go from 1 to 10.'),
        ),
        migrations.AddField(
            model_name='challengerequest',
            name='decided_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by'),
        ),
        migrations.AddField(
            model_name='challengerequest',
            name='evaluator',
            field=models.ForeignKey(blank=True, help_text='Staff pick the panel member the lead means, if any, before upholding.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='matching panel member'),
        ),
        migrations.AddField(
            model_name='challengerequest',
            name='filed_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='filed by'),
        ),
        migrations.AddField(
            model_name='challengerequest',
            name='proposal',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='challenges', to='projects.proposal', verbose_name='proposal'),
        ),
        migrations.AddField(
            model_name='conflictdeclaration',
            name='proposal',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='conflict_declarations', to='projects.proposal', verbose_name='proposal'),
        ),
        migrations.AddField(
            model_name='conflictdeclaration',
            name='reviewer',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='evaluator'),
        ),
        migrations.AddField(
            model_name='formeremployer',
            name='organization',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='members.organization', verbose_name='employer as a member of the alliance'),
        ),
        migrations.AddField(
            model_name='objection',
            name='decided_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by'),
        ),
        migrations.AddField(
            model_name='objection',
            name='filed_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='filed by'),
        ),
        migrations.AddField(
            model_name='objection',
            name='proposal',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='objections', to='projects.proposal', verbose_name='proposal'),
        ),
        migrations.AddField(
            model_name='panel',
            name='call',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='panels', to='projects.call', verbose_name='call'),
        ),
        migrations.AddField(
            model_name='panelmember',
            name='panel',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='members', to='projects.panel', verbose_name='panel'),
        ),
        migrations.AddField(
            model_name='panelmember',
            name='user',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='panel_seats', to=settings.AUTH_USER_MODEL, verbose_name='evaluator'),
        ),
        migrations.AddField(
            model_name='panelproposal',
            name='panel',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='assignments', to='projects.panel', verbose_name='panel'),
        ),
        migrations.AddField(
            model_name='panelproposal',
            name='proposal',
            field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='panel_assignment', to='projects.proposal', verbose_name='proposal'),
        ),
        migrations.AddField(
            model_name='reviewerprofile',
            name='affiliation_organization',
            field=models.ForeignKey(blank=True, help_text="When the evaluator's own organisation is a member: proposals it takes part in are excluded.", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='members.organization', verbose_name='affiliation as a member of the alliance'),
        ),
        migrations.AddField(
            model_name='reviewerprofile',
            name='user',
            field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='reviewer_profile', to=settings.AUTH_USER_MODEL, verbose_name='user'),
        ),
        migrations.AddField(
            model_name='formeremployer',
            name='profile',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='former_employers', to='projects.reviewerprofile', verbose_name='evaluator'),
        ),
        migrations.AddField(
            model_name='reviewreopening',
            name='by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by'),
        ),
        migrations.AddField(
            model_name='reviewreopening',
            name='review',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reopenings', to='projects.review', verbose_name='review'),
        ),
        migrations.AddConstraint(
            model_name='conflictdeclaration',
            constraint=models.UniqueConstraint(fields=('proposal', 'reviewer'), name='conflict_declared_once', violation_error_message='You have already declared for this proposal.'),
        ),
        migrations.AddConstraint(
            model_name='conflictdeclaration',
            constraint=models.CheckConstraint(condition=models.Q(('ground', 'none'), models.Q(('reason', ''), _negated=True), _connector='OR'), name='conflict_has_reason', violation_error_message='Give the reason for the conflict of interest.'),
        ),
        migrations.AddConstraint(
            model_name='objection',
            constraint=models.UniqueConstraint(fields=('proposal',), name='objection_once_per_proposal', violation_error_message='An objection to this result has already been filed.'),
        ),
        migrations.AddConstraint(
            model_name='panel',
            constraint=models.CheckConstraint(condition=models.Q(('deadline__gt', models.F('starts_at'))), name='panel_deadline_after_start', violation_error_message='The scoring deadline must be after the evaluation starts.'),
        ),
        migrations.AddConstraint(
            model_name='panelmember',
            constraint=models.UniqueConstraint(fields=('panel', 'user'), name='panel_member_once', violation_error_message='This evaluator already sits on the panel.'),
        ),
        migrations.AddConstraint(
            model_name='panelmember',
            constraint=models.UniqueConstraint(condition=models.Q(('is_chair', True)), fields=('panel',), name='panel_one_chair', violation_error_message='A panel has one chair.'),
        ),
        migrations.AddConstraint(
            model_name='formeremployer',
            constraint=models.CheckConstraint(condition=models.Q(('until_year__gte', models.F('from_year'))), name='former_employer_years_in_order', violation_error_message='The employment cannot end before it starts.'),
        ),
        migrations.RunPython(weigh_existing_criteria, migrations.RunPython.noop),
        migrations.RunPython(grant_deciders, revoke_deciders),
    ]
