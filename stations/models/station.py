"""The station registry: rest stations, driver homes and charging points."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from geodata.index import morton_key
from stations import vocabulary as vocab
from stations.models.indexes import AnswerCoveringIndex


class Station(models.Model):
    # Codes and labels come from stations.vocabulary (their one home).
    Kind = models.TextChoices("Kind", vocab.choice_members(vocab.KINDS))
    # Every riders' status, and "removed" (the managers' soft delete).
    Status = models.TextChoices("Status", vocab.choice_members((*vocab.STATUSES, vocab.REMOVED)))
    ChargingVehicle = models.TextChoices("ChargingVehicle", vocab.choice_members(vocab.CHARGING_VEHICLES))

    name = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)

    # WGS-84 degrees. zkey is the Morton key of (lon, lat) (geodata.index); the B-tree indexes
    # below search it by key ranges. It is derived: save() and the importer keep it in step.
    lat = models.FloatField(validators=[MinValueValidator(-90), MaxValueValidator(90)])
    lon = models.FloatField(validators=[MinValueValidator(-180), MaxValueValidator(180)])
    zkey = models.BigIntegerField(editable=False)

    address = models.CharField(max_length=300, blank=True)
    city = models.CharField(max_length=64, blank=True)
    city_adcode = models.CharField(max_length=6, blank=True)
    district = models.CharField(max_length=64, blank=True)
    district_adcode = models.CharField(max_length=6, blank=True)

    # Bit masks over stations.vocabulary (AMENITIES, WORKER_TYPES): one integer filters with
    # `mask & wanted = wanted` on any database, without a join.
    amenity_mask = models.BigIntegerField(default=0)
    eligible_workers_mask = models.IntegerField(default=vocab.ALL_WORKERS_MASK)

    # OpenStreetMap opening_hours syntax ("24/7", "Mo-Fr 08:00-20:00"); empty = unknown.
    opening_hours = models.CharField(max_length=255, blank=True)
    phone = models.CharField(max_length=64, blank=True)
    operator = models.CharField(max_length=200, blank=True)

    # Charging points only.
    charging_vehicle = models.CharField(max_length=8, choices=ChargingVehicle.choices, blank=True)
    charging_sockets = models.PositiveIntegerField(null=True, blank=True)
    battery_swap = models.BooleanField(null=True, blank=True)
    max_power_kw = models.FloatField(null=True, blank=True, validators=[MinValueValidator(0)])

    # Provenance: re-importing the same (source, external_id) updates the station.
    source = models.CharField(max_length=100)
    external_id = models.CharField(max_length=100)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    last_verified_at = models.DateTimeField(null=True, blank=True)
    # Riders' signals, kept by stations.reports (never by a rider's write to the record itself):
    # the latest "confirmed" report, and the alerts two riders raised ("reported_closed",
    # "amenity_missing:drinking_water", comma-separated; empty: none). Denormalised so the
    # riders' answers read them in the same row, without a query per station.
    last_confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    alerts = models.CharField(max_length=500, blank=True, default="", db_default="", editable=False)
    # Grows by one on every change; clients send it back to detect concurrent edits.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="station_source_external_id_uniq"),
        ]
        indexes = [
            # nearest / bbox: status = ? AND zkey BETWEEN ? AND ?, paged by (zkey, id). The
            # trailing columns make it covering, so a search reads the index and only the k
            # winners' rows; on SQLite it holds every column of a rider's answer
            # (search_sql.COLUMNS) and a search without a kind filter reads the index alone
            # (the winners' 10 table look-ups were a quarter of the statement).
            AnswerCoveringIndex(
                fields=["status", "zkey", "id", "lon", "lat", "kind", "amenity_mask"],
                # The riders' signals and the three moments freshness is decided on
                # (stations.reports, search.freshness) are answer columns too.
                answer_fields=["name", "address", "opening_hours", "last_confirmed_at", "alerts", "updated_at", "last_verified_at"],
                name="station_status_zkey_idx",
            ),
            # the same when a kind is asked for: keeps sparse kinds (driver homes) fast.
            models.Index(fields=["kind", "status", "zkey", "id", "lon", "lat", "amenity_mask"], name="station_kind_zkey_idx"),
            # managers' and planners' jurisdiction queries: every status, by key ranges.
            models.Index(fields=["zkey"], name="station_zkey_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()}, #{self.pk})"

    @property
    def amenities(self) -> list[str]:
        return list(vocab.amenity_codes(self.amenity_mask))

    @amenities.setter
    def amenities(self, codes) -> None:
        self.amenity_mask = vocab.amenity_mask(codes)

    @property
    def eligible_workers(self) -> list[str]:
        return vocab.worker_codes(self.eligible_workers_mask)

    @eligible_workers.setter
    def eligible_workers(self, codes) -> None:
        self.eligible_workers_mask = vocab.worker_mask(codes)

    def save(self, *args, **kwargs) -> None:
        self.zkey = morton_key(self.lon, self.lat)
        if not self._state.adding:
            self.version += 1
        super().save(*args, **kwargs)
