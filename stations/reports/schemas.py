"""Schemas of the riders' reports and the managers' inbox. Explicit fields, never __all__."""

import datetime
from typing import Annotated, Literal

import orjson
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.errors import ValidationError
from pydantic import AfterValidator, field_validator
from pydantic import ValidationError as PydanticError

from stations import limits
from stations import vocabulary as vocab
from stations.http.schemas import Coordsys, Kind, Latitude, Longitude
from stations.search.hours import hours_error

ReportType = Literal[vocab.REPORT_TYPE_CODES]
Amenity = Literal[vocab.AMENITY_CODES]
Status = Literal["open", "acknowledged", "resolved"]
Resolution = Literal["fixed", "no_problem_found", "duplicate", "rejected"]


def _plain_text(text: str) -> str:
    # Stored and answered as text, never as HTML; NUL is refused by PostgreSQL, so by both.
    if "\x00" in text:
        raise ValueError("must not contain NUL (\\x00) characters")
    return text.strip()


def _hours(text: str) -> str:
    error = hours_error(text)
    if error:
        raise ValueError(error)
    return text


Comment = Annotated[str, Field(max_length=limits.MAX_REPORT_COMMENT_CHARS), AfterValidator(_plain_text)]
Hours = Annotated[str, Field(max_length=255), AfterValidator(_plain_text), AfterValidator(_hours)]
Name = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_plain_text)]


class PointIn(Schema):
    lon: Longitude
    lat: Latitude
    coordsys: Coordsys = "wgs84"


class RiderKeyOut(Schema):
    rider_token: str = Field(..., description="Send it as `Authorization: Bearer <rider_token>` on every rider write. Shown once.")


class ReportIn(Schema):
    type: ReportType = Field(..., description="A code of /api/v1/meta `report_types`.")
    amenity: Amenity | None = Field(None, description="amenity_missing: which amenity (a code of /api/v1/meta `amenities`).")
    comment: Comment = ""
    suggested_hours: Hours = Field("", description="hours_wrong: the hours you saw, OpenStreetMap opening_hours syntax.")
    suggested_point: PointIn | None = Field(None, description="location_wrong: where the station really is.")


class SuggestionIn(Schema):
    name: Name
    kind: Kind
    point: PointIn
    amenities: list[Amenity] = []
    opening_hours: Hours = ""
    comment: Comment = ""


class ReportCreatedOut(Schema):
    id: int
    type: str
    status: Status
    due_at: str | None = Field(..., description="When the union should have handled it; null for a confirmation")


class NearbyStationOut(Schema):
    id: int
    name: str
    kind: str
    lat: float
    lon: float
    distance_m: float


class SuggestionCreatedOut(ReportCreatedOut):
    nearby: list[NearbyStationOut] = Field(..., description="Existing stations within 100 m it may duplicate, nearest first")


class MyReportOut(Schema):
    id: int
    type: str
    station_id: int | None
    name: str = Field(..., description="A suggestion's station name")
    amenity: str
    comment: str
    status: Status
    resolution: str = Field(..., description="The union's decision once resolved: fixed, no_problem_found, duplicate, rejected, approved")
    note: str = Field(..., description="The union's answer")
    created_at: str
    due_at: str | None
    resolved_at: str | None
    created_station_id: int | None


class MyReportsOut(Schema):
    count: int
    results: list[MyReportOut]


class InboxQueryIn(Schema):
    status: Status | None = Field(None, description="Default: open and acknowledged.")
    type: Literal[(*vocab.REPORT_TYPE_CODES, "suggestion")] | None = None
    due_before: datetime.datetime | None = None
    overdue: bool | None = Field(None, description="true: only overdue; false: only not overdue")
    limit: int = Field(limits.DEFAULT_PAGE_SIZE, ge=1, le=limits.MAX_PAGE_SIZE)
    cursor: str | None = None


class StationBriefOut(Schema):
    id: int
    name: str
    kind: str
    status: str
    lat: float
    lon: float
    district: str
    alerts: list[str]
    last_confirmed_at: str | None


class OtherReportOut(Schema):
    id: int
    type: str
    amenity: str
    status: Status
    seen_at: str


