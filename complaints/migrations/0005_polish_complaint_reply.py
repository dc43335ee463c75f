# The polish part: the respondent's written reply to an accepted complaint (94号令 第22条).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('complaints', '0004_challenges_idempotency'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='complaint',
            name='replied_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='replied at'),
        ),
        migrations.AddField(
            model_name='complaint',
            name='replied_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='complaint',
            name='reply_organization',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.organization', verbose_name='replied for'),
        ),
        migrations.AddField(
            model_name='complaint',
            name='reply_text',
            field=models.TextField(blank=True, verbose_name="the respondent's reply"),
        ),
    ]
