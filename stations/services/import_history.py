"""History for imported rows: one StationChange per station an upload creates or changes."""

from django.utils import timezone

from stations.models import Station, StationChange
from stations.services.station_state import diff_states, state_of


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
        changes = []
        for station, action in [(s, StationChange.Action.CREATE) for s in created] + [(s, StationChange.Action.IMPORT) for s in updated]:
            after = state_of(station)
            changes.append(
                StationChange(
                    station=station,
                    version=station.version,
                    action=action,
                    changed_at=now,
                    changed_by=user,
                    changed_by_name=user.get_username(),
                    organisation_name=self.account.organisation.name,
                    via=self.via,
                    diff=diff_states(self._before.get(station.pk) if action != StationChange.Action.CREATE else None, after),
                    snapshot=after,
                )
            )
        StationChange.objects.bulk_create(changes)
        self._before = {}
