"""The union managers' photo API: add, reorder and delete a station's photos (within their jurisdiction)."""

from django.http import HttpRequest
from ninja import File, Path, Router, Status
from ninja.files import UploadedFile

from stations.accounts.auth import manager_auth
from stations.accounts.jurisdiction import visible_station
from stations.http import paths  # noqa: F401  registers the {id:...} path converter
from stations.http.schemas import ErrorOut, PhotoOut
from stations.photos import store as photo_store
from stations.photos.schemas import PhotoOrderIn

router = Router(auth=manager_auth, tags=["managers"])

_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


@router.post("/stations/{id:station_id}/photos", response={201: PhotoOut, **_ERRORS, 409: ErrorOut, 411: ErrorOut, 413: ErrorOut}, summary="Add a photo")
def add_photo(request: HttpRequest, station_id: Path[int], file: File[UploadedFile]):
    """A JPEG, PNG or WebP (judged by its content) up to 10 MB and 40 megapixels. It is turned
    upright, stripped of all metadata (GPS included) and stored as a ≤ 1600 px WebP with a
    ≤ 320 px thumbnail; riders see both URLs in the station's detail. A station holds at most
    20 photos (the deployment's MAX_PHOTOS_PER_STATION): past that the answer is 409; delete one first."""
    station = visible_station(request.auth, station_id)
    photo = photo_store.add_photo(station, file, request.auth.user)
    return Status(201, photo_store.photo_json(photo))


@router.put("/stations/{id:station_id}/photos/order", response={200: list[PhotoOut], **_ERRORS}, summary="Reorder photos")
def reorder_photos(request: HttpRequest, station_id: Path[int], payload: PhotoOrderIn):
    """Send every photo id of the station once, first shown first."""
    station = visible_station(request.auth, station_id)
    return [photo_store.photo_json(p) for p in photo_store.reorder_photos(station, payload.photo_ids)]


@router.delete("/stations/{id:station_id}/photos/{id:photo_id}", response={204: None, **_ERRORS}, summary="Delete a photo")
def delete_photo(request: HttpRequest, station_id: Path[int], photo_id: Path[int]):
    station = visible_station(request.auth, station_id)
    photo_store.delete_photo(station, photo_id)
    return Status(204, None)
