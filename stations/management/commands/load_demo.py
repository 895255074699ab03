from dataclasses import dataclass

from django.conf import settings
from django.core.management.base import BaseCommand

from stations.services.import_readers import read_table
from stations.services.importer import ImportOptions, import_stations


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


class Command(BaseCommand):
    help = "Load the demo stations shipped in data/demo (idempotent: a second run changes nothing)."

    def handle(self, *args, **options):
        folder = settings.BASE_DIR / "data" / "demo"
        for demo in DEMO_FILES:
            table = read_table((folder / demo.name).read_bytes(), "csv")
            report = import_stations(table, ImportOptions(source=demo.source, coordsys=demo.coordsys, kind=demo.kind))
            self.stdout.write(f"{demo.name}: {report.summary_line()}")
