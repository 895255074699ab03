"""POST /api/v1/stations/{id}/reports: every type, validation, dedupe, deadlines."""

import datetime

import pytest
from django.utils import timezone

from stations import vocabulary as vocab
from stations.models import Report, Station
from tests.stations.reports.helpers import JSON, futian_station, new_rider, record_state, report

pytestmark = pytest.mark.django_db

EXTRAS = {
    "amenity_missing": {"amenity": "drinking_water"},
    "hours_wrong": {"suggested_hours": "Mo-Fr 09:00-18:00"},
    "location_wrong": {"suggested_point": {"lon": 114.0560, "lat": 22.5420}},
}


@pytest.mark.parametrize("report_type", vocab.REPORT_TYPE_CODES)
def test_it_takes_every_report_type_and_never_changes_the_record(report_type):
    station = futian_station()
    before = record_state(station)
    rider = new_rider()

    response = report(rider, station, type=report_type, comment="看到了", **EXTRAS.get(report_type, {}))

    assert response.status_code == 201, response.json()
    body = response.json()
    saved = Report.objects.get()
    assert body["id"] == saved.id and body["type"] == report_type
    if report_type == "confirmed":
        assert (body["status"], body["due_at"]) == ("resolved", None)
    else:
        urgent = report_type in ("closed", "gone", "unsafe_or_dirty")
        assert body["status"] == "open"
        due = datetime.datetime.fromisoformat(body["due_at"])
        assert abs(due - timezone.now() - datetime.timedelta(days=2 if urgent else 7)) < datetime.timedelta(minutes=1)
    assert (saved.station_id, saved.comment, saved.lon, saved.lat) == (station.id, "看到了", station.lon, station.lat)
    assert record_state(station) == before


def test_it_keeps_the_details_of_each_type():
    station = futian_station()
    rider = new_rider()
    for report_type, extra in EXTRAS.items():
        assert report(rider, station, type=report_type, **extra).status_code == 201

    saved = {r.type: r for r in Report.objects.all()}
    assert saved["amenity_missing"].amenity == "drinking_water"
    assert saved["hours_wrong"].suggested_hours == "Mo-Fr 09:00-18:00"
    assert (saved["location_wrong"].suggested_lon, saved["location_wrong"].suggested_lat) == (114.0560, 22.5420)


def test_it_converts_a_suggested_point_from_amap_coordinates():
    station = futian_station()
    report(new_rider(), station, type="location_wrong", suggested_point={"lon": 114.0610, "lat": 22.5380, "coordsys": "gcj02"})

    saved = Report.objects.get()
    assert saved.suggested_lon == pytest.approx(114.0610 - 0.0049, abs=0.001)
    assert saved.suggested_lat == pytest.approx(22.5380 + 0.0029, abs=0.001)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"type": "flooded"}, "type"),
        ({}, "type"),
        ({"type": "amenity_missing", "amenity": "pool"}, "amenity"),
        ({"type": "amenity_missing"}, "amenity"),
        ({"type": "hours_wrong", "suggested_hours": "when the boss is in"}, "suggested_hours"),
        ({"type": "location_wrong", "suggested_point": {"lon": 200, "lat": 22.5}}, "suggested_point.lon"),
        ({"type": "location_wrong", "suggested_point": {"lon": 114.0, "lat": 22.5, "coordsys": "mars"}}, "suggested_point.coordsys"),
        ({"type": "location_wrong", "suggested_point": "here"}, "suggested_point"),
        ({"type": "other", "comment": "长" * 501}, "comment"),
        ({"type": "other", "comment": "a\x00b"}, "comment"),
    ],
)
def test_it_rejects_bad_input_naming_the_field_and_stores_nothing(body, field):
    station = futian_station()
    before = record_state(station)

    response = report(new_rider(), station, **body)

    assert response.status_code == 400
    assert response.json()["detail"].startswith(field), response.json()
    assert Report.objects.count() == 0
    assert record_state(station) == before


def test_it_rejects_a_body_that_is_not_a_json_object():
    station = futian_station()
    rider = new_rider()
    for raw in (b"[1]", b"not json"):
        response = rider.post(f"/api/v1/stations/{station.id}/reports", raw, content_type=JSON)
        assert response.status_code == 400
        assert "JSON object" in response.json()["detail"]


@pytest.mark.parametrize("station_id", ["removed", 999_999, 2**63])
def test_it_answers_404_for_a_missing_or_removed_station(station_id):
    if station_id == "removed":
        station_id = futian_station(status=Station.Status.REMOVED).id

    response = new_rider().post(f"/api/v1/stations/{station_id}/reports", {"type": "closed"}, content_type=JSON)

    assert response.status_code == 404
    assert Report.objects.count() == 0


def test_it_stores_html_as_plain_text():
    station = futian_station()
    report(new_rider(), station, type="other", comment="<script>alert(1)</script>")

    assert Report.objects.get().comment == "<script>alert(1)</script>"


def test_the_same_rider_repeating_a_report_within_a_day_updates_it():
    station = futian_station()
    rider = new_rider()
    first = report(rider, station, type="closed", comment="锁门")

    again = report(rider, station, type="closed", comment="还是锁门")

    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Report.objects.count() == 1
    assert Report.objects.get().comment == "还是锁门"


def test_a_repeat_after_a_day_or_of_another_type_or_by_another_rider_is_a_new_report():
    station = futian_station()
    rider = new_rider()
    report(rider, station, type="closed")
    Report.objects.update(seen_at=timezone.now() - datetime.timedelta(hours=25))

    assert report(rider, station, type="closed").status_code == 201
    assert report(rider, station, type="gone").status_code == 201
    assert report(rider, station, type="amenity_missing", amenity="toilet").status_code == 201
    assert report(rider, station, type="amenity_missing", amenity="wifi").status_code == 201
    assert report(new_rider(), station, type="closed").status_code == 201
    assert Report.objects.count() == 6


def test_it_takes_a_photo_in_a_multipart_form_and_strips_its_metadata(tmp_path, settings):
    import io

    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    image = Image.new("RGB", (64, 48), "red")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    data = io.BytesIO()
    image.save(data, "JPEG", exif=exif)
    data.seek(0)
    data.name = "door.jpg"
    station = futian_station()

    response = new_rider().post(f"/api/v1/stations/{station.id}/reports", {"type": "closed", "comment": "锁着", "photo": data})

    assert response.status_code == 201, response.json()
    saved = Report.objects.get()
    assert saved.comment == "锁着" and saved.photo_name.endswith(".webp")
    stored = Image.open(tmp_path / saved.photo_name)
    assert stored.format == "WEBP" and not stored.getexif()


def test_it_rejects_a_file_that_is_not_a_photo():
    import io

    station = futian_station()
    data = io.BytesIO(b"%PDF-1.4 not a photo")
    data.name = "x.jpg"

    response = new_rider().post(f"/api/v1/stations/{station.id}/reports", {"type": "closed", "photo": data})

    assert response.status_code == 400
    assert Report.objects.count() == 0
