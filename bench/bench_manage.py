"""Benchmark: the union managers' writes, a 1,000-operation batch and a 100k-row import.

    .venv/bin/python bench/bench_manage.py [--stations 5000] [--batch-runs 5] [--rows 100000] [--import-runs 3]
    .venv/bin/python bench/bench_manage.py --postgres postgres://postgres@127.0.0.1:5432/mydb

Every measurement runs in its own process against a fresh database: a new SQLite file (a copy
of one migrated template) in a temporary directory, or, with --postgres, scratch databases
`<name>_bench_manage_*` created next to the one the URL names (from a migrated template) and
dropped afterwards; the benchmark never writes into the database the URL names.

1. Batch. The Shenzhen unions are loaded from data/demo (GCJ-02 boundaries), a Futian district
   manager gets a token, and N stations of the manager's source (org:福田区) are imported at
   random places inside Futian. Then POST /api/v1/manage/stations/batch is timed with 1,000
   `update` operations (amenities, opening hours and phone of 1,000 random stations, each with
   the version read just before the run, so every run is based on fresh versions), and with
   1,000 `create` operations (new stations at least 40 m from any other, so the 30 m duplicate
   check runs and passes). The requests go through Django's full WSGI handler and middleware
   with django.test.Client (no socket, no HTTP parsing): the figures are server-side time,
   JSON parsing, auth, validation, the service and the response included. After each run the
   outcome is checked: 1,000 applied, every version + 1 in the answer and in the database,
   1,000 new history rows (via "batch") and the values sent stored.
2. Import. A CSV of R stations at random places inside Shenzhen (WGS-84; external_id, name,
   lon, lat, amenities, opening_hours, phone) and a copy with every 10th row's opening hours
   changed. Timed: `manage.py import_stations` (its own process: first import into an empty
   database, then the changed file), and the same two files uploaded to POST
   /api/v1/manage/imports as the city (深圳市) manager, which also checks each row against the
   jurisdiction and writes a history row per created or changed station (the multipart body is
   encoded before the clock starts). Each process's peak RSS comes from wait4 (ru_maxrss; on
   SQLite it includes the database pages the memory-mapped reads touched). The counts each run
   reports (created / updated / unchanged, history rows) are checked.

Targets (issue 3, on SQLite): 1,000-op batch <= 2 s; 100k-row CSV import <= 15 s.
"""

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.manage_fixtures import (  # noqa: E402 (after the sys.path line)
    BOUNDARIES,
    DISTRICT,
    CITY,
    AMENITIES,
    HOURS,
    CHANGED_HOURS,
    CHANGE_EVERY,
    COMMAND_SOURCE,
    MIN_SPACING_M,
    BATCH_URL,
    IMPORT_URL,
    jurisdiction_geometry,
    random_points,
    write_csv,
    Databases,
    run_child,
)


def child(mode: str, *args: str) -> list[str]:
    return [sys.executable, __file__, "--child", mode, *args]


# -- child processes (django set up against the fresh database in their environment) ----------


def _setup_django() -> None:
    import django

    django.setup()


