from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from stations.errors import BadRequest
from stations.search.holidays import load_holiday_rows, parse_holiday_file


class Command(BaseCommand):
    help = "Load a year's public holidays and make-up working days (CSV date,kind,name) into the database, replacing that year."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="CSV with a header date,kind,name; kind is holiday or workday")

    def handle(self, *args, **options):
        try:
            loaded = load_holiday_rows(parse_holiday_file(options["file"].read_text(encoding="utf-8-sig")))
        except (OSError, BadRequest) as exc:
            raise CommandError(f"{options['file']}: {exc}") from exc
        self.stdout.write(", ".join(f"{year}: {days} days" for year, days in loaded.items()) + " loaded")
