"""Contract financing, moved out of ``contracts`` (issue #11) without moving its data.

The three tables were created by ``contracts`` (0001, 0003, 0004) and stay as they are:
every model here names its old table (``db_table``) and every constraint keeps its
``contracts_*`` name, so this migration only tells Django's state that the models now
belong to ``financing`` — ``contracts/0005_financing_moves_out`` removed them from the
state of ``contracts`` — and ``sqlmigrate financing 0001`` prints no SQL for them.

What does change in the database is the content types: the audit trail's old events,
status changes, deadlines and permissions point at the ``contracts`` content type rows
of these models by id. Those rows are re-labelled ``financing`` (same ids), so every old
reference resolves to the moved model, and the audit trail's hash chain — which covers
the id, not the label — stays whole.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ("financingoffer", "financingapplication", "repayment")


def _relabel(apps, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if ContentType.objects.filter(app_label=new, model=model).exists():
            # Only post_migrate creates content types, from a state that already had
            # the model under ``new``: nothing to re-label (never both, in practice).
            continue
        ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def content_types_follow(apps, schema_editor):
    _relabel(apps, "contracts", "financing")


def content_types_return(apps, schema_editor):
    _relabel(apps, "financing", "contracts")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('contracts', '0005_financing_moves_out'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables, their indexes and constraints exist already (see above).
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='FinancingOffer',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=200, verbose_name='product')),
                        ('rate', models.CharField(max_length=60, verbose_name='annual rate')),
                        ('max_percent', models.DecimalField(decimal_places=2, max_digits=5, verbose_name='up to (per cent of the contract)')),
                        ('term_months', models.PositiveSmallIntegerField(verbose_name='term (months)')),
                        ('description', models.TextField(blank=True, verbose_name='conditions')),
                        ('is_active', models.BooleanField(default=True, verbose_name='offered')),
                        ('bank', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='financing_offers', to='accounts.organization')),
                    ],
                    options={
                        'verbose_name': 'financing offer',
                        'verbose_name_plural': 'financing offers',
                        'db_table': 'contracts_financingoffer',
                        'ordering': ['bank__name', 'name'],
                    },
                ),
                migrations.CreateModel(
                    name='FinancingApplication',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('amount', models.DecimalField(decimal_places=2, max_digits=16, verbose_name='amount asked (yuan)')),
                        ('consent_at', models.DateTimeField(verbose_name='consent given at')),
                        ('status', models.CharField(choices=[('applied', 'Applied: the bank is reviewing'), ('approved', 'Approved'), ('refused', 'Refused'), ('disbursed', 'Disbursed'), ('repaid', 'Repaid')], default='applied', max_length=10, verbose_name='status')),
                        ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided at')),
                        ('decision_reason', models.TextField(blank=True, verbose_name='reason')),
                        ('approved_amount', models.DecimalField(blank=True, decimal_places=2, max_digits=16, null=True, verbose_name='approved amount (yuan)')),
                        ('rate', models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True, verbose_name='annual rate (%)')),
                        ('collection_account', models.CharField(blank=True, max_length=40, verbose_name='collection account agreed with the bank')),
                        ('collection_bank', models.CharField(blank=True, max_length=200, verbose_name='bank of the collection account')),
                        ('disbursed_at', models.DateTimeField(blank=True, null=True, verbose_name='disbursed at')),
                        ('disbursed_amount', models.DecimalField(blank=True, decimal_places=2, max_digits=16, null=True, verbose_name='disbursed (yuan)')),
                        ('rating', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='rating (1–5)')),
                        ('rating_comment', models.TextField(blank=True, verbose_name='comment')),
                        ('rated_at', models.DateTimeField(blank=True, null=True, verbose_name='rated at')),
                        ('created_at', models.DateTimeField(verbose_name='applied at')),
                        ('bank', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='financing_received', to='accounts.organization')),
                        ('consent_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('contract', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='financing_applications', to='contracts.contract')),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('supplier', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='financing_applications', to='accounts.organization')),
                        ('offer', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='applications', to='financing.financingoffer')),
                    ],
                    options={
                        'verbose_name': 'financing application',
                        'verbose_name_plural': 'financing applications',
                        'db_table': 'contracts_financingapplication',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='Repayment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('due_date', models.DateField(verbose_name='due')),
                        ('amount', models.DecimalField(decimal_places=2, max_digits=16, verbose_name='amount (yuan)')),
                        ('paid_at', models.DateTimeField(blank=True, null=True, verbose_name='repaid at')),
                        ('application', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='repayments', to='financing.financingapplication')),
                        ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by')),
                    ],
                    options={
                        'verbose_name': 'repayment',
                        'verbose_name_plural': 'repayments',
                        'db_table': 'contracts_repayment',
                        'ordering': ['due_date', 'id'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='financingapplication',
                    constraint=models.UniqueConstraint(condition=models.Q(('status__in', ['applied', 'approved', 'disbursed'])), fields=('contract',), name='contracts_one_live_financing'),
                ),
                migrations.AddConstraint(
                    model_name='financingapplication',
                    constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='contracts_financing_amount_positive'),
                ),
                migrations.AddConstraint(
                    model_name='financingapplication',
                    constraint=models.CheckConstraint(condition=models.Q(('rating__isnull', True), models.Q(('rating__gte', 1), ('rating__lte', 5)), _connector='OR'), name='contracts_financing_rating_range'),
                ),
                migrations.AddConstraint(
                    model_name='financingapplication',
                    constraint=models.CheckConstraint(condition=models.Q(('status', 'applied'), models.Q(('decided_at__isnull', False), ('decided_by__isnull', False)), _connector='OR'), name='contracts_financing_decided'),
                ),
                migrations.AddConstraint(
                    model_name='financingapplication',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('status__in', ['approved', 'disbursed', 'repaid']), _negated=True), models.Q(('approved_amount__isnull', False), ('approved_amount__lte', models.F('amount')), ('rate__isnull', False), models.Q(('collection_account', ''), _negated=True)), _connector='OR'), name='contracts_financing_approval_whole'),
                ),
                migrations.AddConstraint(
                    model_name='financingapplication',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'refused'), _negated=True), models.Q(('decision_reason', ''), _negated=True), _connector='OR'), name='contracts_financing_refusal_reason'),
                ),
                migrations.AddConstraint(
                    model_name='financingapplication',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('status__in', ['disbursed', 'repaid']), _negated=True), models.Q(('disbursed_at__isnull', False), ('disbursed_amount__isnull', False), ('disbursed_amount__lte', models.F('approved_amount'))), _connector='OR'), name='contracts_financing_disbursement_whole'),
                ),
                migrations.AddConstraint(
                    model_name='repayment',
                    constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='contracts_repayment_positive'),
                ),
                migrations.AddConstraint(
                    model_name='repayment',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('paid_at__isnull', True), ('recorded_by__isnull', True)), models.Q(('paid_at__isnull', False), ('recorded_by__isnull', False)), _connector='OR'), name='contracts_repayment_recorded_by'),
                ),
            ],
        ),
        migrations.RunPython(content_types_follow, content_types_return, elidable=False),
    ]
