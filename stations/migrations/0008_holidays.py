from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("stations", "0007_reports"),
    ]

    operations = [
        migrations.CreateModel(
            name="HolidayDay",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("date", models.DateField(unique=True)),
                ("kind", models.CharField(choices=[("holiday", "放假 / Public holiday"), ("workday", "调休上班 / Make-up working day")], max_length=8)),
                ("name", models.CharField(blank=True, max_length=64)),
                ("year", models.IntegerField(db_index=True)),
            ],
            options={"ordering": ["date"]},
        ),
    ]
