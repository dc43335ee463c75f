"""Contract financing moves to its own app (issue #11): FinancingOffer,
FinancingApplication and Repayment now belong to ``financing``.

Only Django's picture of the models changes here: the tables stay where they are
(``financing`` declares the same ``db_table`` names and constraint names in its
``0001_initial``, which depends on this migration), so no row moves and no SQL runs —
``sqlmigrate contracts 0005`` prints none. The content types follow in that migration."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("contracts", "0004_financing_whole"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                # Dependants first: a repayment points at an application, an application
                # at an offer.
                migrations.DeleteModel(name="Repayment"),
                migrations.DeleteModel(name="FinancingApplication"),
                migrations.DeleteModel(name="FinancingOffer"),
            ],
            database_operations=[],
        ),
    ]
