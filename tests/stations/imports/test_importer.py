"""The import service without the command: what an upload endpoint will call."""

import datetime

import pytest

from geodata.index import morton_key
from stations.models import Station
from stations.imports import importer
from stations.imports.readers import read_table
from stations.imports.table import ImportFileError
from stations.imports.importer import ImportAborted, ImportOptions, import_stations
from stations.vocabulary import amenity_mask

pytestmark = pytest.mark.django_db

HEADER = "external_id,name,lon,lat,phone\n"


def table(text: str, fmt: str = "csv"):
    return read_table(text.encode("utf-8"), fmt)


def csv_rows(*rows: str):
    return table(HEADER + "".join(f"{row}\n" for row in rows))


def options(**overrides) -> ImportOptions:
    return ImportOptions(**{"source": "svc", "coordsys": "wgs84", "kind": "rest_station", **overrides})


def test_it_lets_the_caller_reject_rows_outside_its_jurisdiction():
    seen = []

    def only_futian(station) -> str | None:
        seen.append(station)
        if station.values["lon"] > 114.1:
            return "outside your jurisdiction (福田区)"
        return None

    report = import_stations(
        csv_rows("A,甲,114.05,22.54,", "B,乙,114.20,22.60,"), options(skip_invalid=True), extra_check=only_futian
    )

    assert (report.created, [(r.row, r.external_id, r.reason) for r in report.rejects]) == (
        1, [(3, "B", "outside your jurisdiction (福田区)")]
    )
    assert [s.external_id for s in seen] == ["A", "B"]
    assert seen[0].values["kind"] == "rest_station" and seen[0].values["lat"] == 22.54
    assert list(Station.objects.values_list("external_id", flat=True)) == ["A"]


def test_it_raises_with_the_report_and_writes_nothing_when_a_row_is_bad():
    with pytest.raises(ImportAborted) as excinfo:
        import_stations(csv_rows("A,甲,114.05,22.54,", "B,乙,0,0,"), options())

    report = excinfo.value.report
    assert (report.created, report.written, [r.row for r in report.rejects]) == (1, False, [3])
    assert str(excinfo.value) == "import aborted: 1 rows rejected, nothing written (fix them, or use --skip-invalid)"
    assert not Station.objects.exists()


def test_it_upserts_and_catches_duplicates_across_chunks(monkeypatch):
    monkeypatch.setattr(importer, "CHUNK_ROWS", 2)
    import_stations(csv_rows("A,甲,114.01,22.51,1", "B,乙,114.02,22.52,2", "C,丙,114.03,22.53,3"), options())

    report = import_stations(
        csv_rows(
            "A,甲,114.01,22.51,1",  # unchanged
            "D,丁,114.04,22.54,4",  # new
            "B,乙,114.02,22.52,20",  # phone changed
            "A,甲二,114.05,22.55,1",  # duplicate of row 2, in another chunk
            "E,戊,114.06,22.56,5",  # new
            "C,丙,114.03,22.535,3",  # moved
        ),
        options(skip_invalid=True),
    )

    assert (report.created, report.updated, report.unchanged) == (2, 2, 1)
    assert [(r.row, r.reason) for r in report.rejects] == [(5, "external_id 'A' was already used on row 2")]
    assert dict(Station.objects.values_list("external_id", "version")) == {"A": 1, "B": 2, "C": 2, "D": 1, "E": 1}
    moved = Station.objects.get(external_id="C")
    assert moved.lat == 22.535 and moved.zkey == morton_key(114.03, 22.535)


def test_it_reports_progress_as_it_reads(monkeypatch):
    monkeypatch.setattr(importer, "PROGRESS_EVERY", 2)
    counts = []

    import_stations(csv_rows(*(f"P{i},站{i},114.0{i},22.5{i}," for i in range(5))), options(), progress=counts.append)

    assert counts == [2, 2, 1]


def test_it_reads_geojson_from_bytes_with_the_feature_id_as_external_id():
    doc = '{"type": "FeatureCollection", "features": [{"type": "Feature", "id": 17, "geometry": {"type": "Point", "coordinates": [114.05, 22.54]}, "properties": {"name": "甲", "amenities": "toilet; wifi"}}]}'

    report = import_stations(table(doc, "geojson"), options())

    assert report.created == 1
    assert Station.objects.values_list("external_id", "amenity_mask").get() == ("17", amenity_mask(["toilet", "wifi"]))