def _manager(organisation: str, username: str):
    """Organisations loaded, a manager of ``organisation``, and a test client carrying its token."""
    from django.test import Client

    from stations.accounts.organisations import create_account, load_organisations, read_boundaries

    load_organisations(read_boundaries(BOUNDARIES, "gcj02"))
    account, token = create_account(username, organisation)
    return account, Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def child_batch(stations: int, ops: int, runs: int, seed: int) -> dict:
    _setup_django()
    from django.db import connection

    from stations.models import Station, StationChange
    from stations.imports.table import Table
    from stations.imports.importer import ImportOptions, import_stations

    account, client = _manager(DISTRICT, "bench_futian")
    source = account.organisation.source_name
    area = jurisdiction_geometry(DISTRICT)
    points = random_points(area, stations, seed, spacing_m=MIN_SPACING_M)
    rng = random.Random(seed)
    rows = (
        (i + 2, {"external_id": f"FT-{i:05d}", "name": f"福田职工驿站{i:05d}", "lon": repr(lon), "lat": repr(lat),
                 "amenities": ";".join(rng.sample(AMENITIES, 3)), "opening_hours": rng.choice(HOURS)})
        for i, (lon, lat) in enumerate(points)
    )
    table = Table(["external_id", "name", "lon", "lat", "amenities", "opening_hours"], rows)
    report = import_stations(table, ImportOptions(source=source, coordsys="wgs84", kind="rest_station"))
    assert report.created == stations, report.summary_line()
    ids = [f"FT-{i:05d}" for i in range(stations)]

    def post(operations: list[dict]) -> tuple[float, dict]:
        body = json.dumps({"operations": operations})
        started = time.perf_counter()
        response = client.post(BATCH_URL, body, content_type="application/json")
        seconds = time.perf_counter() - started
        assert response.status_code == 200, response.content[:500]
        return seconds, response.json()

    def update_ops(run: int, n: int) -> tuple[list[dict], dict]:
        chosen = rng.sample(ids, n)
        versions = dict(Station.objects.filter(source=source, external_id__in=chosen).values_list("external_id", "version"))
        operations = [
            {"op": "update", "external_id": eid, "version": versions[eid], "station": {
                "amenities": rng.sample(AMENITIES, rng.randint(1, 5)), "opening_hours": rng.choice(HOURS + [CHANGED_HOURS]),
                "phone": f"0755-{run:02d}{i:06d}"}}  # a new phone each run: every operation changes something
            for i, eid in enumerate(chosen)
        ]
        return operations, versions

    def check_updates(operations: list[dict], versions: dict, body: dict, changes_before: int) -> None:
        assert (body["applied"], body["rejected"]) == (len(operations), 0), body["results"][:3]
        assert all(r["version"] == versions[r["external_id"]] + 1 for r in body["results"])
        stored = {eid: (version, phone) for eid, version, phone in Station.objects.filter(
            source=source, external_id__in=list(versions)).values_list("external_id", "version", "phone")}
        assert all(stored[op["external_id"]] == (versions[op["external_id"]] + 1, op["station"]["phone"]) for op in operations)
        new = StationChange.objects.filter(pk__gt=changes_before)
        assert new.count() == len(operations) == new.filter(action="update", via="batch").count()

    def last_change() -> int:
        return StationChange.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    # Warm-up (not timed): URL resolution, ninja's schemas and the jurisdiction's prepared geometry.
    operations, versions = update_ops(0, 10)
    before = last_change()
    check_updates(operations, versions, post(operations)[1], before)

    update_s = []
    for run in range(1, runs + 1):
        operations, versions = update_ops(run, ops)
        before = last_change()
        seconds, body = post(operations)
        check_updates(operations, versions, body, before)
        update_s.append(seconds)

    taken = list(Station.objects.values_list("lon", "lat"))
    create_s = []
    for run in range(1, runs + 1):
        new_points = random_points(area, ops, seed + run, spacing_m=MIN_SPACING_M, taken=taken)
        taken += new_points
        operations = [
            {"op": "create", "external_id": f"NEW-{run}-{i:04d}", "station": {
                "name": f"福田新驿站{run}-{i:04d}", "kind": "rest_station", "lon": lon, "lat": lat,
                "amenities": rng.sample(AMENITIES, 3), "opening_hours": rng.choice(HOURS), "phone": f"0755-{run:02d}{i:06d}"}}
            for i, (lon, lat) in enumerate(new_points)
        ]
        count_before, before = Station.objects.count(), last_change()
        seconds, body = post(operations)
        assert (body["applied"], body["rejected"]) == (ops, 0), [r for r in body["results"] if r["status"] != "applied"][:3]
        assert all(r["version"] == 1 for r in body["results"])
        assert Station.objects.count() == count_before + ops
        new = StationChange.objects.filter(pk__gt=before)
        assert new.count() == ops == new.filter(action="create", via="batch").count()
        create_s.append(seconds)

    # One more of each, not timed, to count the SQL statements they need (savepoints included;
    # an execute_wrapper, as CaptureQueriesContext keeps only the last 9,000).
    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    operations, versions = update_ops(runs + 1, ops)
    before = last_change()
    with connection.execute_wrapper(count):
        body = post(operations)[1]
    check_updates(operations, versions, body, before)
    update_queries, statements = len(statements), []
    new_points = random_points(area, ops, seed + runs + 1, spacing_m=MIN_SPACING_M, taken=taken)
    operations = [{"op": "create", "external_id": f"NEW-q-{i:04d}", "station": {"name": f"福田新驿站q-{i:04d}", "kind": "rest_station",
                   "lon": lon, "lat": lat}} for i, (lon, lat) in enumerate(new_points)]
    with connection.execute_wrapper(count):
        body = post(operations)[1]
    assert body["applied"] == ops
    create_queries = len(statements)
    return {
        "update_s": update_s, "create_s": create_s, "stations": stations, "ops": ops,
        "update_queries": update_queries, "create_queries": create_queries,
        "history_rows": StationChange.objects.count(),
    }


