"""History for imported rows: one StationChange per station an upload creates or changes."""

from django.db import connection
from django.utils import timezone

from stations.models import Station, StationChange
from stations.records.state import diff_states, state_of


class ImportHistory:
    """Passed to the importer (ImportOptions.history); the writer calls it around each chunk."""

    def __init__(self, account, via: str = "import"):
        self.account = account
        self.via = via
        self._before: dict[int, dict] = {}

    def before_update(self, pks: list[int]) -> None:
        self._before = {station.pk: state_of(station) for station in Station.objects.filter(pk__in=pks)}

    def after_write(self, source: str, created_external_ids: list[str], updated_pks: list[int]) -> None:
        created = list(Station.objects.filter(source=source, external_id__in=created_external_ids)) if created_external_ids else []
        updated = list(Station.objects.filter(pk__in=updated_pks)) if updated_pks else []
        now = timezone.now()
        user = self.account.user
        # Written with one executemany, not bulk_create: the ORM compiles every value of every
        # row into SQL, which took more than half an upload's time (bench/bench_manage.py).
        # The columns every change of the chunk shares are adapted once.
        shared = {
            "changed_at": connection.ops.adapt_datetimefield_value(now), "changed_by_id": user.pk,
            "changed_by_name": user.get_username(), "organisation_name": self.account.organisation.name, "via": self.via,
            "reverted_change_id": None,
        }
        rows = []
        for station, action in [(s, StationChange.Action.CREATE) for s in created] + [(s, StationChange.Action.IMPORT) for s in updated]:
            after = state_of(station)
            diff = diff_states(self._before.get(station.pk) if action != StationChange.Action.CREATE else None, after)
            values = {**shared, "station_id": station.pk, "version": station.version, "action": action.value,
                      "diff": _DIFF.get_db_prep_save(diff, connection), "snapshot": _SNAPSHOT.get_db_prep_save(after, connection)}
            rows.append([values[column] for column in _COLUMNS])
        if rows:
            with connection.cursor() as cursor:
                cursor.executemany(_insert_sql(), rows)
        self._before = {}


# Every column but the id; a field added to StationChange without a value here fails loudly (KeyError).
_COLUMNS = [field.column for field in StationChange._meta.concrete_fields if not field.primary_key]
_DIFF = StationChange._meta.get_field("diff")
_SNAPSHOT = StationChange._meta.get_field("snapshot")


def _insert_sql() -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column) for column in _COLUMNS)
    return f"INSERT INTO {quote(StationChange._meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(_COLUMNS))})"
