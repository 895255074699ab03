"""Union bodies (总工会 at national, province, city and district level), their managers' and
planners' accounts, and the API tokens those accounts use."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone


class Organisation(models.Model):
    class Level(models.TextChoices):
        NATIONAL = "national", "全国 / National"
        PROVINCE = "province", "省 / Province"
        CITY = "city", "市 / City"
        DISTRICT = "district", "区 / District"

    name = models.CharField(max_length=100, unique=True)
    level = models.CharField(max_length=10, choices=Level.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    adcode = models.CharField(max_length=6, blank=True)
    # The jurisdiction as a GeoJSON geometry (Polygon or MultiPolygon) in WGS-84: plain text works
    # on every database; stations.accounts.jurisdiction parses and prepares it once per process.
    boundary_geojson = models.TextField()
    # Its bounding box (WGS-84), so scoped queries can narrow by the spatial index first.
    min_lon = models.FloatField()
    min_lat = models.FloatField()
    max_lon = models.FloatField()
    max_lat = models.FloatField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_level_display()})"

    def descendants(self) -> list["Organisation"]:
        """Every organisation below this one, level by level (a query per level: at most
        four), each level by adcode then name."""
        found, frontier = [], [self.pk]
        while frontier:
            children = list(Organisation.objects.filter(parent_id__in=frontier).order_by("adcode", "name"))
            found += children
            frontier = [child.pk for child in children]
        return found

    @property
    def source_name(self) -> str:
        """The `source` of the stations this organisation creates through the API."""
        return f"org:{self.name}"[:100]


class Account(models.Model):
    """What a Django user may do in Yizhan: manage or plan within one organisation's area."""

    class Role(models.TextChoices):
        MANAGER = "manager", "站点管理员 / Station manager"
        PLANNER = "planner", "规划人员 / Planner"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="yizhan_account")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="accounts")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MANAGER)

    def __str__(self) -> str:
        return f"{self.user.get_username()} ({self.get_role_display()}, {self.organisation.name})"


def hash_token(token: str) -> str:
    # Tokens are 256 random bits, so a fast hash is enough (no password stretching needed).
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token; only its SHA-256 is stored, so a leaked database leaks no tokens."""

    PREFIX = "yz_"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    # The first characters, so a manager can tell tokens apart in the admin.
    hint = models.CharField(max_length=12)
    label = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        state = "revoked" if self.revoked_at else "active"
        return f"{self.hint}… ({self.account.user.get_username()}, {state})"

    @classmethod
    def issue(cls, account: Account, label: str = "") -> tuple["ApiToken", str]:
        """A new token for ``account``: (the stored row, the token text, shown only now)."""
        token = cls.PREFIX + secrets.token_urlsafe(32)
        row = cls.objects.create(account=account, key_hash=hash_token(token), hint=token[:10], label=label)
        return row, token

    def revoke(self) -> None:
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])
