"""Benchmark: uploads. The pieces an upload calls (no database), the background import of a
large upload, and the synchronous import of one at the threshold.

    .venv/bin/python bench/bench_uploads.py [--runs 7] [--rows 20000] [--job-rows 770000] [--parts photo,xlsx,jobs,sync]
    .venv/bin/python bench/bench_uploads.py --parts jobs --postgres postgres://postgres@127.0.0.1:5432/mydb

1. photo: process_photo on a 12 MP (4000x3000) JPEG as a phone writes it (quality 90, EXIF
   orientation 6, about 3 MB): the median seconds of ``--runs`` calls, and the sizes of what it returns.
2. xlsx: reading an .xlsx of ``--rows`` stations (8 columns) to the end with read_table: the
   median seconds and rows/s, without formulas and with one formula cell (which adds the
   second, formula-preserving parse), and the ratio of the two measured in the same run.
3. jobs: the issue-16 files through the job path, on a fresh database (a new SQLite file, or a
   scratch PostgreSQL database next to the one --postgres names, dropped afterwards): a CSV of
   ``--job-rows`` valid rows inside 福田区 (external_id, name, lon, lat, 27 bytes a row: 770k rows
   are 20.8 MB, under the 20 MB-in-MiB limit) uploaded by the Futian manager, and one of rows in
   南山区 (every row rejected). Each POST /api/v1/manage/imports runs in its own process
   (django.test.Client after one warm-up request, the multipart body encoded before the clock
   starts, so that process's RSS holds it), then `manage.py run_import_jobs` in its own process; wall time and peak RSS
   (wait4) of each, and the job's outcome, checked.
4. sync: the slowest file the synchronous path takes, an .xlsx with a formula of just under
   IMPORT_SYNC_MAX_BYTES, and a CSV of that size, POSTed and imported within the request after
   a warm-up request (the worst case a request waits for; gunicorn's worker timeout is 30 s).
"""

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def phone_jpeg() -> bytes:
    import numpy as np
    from PIL import ExifTags, Image

    rng = np.random.default_rng(12)
    coarse = Image.fromarray(rng.integers(0, 256, (150, 200, 3), dtype=np.uint8)).resize((4000, 3000), Image.BICUBIC)
    grain = Image.fromarray(rng.integers(-12, 13, (3000, 4000, 3)).astype(np.int16).clip(0, 255).astype(np.uint8))
    image = Image.blend(coarse, grain, 0.15)
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif)
    return out.getvalue()


def stations_xlsx(rows: int, formula: bool) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["external_id", "name", "lon", "lat", "phone", "amenities", "opening_hours", "district"])
    for i in range(rows):
        sheet.append([f"S{i}", f"示范驿站 {i}", 114 + i * 1e-5, 22.5 + i * 1e-5, 13800138000 + i, "toilet;microwave",
                      "Mo-Su 08:00-20:00", "福田区"])
    if formula:
        sheet["I2"] = "=A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def median_seconds(call, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--job-rows", type=int, default=770_000, help="rows of the job-path CSVs (default 770,000)")
    parser.add_argument("--parts", default="photo,xlsx,jobs,sync", help="which parts to run (default all)")
    parser.add_argument("--postgres", metavar="URL", help="jobs and sync on PostgreSQL: scratch databases next to the one URL names")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        jobs_child(args.child[0], args.child[1:])
        return
    parts = set(args.parts.split(","))
    if parts & {"jobs", "sync"}:
        uploads(args, parts)  # first, while this process is small (see uploads())
    if parts & {"photo", "xlsx"}:
        pieces(args, parts)
    reproduce = f".venv/bin/python bench/bench_uploads.py --runs {args.runs} --rows {args.rows} --job-rows {args.job_rows} --parts {args.parts}"
    if args.postgres:
        reproduce += " --postgres postgres://<user>@<host>:5432/<db>"
    print(f"\nreproduce: {reproduce}")


