"""Issue #11: every status field moves through ``core.transitions``, and the ledger
reads what moves instead of copying it.

- ``Invoice.status`` (received → partly paid → paid, ``contracts.steps.INVOICE``), set
  for the invoices already there from what was paid against them: an invoice of a
  contract paid in full is owed nothing more.
- ``LedgerRow`` keeps the award as it was made; the contract's number, amount, dates,
  status, the paid total and the overdue clocks it used to copy (and leave stale when a
  clock became overdue) are read live by ``selectors.ledger_of``.
"""

from django.db import migrations, models
from django.db.models import F, Q


def invoice_statuses(apps, schema_editor):
    Invoice = apps.get_model("contracts", "Invoice")
    Invoice.objects.filter(Q(paid_total__gte=F("amount")) | Q(contract__status="paid")).update(
        status="paid")
    Invoice.objects.filter(status="received", paid_total__gt=0).update(status="partly_paid")


class Migration(migrations.Migration):

    dependencies = [
        ("contracts", "0005_financing_moves_out"),
    ]

    operations = [
        migrations.AddField(
            model_name="invoice",
            name="status",
            field=models.CharField(
                choices=[("received", "Received, awaiting payment"),
                         ("partly_paid", "Partly paid"), ("paid", "Paid")],
                default="received", max_length=12, verbose_name="status"),
        ),
        migrations.RunPython(invoice_statuses, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="invoice",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", ["received", "partly_paid", "paid"])),
                name="contracts_invoice_status_valid"),
        ),
        *[migrations.RemoveField(model_name="ledgerrow", name=name) for name in (
            "contract_number", "contract_amount", "signed_at", "published_at", "filed_at",
            "accepted_at", "paid_total", "status", "overdue_clocks", "updated_at")],
    ]
