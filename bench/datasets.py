"""Benchmark databases of city-distributed stations, built once and reused (bench/out/).

A dataset is a real Yizhan schema (migrations) filled with bench/citygen.py stations through
plain executemany / COPY, so every benchmark measures the production code on production tables.
Call ``use_database(...)`` before ``django.setup()``.
"""

import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))

KIND_SHARES = (("rest_station", 0.70), ("charging_point", 0.295), ("driver_home", 0.005))
HOURS = ("24/7", "Mo-Su 08:00-20:00", "Mo-Fr 09:00-18:00", "")
AED_BIT = 1 << 13  # stations.vocabulary AMENITIES index of "aed"
COMMON_MASK = 0b1111_1111_1111  # the first 12 amenities, sampled per station
# Names and addresses as long as real ones (the demo's are 27-39 bytes of UTF-8 for names; about
# half the records have an address, ~95 bytes): row and index sizes decide how many pages a search reads.
ROADS = ("深南大道", "滨河大道", "人民路", "解放路", "建设路", "中山路", "和平路", "科技园路", "新华街", "长江路")
DISTRICTS = ("福田区", "南山区", "罗湖区", "宝安区", "龙岗区", "龙华区", "光明区")
KIND_WORDS = {"rest_station": "户外劳动者服务站", "charging_point": "电动车充电站", "driver_home": "司机之家"}
DATASET_VERSION = 2  # bump when the generated rows change, so stale bench/out databases are rebuilt


def use_database(n: int, postgres_url: str | None = None) -> str:
    """Point Django at the dataset's database (SQLite file, or a PostgreSQL URL); returns its label."""
    OUT.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    if postgres_url:
        os.environ["DATABASE_URL"] = postgres_url
        return postgres_url
    os.environ.pop("DATABASE_URL", None)
    path = OUT / f"stations-{n}.sqlite3"
    os.environ["SQLITE_PATH"] = str(path)
    return str(path)


def station_rows(n: int, seed: int = 42):
    """(id, lon, lat, kind, amenity_mask, opening_hours) for n generated stations; ids 1..n."""
    from bench.citygen import stations

    rng = random.Random(seed + 1)
    kinds = [k for k, _ in KIND_SHARES]
    weights = [w for _, w in KIND_SHARES]
    for i, (lon, lat) in enumerate(stations(n, seed), start=1):
        mask = rng.getrandbits(12) & COMMON_MASK
        if rng.random() < 0.01:
            mask |= AED_BIT
        yield i, lon, lat, rng.choices(kinds, weights)[0], mask, rng.choice(HOURS)


def ensure_loaded(n: int, seed: int = 42) -> float:
    """Migrate and fill the current database with n stations unless it already holds them.
    Returns the seconds spent loading (0 when reused)."""
    import time

    from django.core.management import call_command
    from django.db import connection, transaction

    from geodata.index import morton_key
    from stations.models import Station

    call_command("migrate", verbosity=0)
    source = f"bench:{seed}:v{DATASET_VERSION}"
    if Station.objects.count() == n and Station.objects.filter(source=source).count() == n:
        return 0.0
    started = time.perf_counter()
    Station.objects.all().delete()
    columns = (
        "id, name, name_en, kind, status, lat, lon, zkey, address, city, city_adcode, district, district_adcode, "
        "amenity_mask, eligible_workers_mask, opening_hours, phone, operator, charging_vehicle, source, external_id, "
        "created_at, updated_at, version"
    )
    now = "2026-11-24 00:00:00"

    def rows():
        for i, lon, lat, kind, mask, hours in station_rows(n, seed):
            name = f"{ROADS[i % 10]}{KIND_WORDS[kind]}{i % 97 + 1}号"
            address = "" if i % 2 else f"广东省深圳市{DISTRICTS[i % 7]}{ROADS[i // 10 % 10]}{i % 997 + 1}号{i % 9 + 1}栋一楼"
            yield (i, name, "", kind, "open", lat, lon, morton_key(lon, lat), address, "", "", "", "", mask, 63, hours, "", "", "", source, str(i), now, now, 1)

    table = Station._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.connection.cursor().copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows():
                    copy.write_row(row)
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {n})")
        else:
            batch = []
            sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * 24)})"
            for row in rows():
                batch.append(row)
                if len(batch) == 50_000:
                    cursor.executemany(sql, batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
    with connection.cursor() as cursor:
        # VACUUM sets PostgreSQL's visibility map (index-only scans), as autovacuum would soon after a load.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return time.perf_counter() - started


def create_postgres_database(name: str, base_url: str = "postgres://postgres@127.0.0.1:5432/postgres") -> str:
    import psycopg

    with psycopg.connect(base_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    return base_url.rsplit("/", 1)[0] + "/" + name
