"""Photos of a station (entrance, facilities), stored through Django's storage API."""

from django.conf import settings
from django.db import models


class StationPhoto(models.Model):
    station = models.ForeignKey("stations.Station", on_delete=models.CASCADE, related_name="photos")
    # Storage names (MEDIA_ROOT by default, S3-compatible storage if configured).
    full_name = models.CharField(max_length=255)
    thumb_name = models.CharField(max_length=255)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    position = models.PositiveIntegerField(default=0)  # display order, 0 first
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["station", "position"], name="photo_station_idx")]

    def __str__(self) -> str:
        return f"photo {self.pk} of station {self.station_id}"
