from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from geodata.coords import COORDSYS
from stations.errors import BadRequest
from stations.accounts.organisations import LEVELS, load_organisations, read_boundaries


class Command(BaseCommand):
    help = "Load union organisations and their jurisdictions from a boundary GeoJSON (re-running updates them)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="GeoJSON FeatureCollection; properties name, level, parent, adcode")
        parser.add_argument("--coordsys", choices=COORDSYS, required=True, help="coordinate system of the file")
        parser.add_argument("--level", choices=LEVELS, help="level of features without a 'level' property")
        parser.add_argument("--parent", help="parent organisation of features without a 'parent' property")

    def handle(self, *args, path: Path, coordsys: str, level: str | None, parent: str | None, **options):
        warnings: list[str] = []
        try:
            report = load_organisations(read_boundaries(path, coordsys, level, parent, warnings))
        except BadRequest as exc:
            raise CommandError(str(exc)) from None
        for warning in warnings + report.warnings:
            self.stderr.write(f"warning: {warning}")
        self.stdout.write(report.summary_line())
