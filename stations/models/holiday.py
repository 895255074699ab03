"""The mainland public-holiday calendar's updates (the State Council's yearly notice)."""

from django.db import models


class HolidayDay(models.Model):
    """One day of a year loaded with ``manage.py load_holidays``: a public holiday (放假) or a
    make-up working day (调休上班). For a loaded year these rows replace the packaged calendar
    (chinese-calendar) entirely; other years keep the packaged one."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "放假 / Public holiday"
        WORKDAY = "workday", "调休上班 / Make-up working day"

    date = models.DateField(unique=True)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    name = models.CharField(max_length=64, blank=True)
    year = models.IntegerField(db_index=True)  # the notice's year: one load replaces one year

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.kind} {self.name}"
