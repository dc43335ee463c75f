# The challenges part: a filing's idempotency key, so that a double submit (a
# double-click, a client's retry) returns the first challenge instead of a second.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_initial"),
        ("complaints", "0003_credit_spotcheckdraw"),
    ]

    operations = [
        migrations.AddField(
            model_name="challenge",
            name="idempotency_key",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AddConstraint(
            model_name="challenge",
            constraint=models.UniqueConstraint(
                condition=models.Q(("idempotency_key", ""), _negated=True),
                fields=("supplier", "idempotency_key"),
                name="complaints_challenge_idempotency"),
        ),
    ]
