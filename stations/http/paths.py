"""Path segments of the API's URLs.

An id in a path is written ``{id:station_id}``: the segment matches only an optionally signed
run of digits, so ``/stations/along`` matches no route and answers the fallback's 404 (an
unknown endpoint) instead of a 400 about ``station_id``. The digits are handed on unchanged, so
the view's ``Path[int]`` parses them and an integer out of range (``-1``, 25 digits) answers
exactly as it did. ninja strips the converter from the published OpenAPI path
(``/stations/{station_id}``).
"""

from django.urls import register_converter

ID = "id"


class IdConverter:
    regex = "-?[0-9]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)


register_converter(IdConverter, ID)
