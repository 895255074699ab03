import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from stations import vocabulary as vocab
from stations.errors import BadRequest
from stations.management.terminal import progress_bar
from stations.models import CoverageRun, Organisation
from stations.planning.exports import districts_csv, gaps_geojson
from stations.planning.maps import render_run_png
from stations.planning.coverage import DEFAULT_RADIUS_M, RESOLUTIONS, CoverageQuery, compute_coverage

STEPS = ("demand", "stations", "coverage", "gaps")


class Command(BaseCommand):
    help = "Coverage of demand by open stations for a district or the whole loaded area, written as PNG/CSV/GeoJSON (nothing stored)."

    def add_arguments(self, parser):
        parser.add_argument("--district", help="an organisation's name, e.g. 南山区 (default: the whole area)")
        parser.add_argument("--organisation", help="work within this organisation's area (default: every loaded organisation)")
        parser.add_argument("--radius", type=float, default=DEFAULT_RADIUS_M, help="service radius in metres (default 500)")
        parser.add_argument("--dataset", help="demand dataset (default: the only one loaded)")
        parser.add_argument("--kinds", default="rest_station", help=f"comma-separated station kinds: {', '.join(vocab.KIND_CODES)} (default rest_station)")
        parser.add_argument("--worker", choices=vocab.WORKER_CODES, help="only stations serving this worker type")
        parser.add_argument("--at", help="only stations open then: '22:00' (today) or '2026-12-01T22:00'")
        parser.add_argument("--resolution", type=int, choices=RESOLUTIONS, default=8, help="H3 resolution of the gap grid")
        parser.add_argument("--png", type=Path, help="write the map here")
        parser.add_argument("--csv", type=Path, help="write the per-district table here")
        parser.add_argument("--geojson", type=Path, help="write the gap grid (H3 cells, WGS-84) here")

    def handle(self, *args, **options):
        scope = None
        if options["organisation"]:
            scope = Organisation.objects.filter(name=options["organisation"]).first()
            if scope is None:
                raise CommandError(f"no organisation named {options['organisation']!r}")
        query = CoverageQuery(
            dataset=options["dataset"],
            radius_m=options["radius"],
            kinds=tuple(k.strip() for k in options["kinds"].split(",") if k.strip()),
            worker=options["worker"],
            at=options["at"],
            district=options["district"],
            resolution=options["resolution"],
        )
        with progress_bar(self, total=len(STEPS), desc="coverage") as bar:

            def progress(label: str) -> None:
                if bar is not None:
                    bar.set_postfix_str(label)
                    bar.update(1)

            try:
                result = compute_coverage(query, scope, progress)
            except BadRequest as exc:
                raise CommandError(str(exc)) from None
        written = []
        if options["csv"]:
            options["csv"].write_text(districts_csv(result.summary), encoding="utf-8")
            written.append(str(options["csv"]))
        if options["geojson"]:
            options["geojson"].write_text(json.dumps(gaps_geojson(result.gaps), ensure_ascii=False), encoding="utf-8")
            written.append(str(options["geojson"]))
        if options["png"]:
            run = CoverageRun(  # drawn, never saved
                parameters=result.parameters,
                summary=result.summary,
                gaps=result.gaps,
                layers=result.area.layers_json(),
                stations=[list(s) for s in zip(result.station_lon.tolist(), result.station_lat.tolist(), result.station_kind)],
                created_at=timezone.now(),
            )
            options["png"].write_bytes(render_run_png(run))
            written.append(str(options["png"]))
        overall = result.summary["overall"]
        line = (
            f"{result.area.name}: {overall['coverage'] * 100:.1f}% of demand weight covered within {query.radius_m:g} m"
            f" ({overall['covered_points']} of {overall['demand_points']} points, {result.parameters['stations']} stations,"
            f" {result.gap_count} gap cells)"
        )
        self.stdout.write(line + (f"; wrote {', '.join(written)}" if written else ""))
