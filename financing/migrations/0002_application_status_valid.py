"""An application's status holds only the values of its table (``steps.APPLICATION``),
as every status column does: the database refuses anything else, whoever writes."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('financing', '0001_initial'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='financingapplication',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['applied', 'approved', 'refused', 'disbursed', 'repaid'])), name='financing_application_status_valid'),
        ),
    ]
