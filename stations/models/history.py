"""Every change to a station, who made it and what changed; and idempotent batch requests."""

from django.conf import settings
from django.db import models


class StationChange(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", "创建 / Created"
        UPDATE = "update", "修改 / Updated"
        REMOVE = "remove", "删除 / Removed"
        REVERT = "revert", "恢复 / Reverted"
        IMPORT = "import", "导入 / Imported"

    station = models.ForeignKey("stations.Station", on_delete=models.CASCADE, related_name="changes")
    # The station's version after this change.
    version = models.PositiveIntegerField()
    action = models.CharField(max_length=10, choices=Action.choices)
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Kept as text too, so history still says who after an account is deleted.
    changed_by_name = models.CharField(max_length=150, blank=True)
    organisation_name = models.CharField(max_length=100, blank=True)
    via = models.CharField(max_length=20, blank=True)  # api, batch, import, admin
    # {field: [old, new]} in public terms (amenity codes, not masks); a creation has old = null.
    diff = models.JSONField(default=dict)
    # The public fields right after the change, so any change can be returned to.
    snapshot = models.JSONField(default=dict)
    reverted_change = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        indexes = [
            # a station's history, newest first
            models.Index(fields=["station", "-id"], name="change_station_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} #{self.station_id} v{self.version} by {self.changed_by_name or '?'}"


class BatchRequest(models.Model):
    """A batch that carried an Idempotency-Key: a retry with the same key and body gets the
    stored answer instead of applying the batch again."""

    account = models.ForeignKey("stations.Account", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    body_sha256 = models.CharField(max_length=64)
    response = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "key"], name="batch_account_key_uniq")]

    def __str__(self) -> str:
        return f"batch {self.key} ({self.account})"
