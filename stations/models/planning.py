"""The planners' data: named demand datasets (weighted points where gig workers need a rest
place) and the coverage runs computed over them."""

import hashlib
import struct

from django.core.validators import MinValueValidator
from django.db import models


def demand_point_bytes(lon: float, lat: float, weight: float, category: str, external_id: str) -> bytes:
    """One point as DemandDataset.points_sha256 hashes it: the exact doubles (-0.0 as 0.0) and
    the two texts, length-prefixed so that no two different points give the same bytes."""
    category_bytes, external_id_bytes = category.encode(), external_id.encode()
    return (
        struct.pack("<dddII", lon + 0.0, lat + 0.0, weight + 0.0, len(category_bytes), len(external_id_bytes))
        + category_bytes
        + external_id_bytes
    )


def new_points_digest():
    """The running SHA-256 of a dataset's points, fed demand_point_bytes in import order."""
    return hashlib.sha256(b"yizhan-demand-points-v1")


class DemandDataset(models.Model):
    """A named set of demand points, e.g. "shenzhen-food-pickups" (order pick-up points)."""

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    # Where the points come from and under which licence (ODbL data must keep its attribution).
    source = models.CharField(max_length=300, blank=True)
    licence = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Bumped by every import that changes the points: a coverage run remembers it, so site
    # suggestions can tell whether the points they would reload are still the ones the run counted.
    updated_at = models.DateTimeField(auto_now=True)
    # The SHA-256 of the points (new_points_digest over demand_point_bytes, in import order): a
    # re-import of the very same points changes nothing, so `make run` twice keeps every run current.
    points_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DemandPoint(models.Model):
    dataset = models.ForeignKey(DemandDataset, on_delete=models.CASCADE, related_name="points", db_index=False)
    lon = models.FloatField()  # WGS-84 degrees
    lat = models.FloatField()
    weight = models.FloatField(default=1.0, validators=[MinValueValidator(0)])  # e.g. orders per day; 1 if unknown
    category = models.CharField(max_length=64, blank=True)
    external_id = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(weight__gte=0), name="demandpoint_weight_gte_0")]
        indexes = [
            # coverage runs: dataset = ? AND lon BETWEEN ? AND ? (the area's bounding box); the
            # trailing columns make the scan read the index alone.
            models.Index(fields=["dataset", "lon", "lat", "weight"], name="demandpoint_dataset_lon_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.dataset_id}:{self.external_id or self.pk} ({self.lon:.5f}, {self.lat:.5f}) ×{self.weight:g}"


class CoverageRun(models.Model):
    """One coverage analysis, stored whole so that its gaps, sites and map are served from the
    database by any app server (they are stateless)."""

    organisation = models.ForeignKey("stations.Organisation", on_delete=models.CASCADE, related_name="coverage_runs")
    account = models.ForeignKey("stations.Account", null=True, on_delete=models.SET_NULL, related_name="coverage_runs")
    created_at = models.DateTimeField(auto_now_add=True)
    parameters = models.JSONField()  # the request as understood: dataset, radius_m, kinds, at, area ...
    summary = models.JSONField()  # {"overall": {...}, "districts": [...]}: the API answer
    gaps = models.JSONField()  # every H3 cell with demand: [{"hex_id", "lon", "lat", ..., "boundary"}]
    # What the map draws: the area and district outlines ({"area": GeoJSON, "districts": [{"name",
    # "geometry"}]}, WGS-84) and the qualifying stations ([[lon, lat, kind], ...]).
    layers = models.JSONField(default=dict)
    stations = models.JSONField(default=list)
    sites = models.JSONField(null=True, blank=True)  # the last POST /sites answer for this run

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # a planner's runs: organisation = ? (GET /coverage/{id} checks it)
            models.Index(fields=["organisation", "created_at"], name="coveragerun_org_created_idx"),
        ]

    def __str__(self) -> str:
        return f"coverage run #{self.pk} ({self.parameters.get('dataset')}, {self.parameters.get('radius_m')} m)"
