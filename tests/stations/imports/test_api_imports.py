import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from stations.models import Station, StationChange
from stations.records.state import state_of
from tests.stations.helpers import futian_station, registry_state

pytestmark = pytest.mark.django_db
URL = "/api/v1/manage/imports"
HEADER = "external_id,name,lon,lat,amenities,opening_hours\n"
FUTIAN_ROWS = "FT-1,福田驿站一,114.0550,22.5410,toilet;drinking_water,24/7\nFT-2,福田驿站二,114.0600,22.5420,,Mo-Fr 08:00-20:00\n"
NANSHAN_ROW = "NS-1,南山驿站,113.9300,22.5330,,\n"


def upload(client, text, name="stations.csv", **form):
    data = {"file": SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv"), "coordsys": "wgs84", "kind": "rest_station", **form}
    return client.post(URL, data)


def test_it_imports_a_spreadsheet_with_history(manager_futian):
    response = upload(manager_futian, HEADER + FUTIAN_ROWS)

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["created"], body["updated"], body["rejected"], body["written"]) == (2, 0, 0, True)
    assert body["summary"] == "imported 2 stations (created 2, updated 0, unchanged 0), 0 rows rejected"
    station = Station.objects.get(external_id="FT-1")
    assert station.source == "org:福田区" and station.amenities == ["drinking_water", "toilet"]
    change = StationChange.objects.get(station=station)
    assert (change.action, change.via, change.changed_by_name) == ("create", "import", "futian_manager")


def test_a_reupload_updates_and_records_the_diff(manager_futian):
    upload(manager_futian, HEADER + FUTIAN_ROWS)
    response = upload(manager_futian, HEADER + FUTIAN_ROWS.replace("24/7", "Mo-Su 06:00-23:00"))

    assert (response.json()["created"], response.json()["updated"], response.json()["unchanged"]) == (0, 1, 1)
    latest = StationChange.objects.filter(station__external_id="FT-1").order_by("-id").first()
    assert latest.action == "import" and latest.diff == {"opening_hours": ["24/7", "Mo-Su 06:00-23:00"]}
    assert latest.version == 2


def test_it_rejects_rows_outside_the_jurisdiction_by_number_and_writes_nothing(manager_futian):
    before = registry_state()
    response = upload(manager_futian, HEADER + FUTIAN_ROWS + NANSHAN_ROW)

    assert response.status_code == 400
    body = response.json()
    assert body["errors"] == [{"row": 4, "external_id": "NS-1", "reason": "point (lon 113.930000, lat 22.533000) (WGS-84) is outside your jurisdiction (福田区)"}]
    assert "nothing written" in body["detail"] and "skip_invalid=true" in body["detail"]
    assert registry_state() == before


def test_skip_invalid_writes_the_good_rows(manager_futian):
    response = upload(manager_futian, HEADER + FUTIAN_ROWS + NANSHAN_ROW, skip_invalid="true")
    assert response.status_code == 200
    assert (response.json()["created"], response.json()["rejected"]) == (2, 1)
    assert not Station.objects.filter(external_id="NS-1").exists()


def test_a_dry_run_validates_without_writing(manager_futian):
    before = registry_state()
    response = upload(manager_futian, HEADER + FUTIAN_ROWS, dry_run="true")
    assert response.status_code == 200
    assert response.json()["dry_run"] is True and response.json()["created"] == 2 and response.json()["written"] is False
    assert registry_state() == before


def test_it_will_not_change_an_own_station_moved_out_by_the_city(manager_futian):
    futian_station(source="org:福田区", external_id="FT-1", lon=113.93, lat=22.533)  # now in Nanshan
    before = registry_state()
    response = upload(manager_futian, HEADER + FUTIAN_ROWS)
    assert response.status_code == 400
    assert "now lies outside your jurisdiction" in response.json()["errors"][0]["reason"]
    assert registry_state() == before


@pytest.mark.parametrize(
    ("text", "name", "form", "message"),
    [
        (HEADER + "FT-1,x,114.05,22.54,sauna,\n", "s.csv", {}, "unknown amenity 'sauna'"),
        (HEADER + "FT-1,x,114.05,22.54,,whenever\n", "s.csv", {}, "not valid OpenStreetMap opening_hours"),
        (HEADER + "FT-1,x,0,0,,\n", "s.csv", {}, "(0, 0) is a placeholder"),
        ("name,lon\nx,114\n", "s.csv", {}, "the file has no column(s) external_id, lat"),
        ("%PDF-1.7 binary", "s.pdf", {}, "cannot tell the format"),
        (HEADER + FUTIAN_ROWS, "s.csv", {"coordsys": "mars"}, "coordsys: Input should be 'wgs84', 'gcj02' or 'bd09'"),
        (HEADER + FUTIAN_ROWS, "s.csv", {"kind": "spa"}, "kind: Input should be"),
        ("{not json", "s.geojson", {}, ""),
        ("external_id,name,lon,lat\nFT-1,x,114.05,22.54\n", "s.xlsx", {}, "Excel workbook"),  # a CSV named .xlsx
        ("PK\x03\x04 not really a zip", "s.xlsx", {}, "damaged or incomplete"),
    ],
)
def test_it_explains_what_to_fix(manager_futian, text, name, form, message):
    before = registry_state()
    response = upload(manager_futian, text, name=name, **form)

    assert response.status_code == 400
    body = response.json()
    assert message in (body["detail"] + " ".join(e["reason"] for e in body.get("errors", [])))
    assert registry_state() == before