def pieces(args, parts: set[str]) -> None:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    django.setup()
    from stations.imports.readers import read_table
    from stations.photos.processing import process_photo

    if "photo" in parts:
        jpeg = phone_jpeg()
        photo = process_photo(jpeg)
        seconds = median_seconds(lambda: process_photo(jpeg), args.runs)
        print(
            f"process_photo, 12 MP JPEG ({len(jpeg) / 1e6:.1f} MB): median {seconds:.3f} s over {args.runs} runs;"
            f" full {photo.width}x{photo.height} {len(photo.full) / 1e3:.0f} kB,"
            f" thumb {photo.thumb_width}x{photo.thumb_height} {len(photo.thumb) / 1e3:.1f} kB"
        )
        if "xlsx" not in parts:
            return

    def read_all(data: bytes) -> None:
        for _ in read_table(data, "xlsx").rows:
            pass

    plain, with_formula = stations_xlsx(args.rows, False), stations_xlsx(args.rows, True)
    runs = max(3, args.runs // 2)
    plain_s = median_seconds(lambda: read_all(plain), runs)
    formula_s = median_seconds(lambda: read_all(with_formula), runs)
    print(f"read .xlsx, {args.rows} rows ({len(plain) / 1e6:.1f} MB): median {plain_s:.2f} s ({args.rows / plain_s:,.0f} rows/s)")
    print(
        f"read .xlsx with a formula: median {formula_s:.2f} s ({args.rows / formula_s:,.0f} rows/s),"
        f" {formula_s / plain_s:.2f}x the plain file"
    )



# -- the job path and the synchronous threshold (each step in a process of its own) ------------

DISTRICT, OTHER_DISTRICT = "福田区", "南山区"
IMPORT_URL = "/api/v1/manage/imports"


def district_points(district: str, n: int, seed: int) -> list[tuple[float, float]]:
    """``n`` 4-decimal (lon, lat) inside ``district`` (rounded, then checked inside again, so
    none is rejected for leaving it). 福田区 has about 700k such points, so 770k rows repeat
    some: the import warns about those (the first 200 warnings are kept) and imports them."""
    import numpy as np
    import shapely

    from bench.bench_manage import jurisdiction_geometry

    area = jurisdiction_geometry(district)
    rng = np.random.default_rng(seed)
    min_lon, min_lat, max_lon, max_lat = area.bounds
    points: list[tuple[float, float]] = []
    while len(points) < n:
        lons = np.round(rng.uniform(min_lon, max_lon, 4 * n), 4)
        lats = np.round(rng.uniform(min_lat, max_lat, 4 * n), 4)
        inside = shapely.contains_xy(area, lons, lats)
        points += zip(lons[inside].tolist(), lats[inside].tolist())
    return points[:n]


def small_rows_csv(path: Path, district: str, rows: int, seed: int) -> None:
    """``rows`` stations inside ``district``, as short as a row gets: "Fa1b2,驿,114.0550,22.5410", 27 bytes."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write("external_id,name,lon,lat\n")
        handle.writelines(f"{_base36(i)},驿,{lon:.4f},{lat:.4f}\n" for i, (lon, lat) in enumerate(district_points(district, rows, seed)))


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        n, r = divmod(n, 36)
        text = digits[r] + text
        if not n:
            return "F" + text.rjust(4, "0")


def district_xlsx(points: list[tuple[float, float]]) -> bytes:
    """stations_xlsx's sheet (8 columns and a formula cell) with its stations at ``points``."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["external_id", "name", "lon", "lat", "phone", "amenities", "opening_hours", "district"])
    for i, (lon, lat) in enumerate(points):
        sheet.append([f"S{i}", f"示范驿站 {i}", lon, lat, 13800138000 + i, "toilet;microwave", "Mo-Su 08:00-20:00", DISTRICT])
    sheet["I2"] = "=A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def sync_xlsx(path: Path, max_bytes: int) -> int:
    """The largest such sheet of stations inside 福田区 of at most ``max_bytes``; its rows."""
    points = district_points(DISTRICT, 200_000, seed=18)
    rows = int(max_bytes / (len(district_xlsx(points[:2000])) / 2000))  # the file grows about linearly with its rows
    while len(data := district_xlsx(points[:rows])) > max_bytes:
        rows = int(rows * 0.99)
    path.write_bytes(data)
    return rows


def jobs_child(mode: str, rest: list[str]) -> None:
    import json
    import os

    import django

    django.setup()
    from django.test import Client
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    if mode == "files":  # generated here, so that the parent stays small (see uploads())
        workdir, job_rows, parts = Path(rest[0]), int(rest[1]), set(rest[2].split(","))
        from django.conf import settings

        made = {}
        if "jobs" in parts:
            for label, district in (("valid", DISTRICT), ("outside", OTHER_DISTRICT)):
                path = workdir / f"{label}.csv"
                small_rows_csv(path, district, job_rows, seed=16)
                made[label] = {"path": str(path), "rows": job_rows, "district": district}
        if "sync" in parts:
            threshold = settings.IMPORT_SYNC_MAX_BYTES
            xlsx_path, csv_path = workdir / "at-threshold.xlsx", workdir / "at-threshold.csv"
            made["xlsx"] = {"path": str(xlsx_path), "rows": sync_xlsx(xlsx_path, threshold)}
            rows = threshold // 27 - 1  # 27 bytes a row, the header included
            small_rows_csv(csv_path, DISTRICT, rows, seed=17)
            made["csv"] = {"path": str(csv_path), "rows": rows}
        print(json.dumps(made))
    elif mode == "setup":
        from stations.accounts.organisations import create_account, load_organisations, read_boundaries

        from bench.bench_manage import BOUNDARIES

        load_organisations(read_boundaries(BOUNDARIES, "gcj02"))
        print(json.dumps({"token": create_account("bench_futian", DISTRICT)[1]}))
    elif mode == "post":
        token, path, expect_status = rest
        client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
        with open(path, "rb") as handle:
            body = encode_multipart(BOUNDARY, {"file": handle, "coordsys": "wgs84", "kind": "rest_station", "skip_invalid": "false"})
        client.get(f"{IMPORT_URL}/{2**62}")  # warm-up (404): URL resolution, the API's schemas, the token check
        started = time.perf_counter()
        response = client.generic("POST", IMPORT_URL, body, content_type=MULTIPART_CONTENT)
        seconds = time.perf_counter() - started
        if response.status_code != int(expect_status):
            sys.exit(f"POST answered {response.status_code}, expected {expect_status}: {response.content[:500]!r}")
        answer = response.json()
        print(json.dumps({"seconds": seconds, "id": answer.get("id"), "summary": answer.get("summary") or answer.get("detail")}))
    elif mode == "job":
        from stations.models import ImportJob, Station

        job = ImportJob.objects.get(pk=int(rest[0]))
        print(json.dumps({
            "status": job.status, "detail": job.detail, "rows_read": job.rows_read, "rows_total": job.rows_total,
            "summary": (job.result or {}).get("summary"), "stations": Station.objects.count(),
            "upload_left": os.path.exists(os.path.join(os.environ["IMPORT_UPLOAD_ROOT"], job.stored_name)),
        }))
    else:
        raise SystemExit(f"unknown child mode {mode}")


def uploads(args, parts: set[str]) -> None:
    import os
    import shutil
    import tempfile

    from bench.bench_manage import Databases, run_child

    def child(mode: str, *rest: str) -> list[str]:
        return [sys.executable, __file__, "--child", mode, *rest]

    workdir = Path(tempfile.mkdtemp(prefix="yizhan-bench-uploads-"))
    databases = Databases(workdir, args.postgres)
    lines = []
    try:
        # The parent never imports Django's app or generates data itself: Linux counts a child's
        # peak RSS (wait4's ru_maxrss) from the copy of the parent it was forked from.
        files = run_child(child("files", str(workdir), str(args.job_rows), ",".join(sorted(parts))), {**os.environ, "DJANGO_SETTINGS_MODULE": "backend.settings"})[0]

        def fresh() -> tuple[dict, str]:
            env = databases.fresh()
            env["IMPORT_UPLOAD_ROOT"] = str(workdir / f"imports-{databases.count}")
            return env, run_child(child("setup"), env)[0]["token"]

        if "jobs" in parts:
            for label in ("valid", "outside"):
                path, district = Path(files[label]["path"]), files[label]["district"]
                env, token = fresh()
                env["IMPORT_SYNC_MAX_BYTES"] = "0"  # the job path whatever --job-rows (770k rows are over the threshold anyway)
                posted, _, post_rss = run_child(child("post", token, str(path), "202"), env)
                post_s = posted["seconds"]  # the request, not the process
                worker, worker_s, worker_rss = run_child([sys.executable, "manage.py", "run_import_jobs"], env)
                job = run_child(child("job", str(posted["id"])), env)[0]
                expected = ("done", args.job_rows) if label == "valid" else ("failed", 0)
                if (job["status"], job["stations"]) != expected or job["rows_read"] != args.job_rows or job["upload_left"]:
                    sys.exit(f"the {label} job ended {job}, expected {expected} with {args.job_rows} rows read and its upload deleted")
                size = path.stat().st_size
                lines.append(
                    f"{label:>7} ({args.job_rows:,} rows in {district}, {size / 1e6:.1f} MB = {size / 2**20:.1f} MiB): POST {post_s:.2f} s"
                    f" (peak RSS {post_rss / 1024:.0f} MiB) -> 202; run_import_jobs {worker_s:.1f} s wall incl. start-up,"
                    f" {args.job_rows / worker_s:,.0f} rows/s, peak RSS {worker_rss / 1024:.0f} MiB; job {job['status']}:"
                    f" {job['summary'] or job['detail']}"
                )
        if "sync" in parts:
            for label, key in (("xlsx with a formula", "xlsx"), ("csv", "csv")):
                path, rows = Path(files[key]["path"]), files[key]["rows"]
                env, token = fresh()
                posted, _, rss = run_child(child("post", token, str(path), "200"), env)
                lines.append(
                    f"sync at the threshold, {label} of {path.stat().st_size / 2**20:.2f} MiB ({rows:,} rows): the request took"
                    f" {posted['seconds']:.1f} s (peak RSS {rss / 1024:.0f} MiB): {posted['summary']}"
                )
    finally:
        databases.drop_all()
        shutil.rmtree(workdir)
    print(f"\nuploads on {databases.label()}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    for line in lines:
        print(line)


if __name__ == "__main__":
    main()
