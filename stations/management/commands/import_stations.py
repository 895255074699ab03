import os
from contextlib import nullcontext
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from geodata.coords import COORDSYS
from stations import vocabulary as vocab
from stations.errors import BadRequest
from stations.management.terminal import open_input, progress_bar
from stations.imports.readers import FORMATS, guess_format, read_table
from stations.imports.table import rejected_rows_listing
from stations.imports.importer import (
    ImportAborted,
    ImportOptions,
    RejectsReport,
    import_stations,
)

SHOWN_PROBLEMS = 20


class Command(BaseCommand):
    help = "Import stations from a CSV, GeoJSON or Excel (.xlsx) file, all or nothing, updating by (source, external_id)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="CSV or .xlsx (with a header row), or GeoJSON FeatureCollection of Points")
        parser.add_argument("--kind", choices=vocab.KIND_CODES, help="kind of every row without a 'kind' column")
        parser.add_argument("--coordsys", choices=COORDSYS, required=True, help="coordinate system of the file")
        parser.add_argument("--source", required=True, help="name of the data source; with external_id it identifies a station")
        parser.add_argument("--id-column", default="external_id", help="column holding the stable id (default: external_id)")
        parser.add_argument("--within", type=Path, help="boundary GeoJSON: reject points outside it (in its \"coord_system\", else in --coordsys)")
        parser.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")
        parser.add_argument("--skip-invalid", action="store_true", help="write the valid rows, report the rest")
        parser.add_argument("--rejects", type=Path, help="where --skip-invalid writes rejected rows (default: PATH.rejects.csv)")
        parser.add_argument("--sheet", help="worksheet of an .xlsx to read (default: the first)")
        parser.add_argument("--format", choices=FORMATS, help="override the format guessed from the extension")
        parser.add_argument("--encoding", default="utf-8-sig", help="text encoding of a CSV (default UTF-8; Excel in China: gb18030)")

    def handle(self, *args, **options):
        path: Path = options["path"]
        rejects_path = Path(options["rejects"] or path.with_name(path.name + ".rejects.csv"))
        if options["skip_invalid"] and not os.access(rejects_path.parent, os.W_OK):
            # Checked first: once the import has committed, its rejects must have somewhere to go.
            raise CommandError(f"cannot write the rejects report to {rejects_path}: its folder is missing or read-only")
        with open_input(path) as handle:
            self._import(path, handle, rejects_path, options)

    def _import(self, path: Path, handle, rejects_path: Path, options) -> None:
        try:
            table = read_table(handle, options["format"] or guess_format(path.name), options["encoding"], options["sheet"])
        except BadRequest as exc:
            raise CommandError(str(exc)) from None
        import_options = ImportOptions(
            source=options["source"],
            coordsys=options["coordsys"],
            kind=options["kind"],
            id_column=options["id_column"],
            within_path=options["within"],
            skip_invalid=options["skip_invalid"],
            dry_run=options["dry_run"],
        )
        # Only a --skip-invalid import writes with rejected rows; the report streams them to disk.
        writes_rejects = options["skip_invalid"] and not options["dry_run"]
        rejects = RejectsReport(rejects_path, table.columns, table.fmt) if writes_rejects else None
        with rejects or nullcontext(), progress_bar(self, unit=" rows", desc=path.name, total=table.rows_estimate) as bar:
            import_options.on_reject = rejects.add if rejects is not None else None
            try:
                report = import_stations(table, import_options, progress=bar.update if bar is not None else None)
            except ImportAborted as exc:
                self._print_warnings(exc.report)
                raise CommandError("\n".join([*self._rejected_rows(exc.report), exc.report.summary_line()])) from None
            except BadRequest as exc:
                raise CommandError(str(exc)) from None
            if rejects is not None and report.rejected:
                rejects.keep()
        self._print_warnings(report)
        for line in self._rejected_rows(report):
            self.stderr.write(line)
        self.stdout.write(report.summary_line(str(rejects_path)))

    def _print_warnings(self, report) -> None:
        for warning in report.warnings[:SHOWN_PROBLEMS]:
            self.stderr.write(f"warning: {warning}")
        if report.warning_count > SHOWN_PROBLEMS:
            self.stderr.write(f"... and {report.warning_count - SHOWN_PROBLEMS} more warnings")

    @staticmethod
    def _rejected_rows(report) -> list[str]:
        return rejected_rows_listing([(reject.row, reject.reason) for reject in report.rejects], SHOWN_PROBLEMS, total=report.rejected)