def test_it_needs_a_file(manager_futian):
    response = manager_futian.post(URL, {"coordsys": "wgs84"})
    assert response.status_code == 400
    assert "file: Field required" in response.json()["detail"]


def test_anonymous_uploads_are_refused(shenzhen, rider):
    response = rider.post(URL, {"file": SimpleUploadedFile("s.csv", (HEADER + FUTIAN_ROWS).encode()), "coordsys": "wgs84"})
    assert response.status_code == 401
    assert Station.objects.count() == 0


def test_it_imports_an_xlsx_upload(manager_futian):
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["external_id", "name", "lon", "lat", "phone"])
    sheet.append(["FT-X1", "福田表格驿站", 114.0550, 22.5410, 13800138000])
    buffer = io.BytesIO()
    book.save(buffer)
    data = {"file": SimpleUploadedFile("futian.xlsx", buffer.getvalue()), "coordsys": "wgs84", "kind": "rest_station"}

    response = manager_futian.post(URL, data)

    assert response.status_code == 200, response.content
    assert Station.objects.get(external_id="FT-X1").phone == "13800138000"


def test_an_imported_change_records_who_when_and_the_whole_state(manager_futian):
    started = timezone.now()
    upload(manager_futian, HEADER + FUTIAN_ROWS)

    change = StationChange.objects.get(station__external_id="FT-2")
    station = change.station
    assert started <= change.changed_at <= timezone.now()
    assert (change.changed_by, change.organisation_name, change.reverted_change) == (manager_futian.account.user, "福田区", None)
    assert change.snapshot == state_of(station)
    assert change.diff == {"name": [None, "福田驿站二"], "kind": [None, "rest_station"], "status": [None, "open"], "lat": [None, 22.542],
                           "lon": [None, 114.06], "opening_hours": [None, "Mo-Fr 08:00-20:00"], "eligible_workers": [None, ["all"]],
                           "city": [None, "深圳市"], "city_adcode": [None, "440300"], "district": [None, "福田区"],
                           "district_adcode": [None, "440304"]}


def test_it_fills_city_and_district_from_the_polygons_unless_the_file_says(manager_shenzhen):
    text = (
        "external_id,name,lon,lat,city,district\n"
        "SZ-1,福田驿站,114.0550,22.5410,,\n"  # nothing said: both pairs filled
        "SZ-2,南山驿站,113.9300,22.5330,深圳市,\n"  # the city agrees: its adcode filled too
        "SZ-3,后海驿站,113.9310,22.5330,,后海片区\n"  # a district of its own: kept, unmixed
    )

    response = upload(manager_shenzhen, text)

    assert response.status_code == 200 and response.json()["created"] == 3
    assert sorted(Station.objects.values_list("external_id", "city", "city_adcode", "district", "district_adcode")) == [
        ("SZ-1", "深圳市", "440300", "福田区", "440304"),
        ("SZ-2", "深圳市", "440300", "南山区", "440305"),
        ("SZ-3", "深圳市", "440300", "后海片区", ""),
    ]
    again = upload(manager_shenzhen, text)
    assert (again.json()["updated"], again.json()["unchanged"]) == (0, 3)


def test_a_reimport_that_moves_a_station_recomputes_its_district(manager_shenzhen):
    upload(manager_shenzhen, HEADER + "SZ-1,驿站,114.0550,22.5410,,\n")

    moved = upload(manager_shenzhen, HEADER + "SZ-1,驿站,113.9300,22.5330,,\n")

    assert moved.json()["updated"] == 1
    assert Station.objects.values_list("district", "district_adcode").get() == ("南山区", "440305")


def test_a_file_over_the_limit_answers_413_and_writes_nothing(manager_futian, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 100  # the request itself fits the middleware's multipart allowance
    text = HEADER + FUTIAN_ROWS

    response = upload(manager_futian, text)

    assert response.status_code == 413
    assert response.json() == {"detail": f"the file is {len(text.encode())} bytes; uploads are limited to 100 bytes: split it"}
    assert Station.objects.count() == 0


def test_an_upload_past_the_row_limit_is_refused_whole(manager_futian, settings):
    settings.IMPORT_MAX_ROWS = 1
    before = registry_state()

    response = upload(manager_futian, HEADER + FUTIAN_ROWS)

    assert response.status_code == 400
    assert response.json()["detail"].startswith("the file has more than 1 rows (the limit of this import); split it")
    assert registry_state() == before


def test_the_answer_counts_every_rejected_row_and_lists_the_first_thousand(manager_futian):
    rows = "".join(f"NS-{i},南山驿站,113.9300,22.5330,,\n" for i in range(1005))

    body = upload(manager_futian, HEADER + rows).json()

    assert (body["rejected"], len(body["errors"])) == (1005, 1000)
    assert body["detail"] == "import aborted: 1005 rows rejected, nothing written (fix them, or use skip_invalid=true)"
