"""Server-rendered pages. The planner page is a form over the planners' API: the browser keeps
the planner's token in sessionStorage and calls the API with it (stations/static/stations/planning.js)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from stations import vocabulary as vocab
from stations.planning.coverage import DEFAULT_KINDS

RADII_M = (500, 1000, 1500)


def planning_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "stations/planning.html",
        {"kinds": vocab.KINDS, "default_kinds": DEFAULT_KINDS, "radii_m": RADII_M, "workers": vocab.WORKER_TYPES},
    )
