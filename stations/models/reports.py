"""Riders' anonymous keys, and what they report: on a station (confirmed, closed, ...) or a
station missing from the map (a suggestion). stations.reports holds the rules."""

import secrets

from django.conf import settings
from django.db import models

from geodata.index import morton_key
from stations import vocabulary as vocab
from stations.models.organisation import hash_token


class RiderKey(models.Model):
    """An anonymous rider: a random token, of which only the SHA-256 is stored. No personal data."""

    PREFIX = "yr_"

    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"rider {self.pk}"

    @classmethod
    def issue(cls) -> tuple["RiderKey", str]:
        token = cls.PREFIX + secrets.token_urlsafe(32)
        return cls.objects.create(key_hash=hash_token(token)), token


class Report(models.Model):
    """One rider's report. ``type`` is a vocab.REPORT_TYPES code, or "suggestion" (a station
    that is not on the map: ``station`` is null and name/kind/point describe it).

    ``lon``/``lat`` (WGS-84) is where the report is routed: the station's point when it was
    reported, or the suggested station's. Jurisdiction (the inbox, every manager's verb) is
    decided on it, so a report stays with the union it reached.
    """

    SUGGESTION = "suggestion"
    Type = models.TextChoices("Type", vocab.choice_members((*vocab.REPORT_TYPES, vocab.Term(SUGGESTION, "新站点建议", "A station missing from the map"))))

    class Status(models.TextChoices):
        OPEN = "open", "待处理 / Open"
        ACKNOWLEDGED = "acknowledged", "已受理 / Acknowledged"
        RESOLVED = "resolved", "已处理 / Resolved"

    class Resolution(models.TextChoices):
        FIXED = "fixed", "已修正 / Fixed"
        NO_PROBLEM_FOUND = "no_problem_found", "未发现问题 / No problem found"
        DUPLICATE = "duplicate", "重复 / Duplicate"
        REJECTED = "rejected", "不予采纳 / Rejected"
        APPROVED = "approved", "已采纳 / Approved (a suggestion became a station)"
        CONFIRMED = "confirmed", "骑手确认 / A rider's confirmation (nothing to do)"

    rider = models.ForeignKey(RiderKey, on_delete=models.CASCADE, related_name="reports")
    station = models.ForeignKey("stations.Station", null=True, blank=True, on_delete=models.CASCADE, related_name="reports")
    type = models.CharField(max_length=20, choices=Type.choices)
    # "closed", "amenity_missing:drinking_water", ...: what two riders must agree on to raise an
    # alert on the station (empty: this report raises none).
    alert = models.CharField(max_length=64, blank=True)
    amenity = models.CharField(max_length=32, blank=True)
    comment = models.TextField(blank=True)
    suggested_hours = models.CharField(max_length=255, blank=True)
    suggested_lon = models.FloatField(null=True, blank=True)
    suggested_lat = models.FloatField(null=True, blank=True)
    # Suggestions: the station that is missing.
    name = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=20, blank=True)
    amenity_mask = models.BigIntegerField(default=0)
    photo_name = models.CharField(max_length=255, blank=True)  # sanitised WebP in Django's storage

    lon = models.FloatField()
    lat = models.FloatField()
    zkey = models.BigIntegerField(editable=False)

    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    resolution = models.CharField(max_length=20, choices=Resolution.choices, blank=True)
    note = models.TextField(blank=True)  # the union's answer, shown to the rider
    created_at = models.DateTimeField()
    # A repeat of the same report by the same rider within a day updates it: this moves.
    seen_at = models.DateTimeField()
    due_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # What resolved it: the station's history entry (a fix) or the station a suggestion became.
    change = models.ForeignKey("stations.StationChange", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports")
    created_station = models.ForeignKey("stations.Station", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    overdue_notified_at = models.DateTimeField(null=True, blank=True)  # the "overdue" webhook went out

    class Meta:
        indexes = [
            # the managers' inbox: by status, oldest due first, narrowed by the spatial key.
            models.Index(fields=["status", "due_at", "id"], name="report_status_due_idx"),
            models.Index(fields=["zkey"], name="report_zkey_idx"),
            # dedupe and the alert rule (a station's recent reports), and the inbox's "other
            # riders' reports" (a station's unresolved ones, latest first).
            models.Index(fields=["station", "status", "seen_at"], name="report_station_status_idx"),
            # a rider's own list.
            models.Index(fields=["rider", "id"], name="report_rider_idx"),
        ]

    def __str__(self) -> str:
        where = f"station {self.station_id}" if self.station_id else self.name
        return f"report {self.pk}: {self.type} ({where}, {self.status})"

    def save(self, *args, **kwargs) -> None:
        self.zkey = morton_key(self.lon, self.lat)
        super().save(*args, **kwargs)


class Webhook(models.Model):
    """Where an organisation wants its reports POSTed (set in the admin): JSON signed with
    HMAC-SHA256 of the body under ``secret`` (header X-Yizhan-Signature: sha256=<hex>)."""

    organisation = models.OneToOneField("stations.Organisation", on_delete=models.CASCADE, related_name="webhook")
    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=200)
    active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"webhook of {self.organisation.name}: {self.url}"


class WebhookDelivery(models.Model):
    """The outbox: one event for one webhook, retried with back-off until delivered or given up."""

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=32)  # report.created, report.overdue, report.resolved
    report = models.ForeignKey(Report, null=True, on_delete=models.SET_NULL, related_name="+")
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)  # gave up after the last attempt
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [
            # deliver_webhooks: what is due now.
            models.Index(fields=["delivered_at", "failed_at", "next_attempt_at"], name="delivery_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event} #{self.pk} to {self.webhook.url}"