class InboxItemOut(Schema):
    id: int
    type: str
    status: Status
    overdue: bool
    station: StationBriefOut | None
    amenity: str
    comment: str
    suggested_hours: str
    suggested_point: dict | None = Field(..., description="{lon, lat} in WGS-84")
    name: str
    kind: str
    amenities: list[str]
    lon: float
    lat: float
    photo_url: str | None
    created_at: str
    seen_at: str
    due_at: str | None
    acknowledged_at: str | None
    resolved_at: str | None
    resolution: str
    note: str
    change_id: int | None
    created_station_id: int | None
    other_reports: list[OtherReportOut] = Field(..., description="Other riders' latest unresolved reports on the same station (up to 5)")


class InboxPageOut(Schema):
    results: list[InboxItemOut]
    next: str | None


class ResolveIn(Schema):
    resolution: Resolution
    note: Comment = ""
    change_id: int | None = Field(None, description="The station's history entry of the fix (from the write API), linked to the report")

    @field_validator("change_id")
    @classmethod
    def _positive(cls, value):
        if value is not None and not 1 <= value < 2**63:
            raise ValueError("must be a history entry id")
        return value


class ApproveIn(Schema):
    force: bool = Field(False, description="Create it even if a similar station of the same kind is within 30 m")


class RejectIn(Schema):
    reason: Annotated[str, Field(min_length=1, max_length=limits.MAX_REPORT_COMMENT_CHARS), AfterValidator(_plain_text)]


_JSON_FORM_FIELDS = ("suggested_point", "point", "amenities")


def _fields_of(request: HttpRequest) -> dict:
    if request.content_type == "multipart/form-data":
        fields = {name: request.POST[name] for name in request.POST}
        for name in _JSON_FORM_FIELDS:  # structured fields travel as JSON text in a form
            if name in fields:
                try:
                    fields[name] = orjson.loads(fields[name])
                except orjson.JSONDecodeError:
                    raise ValidationError([{"loc": ("body", "payload", name), "msg": "must be JSON in a multipart form", "input": fields[name]}]) from None
        return fields
    try:
        fields = orjson.loads(request.body or b"{}")
    except orjson.JSONDecodeError:
        raise ValidationError([{"loc": ("body", "payload"), "msg": "the body must be a JSON object (or a multipart form)"}]) from None
    if not isinstance(fields, dict):
        raise ValidationError([{"loc": ("body", "payload"), "msg": "the body must be a JSON object (or a multipart form)"}])
    return fields


def parse_body(request: HttpRequest, schema: type[Schema]) -> dict:
    """The request's JSON object or multipart form, validated by ``schema``; 400 naming the field.

    Read by hand (not as a ninja body parameter) so that one endpoint takes JSON or a form with
    a photo, and so that managers' verbs decide access before they judge the body."""
    try:
        return schema.model_validate(_fields_of(request)).model_dump()
    except PydanticError as exc:
        raise ValidationError([_located(error) for error in exc.errors()]) from None


def _located(error: dict) -> dict:
    error = {**error, "loc": ("body", "payload", *error["loc"])}
    if not isinstance(error.get("input"), str | int | float | bool):
        error.pop("input", None)  # a whole object (ninja's wrapper) says nothing useful
    return error


def body_schema(schema: type[Schema], multipart: bool = False) -> dict:
    """An OpenAPI requestBody for a body read by parse_body (its JSON schema inlined)."""
    document = schema.model_json_schema()
    definitions = document.pop("$defs", {})

    def inline(node):
        if isinstance(node, dict):
            if "$ref" in node:
                return inline(definitions[node["$ref"].rsplit("/", 1)[-1]])
            return {key: inline(value) for key, value in node.items()}
        if isinstance(node, list):
            return [inline(value) for value in node]
        return node

    document = inline(document)
    content = {"application/json": {"schema": document}}
    if multipart:
        form = {**document, "properties": {**document["properties"], "photo": {"type": "string", "format": "binary"}}}
        content["multipart/form-data"] = {"schema": form}
    return {"requestBody": {"required": True, "content": content}}