def child_orgs() -> dict:
    _setup_django()
    from stations.accounts.organisations import create_account, load_organisations, read_boundaries

    load_organisations(read_boundaries(BOUNDARIES, "gcj02"))
    _, token = create_account("bench_shenzhen", CITY)
    return {"token": token}


def child_upload(token: str, csv_path: str, expect: str) -> dict:
    """POST the CSV to the upload endpoint; ``expect`` is "created,updated,unchanged"."""
    _setup_django()
    from django.test import Client
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    from stations.models import Station, StationChange

    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    with open(csv_path, "rb") as handle:
        body = encode_multipart(BOUNDARY, {"file": handle, "coordsys": "wgs84", "kind": "rest_station"})
    changes_before = StationChange.objects.count()
    started = time.perf_counter()
    response = client.generic("POST", IMPORT_URL, body, content_type=MULTIPART_CONTENT)  # sent as encoded
    seconds = time.perf_counter() - started
    assert response.status_code == 200, response.content[:1000]
    report = response.json()
    created, updated, unchanged = map(int, expect.split(","))
    assert (report["created"], report["updated"], report["unchanged"], report["rejected"]) == (created, updated, unchanged, 0), report["summary"]
    assert StationChange.objects.count() - changes_before == created + updated
    assert Station.objects.filter(source=f"org:{CITY}").count() == created + updated + unchanged
    return {"seconds": seconds, "summary": report["summary"], "history_rows": StationChange.objects.count() - changes_before}


def child_main(mode: str, rest: list[str]) -> None:
    if mode == "batch":
        stations, ops, runs, seed = map(int, rest)
        result = child_batch(stations, ops, runs, seed)
    elif mode == "orgs":
        result = child_orgs()
    elif mode == "upload":
        result = child_upload(*rest)
    else:
        raise SystemExit(f"unknown child mode {mode}")
    print(json.dumps(result))


# -- the parent --------------------------------------------------------------------------------


def command_import(csv_path: Path, env: dict, expect: tuple[int, int, int]) -> tuple[float, int, str]:
    command = [sys.executable, "manage.py", "import_stations", str(csv_path), "--kind", "rest_station", "--coordsys", "wgs84", "--source", COMMAND_SOURCE]
    result, seconds, rss = run_child(command, env)
    created, updated, unchanged = expect
    wanted = f"imported {sum(expect)} stations (created {created}, updated {updated}, unchanged {unchanged}), 0 rows rejected"
    if result["line"] != wanted:
        sys.exit(f"import_stations said {result['line']!r}, expected {wanted!r}")
    return seconds, rss, result["line"]


def measure_batches(args, databases: Databases, table: list) -> str:
    result, _, rss = run_child(child("batch", str(args.stations), str(args.ops), str(args.batch_runs), "7"), databases.fresh())
    for kind in ("update", "create"):
        times = result[f"{kind}_s"]
        table.append((
            f"batch: {args.ops:,} {kind}s", args.ops, statistics.median(times), times, rss,
            f"{result[kind + '_queries']:,} SQL statements per batch",
        ))
    return f"{args.stations:,} stations of org:{DISTRICT} beforehand; {result['history_rows']:,} history rows at the end"


