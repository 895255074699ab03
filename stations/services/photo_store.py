"""Station photos in Django's storage (MEDIA_ROOT by default; any storage backend works)."""

from django.core.files.storage import default_storage

from stations.models import Station, StationPhoto


def photo_json(photo: StationPhoto) -> dict:
    return {
        "id": photo.id,
        "position": photo.position,
        "url": default_storage.url(photo.full_name),
        "thumb_url": default_storage.url(photo.thumb_name),
        "width": photo.width,
        "height": photo.height,
    }


def photos_json(station: Station) -> list[dict]:
    return [photo_json(photo) for photo in station.photos.all()]
