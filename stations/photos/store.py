"""Station photos in Django's storage (MEDIA_ROOT by default; any storage backend works)."""

import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max

from stations.errors import BadRequest, Conflict, NotFound
from stations.models import Station, StationPhoto
from stations.photos.processing import check_upload_size, photo_storage_names, process_photo


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


def _storage_save(name: str, content: bytes) -> str:
    return default_storage.save(name, ContentFile(content))


@transaction.atomic
def add_photo(station: Station, upload, user) -> StationPhoto:
    """Verify, clean (EXIF orientation applied, all metadata stripped) and store an uploaded
    photo with its thumbnail, last in the station's order. Raises PhotoRejected with what to
    fix; a file over the limit, or one more than MAX_PHOTOS_PER_STATION, is refused before it
    is read (Conflict). The caller has checked the station is visible to the uploader."""
    # The station's row is locked so that two uploads at once cannot both take the last place.
    Station.objects.select_for_update().filter(pk=station.pk).values_list("pk").first()
    count = station.photos.count()
    if count >= settings.MAX_PHOTOS_PER_STATION:
        raise Conflict(
            f"station {station.pk} already has {count} photos, the most a station may have; delete one"
            f" (DELETE /api/v1/manage/stations/{station.pk}/photos/<photo_id>) before adding another"
        )
    check_upload_size(upload.size)
    processed = process_photo(upload.read())
    full_name, thumb_name = photo_storage_names(station.pk, uuid.uuid4())
    full_name = _storage_save(full_name, processed.full)
    thumb_name = _storage_save(thumb_name, processed.thumb)
    last = station.photos.aggregate(last=Max("position"))["last"]
    return StationPhoto.objects.create(
        station=station,
        full_name=full_name,
        thumb_name=thumb_name,
        width=processed.width,
        height=processed.height,
        position=0 if last is None else last + 1,
        uploaded_by=user,
    )


def delete_photo(station: Station, photo_id: int) -> None:
    photo = station.photos.filter(pk=photo_id).first()
    if photo is None:
        raise NotFound(f"station {station.pk} has no photo {photo_id}")
    photo.delete()
    # Files go after the row: a failed delete leaves an orphan file, never a broken link.
    for name in (photo.full_name, photo.thumb_name):
        default_storage.delete(name)


@transaction.atomic
def reorder_photos(station: Station, photo_ids: list[int]) -> list[StationPhoto]:
    current = {photo.pk: photo for photo in station.photos.select_for_update()}
    if sorted(photo_ids) != sorted(current) or len(set(photo_ids)) != len(photo_ids):
        raise BadRequest(
            f"photo_ids must list each of this station's photos exactly once, in the new order; its photos are {sorted(current)}"
        )
    for position, pk in enumerate(photo_ids):
        current[pk].position = position
    StationPhoto.objects.bulk_update(current.values(), ["position"])
    return [current[pk] for pk in photo_ids]