def measure_imports(args, databases: Databases, workdir: Path, table: list) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    import django

    django.setup()  # for reading the boundaries only; the parent never touches a database
    started = time.perf_counter()
    points = random_points(jurisdiction_geometry(CITY), args.rows, seed=11)
    first_csv, changed_csv = workdir / "stations.csv", workdir / "stations-changed.csv"
    write_csv(first_csv, points, seed=12)
    write_csv(changed_csv, points, seed=12, change_every=CHANGE_EVERY)
    changed = len(range(0, args.rows, CHANGE_EVERY))
    print(
        f"generated 2 CSVs of {args.rows:,} stations inside {CITY} ({first_csv.stat().st_size / 2**20:.1f} MiB each)"
        f" in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    runs = {"cmd1": [], "cmd2": [], "up1": [], "up2": []}
    for _ in range(args.import_runs):
        env = databases.fresh()
        runs["cmd1"].append(command_import(first_csv, env, (args.rows, 0, 0)))
        runs["cmd2"].append(command_import(changed_csv, env, (0, changed, args.rows - changed)))
        env = databases.fresh()
        token = run_child(child("orgs"), env)[0]["token"]
        for key, path, expect in (("up1", first_csv, (args.rows, 0, 0)), ("up2", changed_csv, (0, changed, args.rows - changed))):
            result, _, rss = run_child(child("upload", token, str(path), ",".join(map(str, expect))), env)
            runs[key].append((result["seconds"], rss, f"{result['summary']}; {result['history_rows']:,} history rows"))
    labels = {
        "cmd1": "import_stations: new", "cmd2": f"import_stations: 1 in {CHANGE_EVERY} changed",
        "up1": "upload (city manager): new", "up2": f"upload: 1 in {CHANGE_EVERY} changed",
    }
    for key, label in labels.items():
        times = [seconds for seconds, _, _ in runs[key]]
        table.append((label, args.rows, statistics.median(times), times, max(rss for _, rss, _ in runs[key]), runs[key][-1][2]))


def print_report(args, databases: Databases, table: list, batch_note: str) -> None:
    print(f"\nunion managers' writes on {databases.label()}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    if args.only != "import":
        print(f"batch: POST {BATCH_URL} through django.test.Client (Django's WSGI handler, no socket), {batch_note}")
    if args.only != "batch":
        print(f"import: {args.rows:,}-row CSV inside {CITY}; import_stations timed as a whole process (start-up included), uploads as the request")
    print("every run's outcome was checked (counts, versions, history rows); the first batch of each kind is the slowest (cold caches)")
    print(f"{'what':<34} {'rows/ops':>9} {'median s':>9} {'per s':>8} {'peak RSS':>9}  runs (s); notes")
    for label, n, median_s, times, rss, note in table:
        runs_text = ", ".join(f"{t:.2f}" for t in times)
        print(f"{label:<34} {n:>9,} {median_s:>9.2f} {n / median_s:>8,.0f} {rss / 1024:>5.0f} MiB  {runs_text}; {note}")
    # The targets are set for SQLite at the default sizes; elsewhere the lines only compare.
    judged = not args.postgres and args.ops == 1000 and args.rows == 100_000
    for label, _, median_s, *_ in table:
        if label.startswith("batch"):
            limit_s, target = 2, "1,000-op batch <= 2 s"
        elif label == "import_stations: new" or label.startswith("upload (city"):
            limit_s, target = 15, "100k-row CSV import <= 15 s"
        else:
            continue
        verdict = ("met" if median_s <= limit_s else "MISSED") if judged else "not judged: the target is for SQLite at the default sizes"
        print(f"target (SQLite): {target}: {label} median {median_s:.2f} s -> {verdict}")
    reproduce = (
        f".venv/bin/python bench/bench_manage.py --stations {args.stations} --ops {args.ops} --batch-runs {args.batch_runs}"
        f" --rows {args.rows} --import-runs {args.import_runs}"
    )
    if args.only:
        reproduce += f" --only {args.only}"
    if args.postgres:
        reproduce += " --postgres postgres://<user>@<host>:5432/<db>"
    print(f"\nreproduce: {reproduce}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stations", type=int, default=5000, help="existing stations of the Futian manager (default 5,000)")
    parser.add_argument("--ops", type=int, default=1000, help="operations per batch (default 1,000, the API's maximum)")
    parser.add_argument("--batch-runs", type=int, default=5, help="timed batches of each kind (default 5)")
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the import CSV (default 100,000)")
    parser.add_argument("--import-runs", type=int, default=3, help="timed runs of each import (default 3)")
    parser.add_argument("--only", choices=("batch", "import"), help="run one part only")
    parser.add_argument("--postgres", metavar="URL", help="run on PostgreSQL: scratch databases next to the one URL names")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (and the scratch databases)")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_main(args.child[0], args.child[1:])
        return

    workdir = Path(tempfile.mkdtemp(prefix="yizhan-bench-manage-"))
    databases = Databases(workdir, args.postgres)
    table: list[tuple] = []
    batch_note = ""
    try:
        if args.only != "import":
            batch_note = measure_batches(args, databases, table)
        if args.only != "batch":
            measure_imports(args, databases, workdir, table)
    finally:
        if not args.keep:
            databases.drop_all()
            shutil.rmtree(workdir)
    print_report(args, databases, table, batch_note)

if __name__ == "__main__":
    main()
