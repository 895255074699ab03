"""stations.http.fast_query: query strings read like Django's request.GET, without the QueryDict."""

import pytest
from django.core.exceptions import TooManyFieldsSent
from django.test import RequestFactory

from stations.http.fast_query import query_values


@pytest.mark.parametrize(
    "query_string",
    [
        "",
        "lat=22.5&lon=114.05&k=10",
        "k=1&k=2&k=3",  # repeated: the last wins
        "kind=&amenity",  # blank values kept
        "name=%E9%A9%BF%E7%AB%99&q=a+b%20c",  # UTF-8 percent-encoding, + as space
        "bad=%FF%FE",  # not UTF-8: replaced, as Django does
        "a=1;b=2",  # ; is not a separator
        "=nokey&&x=1",
    ],
)
def test_it_reads_a_query_string_like_request_get(query_string):
    request = RequestFactory().get("/api/v1/stations/nearest", QUERY_STRING=query_string)
    expected = RequestFactory().get("/api/v1/stations/nearest", QUERY_STRING=query_string).GET.dict()

    assert query_values(request) == expected


def test_it_reads_raw_non_ascii_bytes_like_request_get():
    # A client that sends UTF-8 unencoded: the WSGI server hands it over decoded as ISO-8859-1.
    raw = "name=驿站".encode().decode("iso-8859-1")
    request = RequestFactory().get("/x", QUERY_STRING=raw)

    assert query_values(request) == {"name": "驿站"} == RequestFactory().get("/x", QUERY_STRING=raw).GET.dict()


def test_it_refuses_too_many_fields_like_django(settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 3
    request = RequestFactory().get("/x", QUERY_STRING="a=1&b=2&c=3&d=4")

    with pytest.raises(TooManyFieldsSent):
        query_values(request)
