"""The places, files and databases bench/bench_manage.py measures in: random stations inside a
district, the import CSVs, fresh SQLite files or PostgreSQL scratch databases, and timed child
processes (wall seconds and peak RSS from wait4)."""

import csv
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BOUNDARIES = ROOT / "data" / "demo" / "boundaries_shenzhen_districts.geojson"
DISTRICT, CITY = "福田区", "深圳市"
AMENITIES = ["parking", "ebike_charging", "phone_charging", "drinking_water", "hot_water", "microwave", "toilet", "seating", "air_conditioning", "wifi"]
HOURS = ["24/7", "Mo-Su 08:00-20:00", "Mo-Fr 09:00-18:00; Sa 10:00-16:00", ""]
CHANGED_HOURS = "Mo-Su 07:00-21:00"  # not among HOURS: every changed row really changes
CHANGE_EVERY = 10
COMMAND_SOURCE = "bench-manage"
MIN_SPACING_M = 40.0  # > the 30 m duplicate radius of station_writes
BATCH_URL = "/api/v1/manage/stations/batch"
IMPORT_URL = "/api/v1/manage/imports"


# -- places ------------------------------------------------------------------------------------


def jurisdiction_geometry(name: str):
    """The WGS-84 area an organisation of the demo file covers: its boundary with its
    descendants', read and converted as load_organisations does (stations.accounts.jurisdiction)."""
    import shapely

    from stations.accounts.organisations import read_boundaries

    features = read_boundaries(BOUNDARIES, "gcj02")
    names = {name}
    while True:  # descendants, as jurisdiction._build
        more = {f.name for f in features if f.parent in names} - names
        if not more:
            break
        names |= more
    geometry = shapely.union_all([f.geometry for f in features if f.name in names])
    shapely.prepare(geometry)
    return geometry


def random_points(geometry, n: int, seed: int, spacing_m: float = 0.0, taken=()) -> list[tuple[float, float]]:
    """n uniform random (lon, lat) inside ``geometry``; with ``spacing_m``, each at least that
    far from the others and from ``taken`` (a grid of cells of about that size)."""
    import numpy as np
    import shapely

    from geodata.distance import haversine_m

    rng = np.random.default_rng(seed)
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    cell = spacing_m / 111_000 * 1.2 if spacing_m else 0.0  # degrees; >= spacing in both axes at 22.5 deg N
    grid: dict[tuple[int, int], list[tuple[float, float]]] = {}

    def key(lon, lat):
        return int(lon // cell), int(lat // cell)

    def far_enough(lon, lat):
        kx, ky = key(lon, lat)
        return all(
            haversine_m(lon, lat, x, y) >= spacing_m
            for dx in (-1, 0, 1) for dy in (-1, 0, 1) for x, y in grid.get((kx + dx, ky + dy), ())
        )

    if cell:
        for lon, lat in taken:
            grid.setdefault(key(lon, lat), []).append((lon, lat))
    points: list[tuple[float, float]] = []
    while len(points) < n:
        lons = rng.uniform(min_lon, max_lon, 4 * n)
        lats = rng.uniform(min_lat, max_lat, 4 * n)
        inside = shapely.contains_xy(geometry, lons, lats)
        for lon, lat in zip(lons[inside].tolist(), lats[inside].tolist()):
            if cell and not far_enough(lon, lat):
                continue
            points.append((round(lon, 7), round(lat, 7)))
            if cell:
                grid.setdefault(key(*points[-1]), []).append(points[-1])
            if len(points) == n:
                break
    return points


def write_csv(path: Path, points: list[tuple[float, float]], seed: int, change_every: int = 0) -> None:
    """The stations of the import benchmark; with ``change_every``, every that-many-th row gets
    other opening hours (same ids, places and everything else)."""
    rng = random.Random(seed)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["external_id", "name", "lon", "lat", "amenities", "opening_hours", "phone"])
        for i, (lon, lat) in enumerate(points):
            amenities = ";".join(rng.sample(AMENITIES, rng.randint(0, 5)))
            hours = rng.choice(HOURS)
            phone = f"0755-{rng.randrange(2000_0000, 9000_0000)}"
            if change_every and i % change_every == 0:
                hours = CHANGED_HOURS
            writer.writerow([f"SZ-{i:06d}", f"深圳职工驿站{i:06d}号", f"{lon:.7f}", f"{lat:.7f}", amenities, hours, phone])


# -- databases ---------------------------------------------------------------------------------


class Databases:
    """Fresh databases on demand: copies of one migrated SQLite file, or PostgreSQL databases
    created from a migrated template."""

    def __init__(self, workdir: Path, postgres_url: str | None):
        self.workdir = workdir
        self.postgres_url = postgres_url
        self.created: list[str] = []
        self.count = 0
        if postgres_url:
            import dj_database_url

            self.base = dj_database_url.parse(postgres_url)["NAME"]
            self.template = self._pg_create(f"{self.base}_bench_manage_template")
            self._migrate({"DATABASE_URL": self._pg_url(self.template)})
        else:
            self.template = workdir / "template.sqlite3"
            self._migrate({"SQLITE_PATH": str(self.template)})

    def label(self) -> str:
        return f"PostgreSQL (scratch databases {self.base}_bench_manage_*)" if self.postgres_url else "SQLite (new files)"

    def fresh(self) -> dict:
        """The environment of a process that uses a new, migrated, empty database."""
        self.count += 1
        if self.postgres_url:
            name = self._pg_create(f"{self.base}_bench_manage_{self.count}", template=self.template)
            return self._env({"DATABASE_URL": self._pg_url(name)})
        path = self.workdir / f"db-{self.count}.sqlite3"
        shutil.copyfile(self.template, path)
        return self._env({"SQLITE_PATH": str(path)})

    def drop_all(self) -> None:
        for name in reversed(self.created):
            self._pg_execute(f'DROP DATABASE IF EXISTS "{name}"')
        self.created = []

    @staticmethod
    def _env(extra: dict) -> dict:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "backend.settings", "DEBUG": "0", "LOG_LEVEL": "ERROR", **extra}
        if "DATABASE_URL" not in extra:
            env.pop("DATABASE_URL", None)
        return env

    def _migrate(self, extra: dict) -> None:
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=self._env(extra), check=True)

    def _pg_url(self, name: str) -> str:
        return self.postgres_url.rsplit("/", 1)[0] + "/" + name

    def _pg_execute(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.postgres_url, autocommit=True) as conn:
            conn.execute(sql)

    def _pg_create(self, name: str, template: str | None = None) -> str:
        self._pg_execute(f'DROP DATABASE IF EXISTS "{name}"')
        self._pg_execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        self.created.append(name)
        return name


def run_child(args: list[str], env: dict) -> tuple[dict, float, int]:
    """(the JSON a child process printed last, its wall seconds, its peak RSS in KiB)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=err)
        # wait4: this child's own resource usage (RUSAGE_CHILDREN would be a max over all children).
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if os.waitstatus_to_exitcode(status):
        sys.exit(f"{' '.join(args[1:4])} ... failed:\n{stdout[-3000:]}\n{stderr[-3000:]}")
    last = stdout.strip().splitlines()[-1]
    return (json.loads(last) if last.startswith("{") else {"line": last}), seconds, usage.ru_maxrss
