import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from stations.models import StationPhoto
from tests.stations.helpers import JSON, futian_station

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def jpeg_with_gps(size=(2400, 1800), orientation=6) -> bytes:
    image = Image.new("RGB", size, (30, 120, 200))
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif.get_ifd(0x8825)[2] = (22.0, 32.0, 27.0)  # GPSLatitude
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes(), quality=90)
    return buffer.getvalue()


def upload(client, station, data: bytes, name="entrance.jpg"):
    return client.post(f"/api/v1/manage/stations/{station.id}/photos", {"file": SimpleUploadedFile(name, data, content_type="image/jpeg")})


def test_it_stores_an_upright_stripped_photo_and_riders_see_it(manager_futian, rider, media):
    station = futian_station()
    response = upload(manager_futian, station, jpeg_with_gps())

    assert response.status_code == 201, response.content
    photo = response.json()
    assert (photo["width"], photo["height"]) == (1200, 1600)  # rotated by its EXIF orientation, ≤ 1600 px
    stored = Image.open(media / StationPhoto.objects.get().full_name)
    assert stored.format == "WEBP" and stored.size == (1200, 1600)
    assert not stored.getexif() and "exif" not in stored.info
    thumb = Image.open(media / StationPhoto.objects.get().thumb_name)
    assert max(thumb.size) == 320

    detail = rider.get(f"/api/v1/stations/{station.id}").json()
    assert detail["photos"] == [photo]
    assert photo["url"].startswith("/media/stations/") and photo["thumb_url"].endswith("_thumb.webp")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"GIF89a" + b"\0" * 100, "GIF"),
        (b"not an image at all", "JPEG, PNG or WebP"),
        (jpeg_with_gps()[:2000], "truncated or damaged"),
    ],
)
def test_it_refuses_what_is_not_a_photo_and_stores_nothing(manager_futian, media, data, message):
    station = futian_station()
    response = upload(manager_futian, station, data)

    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert StationPhoto.objects.count() == 0 and not any(media.rglob("*.webp"))


def test_it_refuses_a_decompression_bomb(manager_futian):
    station = futian_station()
    buffer = io.BytesIO()
    Image.new("1", (8000, 6000)).save(buffer, "PNG")  # 48 MP, a few KB
    response = upload(manager_futian, station, buffer.getvalue(), name="bomb.png")

    assert response.status_code == 400
    assert "megapixels" in response.json()["detail"]
    assert StationPhoto.objects.count() == 0


def test_it_refuses_files_over_10_mb(manager_futian):
    station = futian_station()
    response = upload(manager_futian, station, b"\xff\xd8" + b"\0" * (10 * 2**20))
    assert response.status_code == 413
    assert "10 MB" in response.json()["detail"]


def test_managers_reorder_and_delete_photos(manager_futian, media):
    station = futian_station()
    ids = [upload(manager_futian, station, jpeg_with_gps((400, 300), 1)).json()["id"] for _ in range(3)]

    response = manager_futian.put(f"/api/v1/manage/stations/{station.id}/photos/order", {"photo_ids": ids[::-1]}, content_type=JSON)
    assert response.status_code == 200
    assert [p["id"] for p in response.json()] == ids[::-1]

    bad = manager_futian.put(f"/api/v1/manage/stations/{station.id}/photos/order", {"photo_ids": ids[:2]}, content_type=JSON)
    assert bad.status_code == 400 and "exactly once" in bad.json()["detail"]

    gone = StationPhoto.objects.get(pk=ids[0])
    assert manager_futian.delete(f"/api/v1/manage/stations/{station.id}/photos/{ids[0]}").status_code == 204
    assert not (media / gone.full_name).exists() and not (media / gone.thumb_name).exists()
    assert manager_futian.delete(f"/api/v1/manage/stations/{station.id}/photos/{ids[0]}").status_code == 404
    assert list(StationPhoto.objects.order_by("position").values_list("id", flat=True)) == ids[:0:-1]


def test_other_districts_cannot_touch_the_photos(manager_futian, manager_nanshan):
    station = futian_station()
    photo_id = upload(manager_futian, station, jpeg_with_gps((400, 300), 1)).json()["id"]

    assert upload(manager_nanshan, station, jpeg_with_gps((400, 300), 1)).status_code == 404
    assert manager_nanshan.delete(f"/api/v1/manage/stations/{station.id}/photos/{photo_id}").status_code == 404
    assert StationPhoto.objects.count() == 1


def test_photo_urls_are_served(manager_futian, rider):
    station = futian_station()
    photo = upload(manager_futian, station, jpeg_with_gps((400, 300), 1)).json()
    response = rider.get(photo["thumb_url"])
    assert response.status_code == 200
    assert Image.open(io.BytesIO(b"".join(response.streaming_content))).format == "WEBP"


def add_stored_photos(station, n: int) -> None:
    """Photo rows without files: the cap counts rows."""
    StationPhoto.objects.bulk_create(
        StationPhoto(station=station, full_name=f"x/{i}.webp", thumb_name=f"x/{i}_thumb.webp", width=1, height=1, position=i) for i in range(n)
    )


def test_a_station_holds_at_most_20_photos_by_default(settings):
    assert settings.MAX_PHOTOS_PER_STATION == 20


def test_a_photo_past_the_cap_answers_409_and_stores_nothing(manager_futian, media, settings):
    # found by fuzzing: one station had collected 632 photos
    settings.MAX_PHOTOS_PER_STATION = 3
    station = futian_station()
    add_stored_photos(station, 3)

    response = upload(manager_futian, station, jpeg_with_gps((400, 300), 1))

    assert response.status_code == 409, response.content
    assert response.json() == {
        "detail": f"station {station.id} already has 3 photos, the most a station may have; delete one"
        f" (DELETE /api/v1/manage/stations/{station.id}/photos/<photo_id>) before adding another"
    }
    assert StationPhoto.objects.count() == 3 and not any(media.rglob("*.webp"))


def test_the_cap_counts_what_is_left_after_a_delete(manager_futian, settings):
    settings.MAX_PHOTOS_PER_STATION = 2
    station = futian_station()
    first = upload(manager_futian, station, jpeg_with_gps((400, 300), 1)).json()["id"]
    assert upload(manager_futian, station, jpeg_with_gps((400, 300), 1)).status_code == 201
    assert upload(manager_futian, station, jpeg_with_gps((400, 300), 1)).status_code == 409

    manager_futian.delete(f"/api/v1/manage/stations/{station.id}/photos/{first}")

    assert upload(manager_futian, station, jpeg_with_gps((400, 300), 1)).status_code == 201
    assert StationPhoto.objects.filter(station=station).count() == 2


def test_a_full_station_outside_the_jurisdiction_is_still_404(manager_nanshan, settings):
    settings.MAX_PHOTOS_PER_STATION = 1
    station = futian_station()
    add_stored_photos(station, 1)

    response = upload(manager_nanshan, station, jpeg_with_gps((400, 300), 1))

    assert response.status_code == 404
    assert StationPhoto.objects.count() == 1
