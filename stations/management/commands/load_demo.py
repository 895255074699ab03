from dataclasses import dataclass

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from stations.errors import BadRequest
from stations.planning.demand import DemandImportOptions, import_demand
from stations.imports.readers import read_table
from stations.imports.importer import ImportOptions, import_stations
from stations.accounts.organisations import load_organisations, read_boundaries


@dataclass(frozen=True)
class DemoFile:
    name: str
    kind: str
    coordsys: str
    source: str


# Demonstration records derived from open datasets (see data/README.md), not real union data.
DEMO_FILES = (
    DemoFile("shenzhen_rest_stations.wgs84.csv", "rest_station", "wgs84", "demo:osm-shenzhen (ODbL, © OpenStreetMap contributors)"),
    DemoFile("shenzhen_charging_points.gcj02.csv", "charging_point", "gcj02", "demo:urbanev-shenzhen (CC0, UrbanEV)"),
    DemoFile("anhui_driver_homes.gcj02.csv", "driver_home", "gcj02", "demo:osm-anhui-services (ODbL, © OpenStreetMap contributors)"),
)
# The planners' demo: Shenzhen's city and district union organisations and a demand dataset.
DEMO_BOUNDARIES = "boundaries_shenzhen_districts.geojson"  # GCJ-02
DEMO_DEMAND = DemandImportOptions(
    dataset="shenzhen-food-pickups",
    coordsys="wgs84",
    replace=True,  # a second run replaces the points with the same ones
    description="OpenStreetMap restaurants, fast food and cafés in Shenzhen: where delivery riders pick up orders",
    source="demo:osm-shenzhen (© OpenStreetMap contributors)",
    licence="ODbL-1.0",
)


class Command(BaseCommand):
    help = "Load the demo stations shipped in data/demo (idempotent: a second run changes nothing)."

    def handle(self, *args, **options):
        folder = settings.BASE_DIR / "data" / "demo"  # not the cwd: works from anywhere
        # The organisations first: the stations' city and district are filled from their polygons
        # where a file leaves them empty, on the first run as on every later one (idempotent).
        try:
            organisations = load_organisations(read_boundaries(folder / DEMO_BOUNDARIES, "gcj02"))
        except BadRequest as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{DEMO_BOUNDARIES}: {organisations.summary_line()}")
        for demo in DEMO_FILES:
            path = folder / demo.name
            try:
                with open(path, "rb") as handle:
                    report = import_stations(
                        read_table(handle, "csv"), ImportOptions(source=demo.source, coordsys=demo.coordsys, kind=demo.kind)
                    )
            except OSError as exc:
                raise CommandError(f"cannot read {path}: {exc.strerror} (rebuild with data/build_demo_data.py)") from None
            except BadRequest as exc:
                raise CommandError(f"{demo.name}: {exc}") from None
            self.stdout.write(f"{demo.name}: {report.summary_line()}")
        try:
            with open(folder / "shenzhen_demand_food.csv", "rb") as handle:
                demand = import_demand(read_table(handle, "csv"), DEMO_DEMAND)
        except OSError as exc:
            raise CommandError(f"cannot read a demo file: {exc} (rebuild with data/build_demo_data.py)") from None
        except BadRequest as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"shenzhen_demand_food.csv: {demand.summary_line()}")
