"""Schemas of the managers' photo API (/api/v1/manage/stations/{id}/photos). The photo itself
(PhotoOut) is part of the public station record, in stations.http.schemas."""

from ninja import Field, Schema


class PhotoOrderIn(Schema):
    photo_ids: list[int] = Field(..., description="Every photo id of the station, in the new order")