def test_it_uses_one_statement_per_chunk(django_assert_num_queries, monkeypatch):
    monkeypatch.setattr(importer, "CHUNK_ROWS", 3)
    rows = csv_rows(*(f"Q{i},站{i},114.0{i},22.5{i}," for i in range(7)))

    # exists() for the source, the organisations' fingerprint (stations.accounts.places: none
    # here), then one INSERT executemany per chunk of 3 (plus the savepoint pair of the
    # transaction inside the test's own).
    with django_assert_num_queries(1 + 1 + 3 + 2):
        import_stations(rows, options())

    assert Station.objects.count() == 7


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"source": ""}, "a source name is required"),
        ({"source": "x" * 101}, "the source name is longer than 100 characters"),
        ({"id_column": "code"}, "the file has no column(s) code; columns found: external_id, name, lon, lat, phone"),
    ],
)
def test_it_refuses_unusable_options_before_reading_rows(overrides, message):
    with pytest.raises(ImportFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        import_stations(csv_rows("A,甲,114.05,22.54,"), options(**overrides))
    assert not Station.objects.exists()


def test_it_updates_every_kind_of_column_it_compares():
    header = "external_id,name,lon,lat,battery_swap,max_power_kw,charging_sockets,last_verified_at,eligible_workers,status\n"
    import_stations(table(header + "C-1,甲,114.05,22.54,yes,7.5,4,2026-11-01,delivery,open\n"), options(kind="charging_point"))

    report = import_stations(
        table(header + "C-1,甲,114.05,22.54,no,,,2026-11-02T08:30:00+08:00,all,closed\n"), options(kind="charging_point")
    )

    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    station = Station.objects.get()
    assert (station.battery_swap, station.max_power_kw, station.charging_sockets) == (False, None, None)
    assert station.last_verified_at.isoformat() == "2026-11-02T00:30:00+00:00"
    assert (station.eligible_workers, station.status, station.version) == (["all"], "closed", 2)
    again = import_stations(
        table(header + "C-1,甲,114.05,22.54,no,,,2026-11-02T00:30:00Z,all,closed\n"), options(kind="charging_point")
    )
    assert (again.updated, again.unchanged) == (0, 1)  # the same instant, written in UTC


def test_it_rejects_a_last_verified_at_in_the_future():
    header = "external_id,name,lon,lat,last_verified_at\n"
    soon = (datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=4)).isoformat(timespec="seconds")
    rows = f"A,甲,114.05,22.54,2999-01-01\nB,乙,114.06,22.54,2999-01-01T08:00:00+08:00\nC,丙,114.07,22.54,{soon}\n"

    report = import_stations(table(header + rows), options(skip_invalid=True))

    in_future = "must not be in the future: it is more than 5 minutes ahead of the server's clock"
    assert [(r.row, r.reason) for r in report.rejects] == [
        (2, f"last_verified_at '2999-01-01' {in_future}"),
        (3, f"last_verified_at '2999-01-01T08:00:00+08:00' {in_future}"),
    ]
    assert list(Station.objects.values_list("external_id", flat=True)) == ["C"]  # a few minutes of skew are fine


def test_it_fills_city_and_district_from_the_loaded_organisations(shenzhen):
    report = import_stations(csv_rows("A,甲,114.0550,22.5410,", "B,乙,113.2644,23.1291,"), options())  # B: Guangzhou

    assert report.created == 2
    assert list(Station.objects.order_by("external_id").values_list("city", "city_adcode", "district", "district_adcode")) == [
        ("深圳市", "440300", "福田区", "440304"),
        ("", "", "", ""),  # no polygon there: as the file has it
    ]


def test_a_point_outside_every_polygon_keeps_the_district_it_has(shenzhen):
    import_stations(table("external_id,name,lon,lat,district\nB,乙,113.2644,23.1291,越秀区\n"), options())

    report = import_stations(csv_rows("B,乙,113.2644,23.1292,"), options())

    assert report.updated == 1
    assert Station.objects.values_list("district", flat=True).get() == "越秀区"


def test_a_reimport_leaves_a_district_a_manager_entered_until_the_station_moves(shenzhen):
    import_stations(csv_rows("A,甲,114.0550,22.5410,"), options())
    Station.objects.update(district="手填区", district_adcode="")  # a manager's own word

    same_place = import_stations(csv_rows("A,甲,114.0550,22.5410,"), options())
    assert (same_place.unchanged, Station.objects.values_list("district", "district_adcode").get()) == (1, ("手填区", ""))

    moved = import_stations(csv_rows("A,甲,113.9300,22.5330,"), options())
    assert (moved.updated, Station.objects.values_list("district", "district_adcode").get()) == (1, ("南山区", "440305"))


def test_it_keeps_the_first_rejects_and_counts_the_rest(monkeypatch):
    # found by load testing: 770k rows outside the district kept a Reject with its raw row each
    # and took a worker from 190 to 828 MB; now memory does not grow with the rejects.
    monkeypatch.setattr(importer, "MAX_KEPT_REJECTS", 10)
    streamed = []

    report = import_stations(
        csv_rows(*(f"R{i},甲,0,0," for i in range(500)), "A,乙,114.05,22.54,"),
        options(skip_invalid=True, on_reject=streamed.append),
    )

    assert (report.rejected, len(report.rejects), report.created) == (500, 10, 1)
    assert [r.row for r in report.rejects] == list(range(2, 12))
    assert [r.row for r in streamed] == list(range(2, 502))
    assert report.summary_line() == "imported 1 stations (created 1, updated 0, unchanged 0), 500 rows rejected"


def test_it_stops_at_the_row_limit_and_writes_nothing():
    with pytest.raises(ImportFileError, match=r"^the file has more than 2 rows \(the limit of this import\); split it"):
        import_stations(csv_rows("A,甲,114.05,22.54,", "B,乙,114.06,22.54,", "C,丙,114.07,22.54,"), options(max_rows=2))

    assert not Station.objects.exists()


def test_it_estimates_the_rows_of_a_csv_from_its_lines():
    assert csv_rows("A,甲,114.05,22.54,", "B,乙,114.06,22.54,").rows_estimate == 2
