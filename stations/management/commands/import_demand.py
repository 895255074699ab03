from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from geodata.coords import COORDSYS
from stations.errors import BadRequest
from stations.management.terminal import open_input, progress_bar
from stations.planning.demand import DemandImportOptions, import_demand
from stations.imports.readers import guess_format, read_table


class Command(BaseCommand):
    help = "Import weighted demand points (CSV lon,lat columns or GeoJSON Points) into a named dataset, all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="CSV with lon and lat columns, or a GeoJSON FeatureCollection of Points")
        parser.add_argument("--dataset", required=True, help="dataset name, e.g. shenzhen-food-pickups")
        parser.add_argument("--coordsys", choices=COORDSYS, required=True, help="coordinate system of the file")
        parser.add_argument("--weight-field", help="column (or GeoJSON property) holding each point's weight (default: every point weighs 1)")
        parser.add_argument("--replace", action="store_true", help="replace the points of an existing dataset with this file's")
        parser.add_argument("--description", default="", help="what the points stand for, e.g. 'order pick-up points'")
        parser.add_argument("--source", default="", help="where the data comes from (attribution)")
        parser.add_argument("--licence", default="", help="the data's licence, e.g. ODbL-1.0")
        parser.add_argument("--format", choices=["csv", "geojson"], help="override the format guessed from the extension")
        parser.add_argument("--encoding", default="utf-8-sig", help="text encoding of a CSV (default UTF-8; Excel in China: gb18030)")

    def handle(self, *args, path: Path, **options):
        handle = open_input(path)
        import_options = DemandImportOptions(
            dataset=options["dataset"],
            coordsys=options["coordsys"],
            weight_field=options["weight_field"],
            replace=options["replace"],
            description=options["description"],
            source=options["source"],
            licence=options["licence"],
        )
        try:
            with handle, progress_bar(self, unit=" rows", desc=path.name) as bar:
                table = read_table(handle, options["format"] or guess_format(path.name), options["encoding"])
                report = import_demand(table, import_options, progress=bar.update if bar is not None else None)
        except BadRequest as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(report.summary_line())
