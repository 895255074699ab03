"""GET /api/v1/manage/reports and the verbs on one report: scoped to the jurisdiction."""

import datetime

import pytest
from django.utils import timezone

from stations.models import Report
from tests.stations.reports.helpers import JSON, futian_station, nanshan_station, new_rider, report

pytestmark = pytest.mark.django_db

NANSHAN_SUGGESTION = {"name": "后海新驿站", "kind": "rest_station", "point": {"lon": 113.9310, "lat": 22.5335}}


def _verbs(report_id: int):
    """Every manager verb on one report, each with a body that would be wrong anyway."""
    return [
        ("get", f"/api/v1/manage/reports/{report_id}", None),
        ("post", f"/api/v1/manage/reports/{report_id}/acknowledge", None),
        ("post", f"/api/v1/manage/reports/{report_id}/resolve", {"resolution": "fixed"}),
        ("post", f"/api/v1/manage/reports/{report_id}/resolve", {"resolution": "nonsense", "change_id": -1}),
        ("post", f"/api/v1/manage/reports/{report_id}/resolve", "not json"),
        ("post", f"/api/v1/manage/suggestions/{report_id}/approve", {"force": True}),
        ("post", f"/api/v1/manage/suggestions/{report_id}/approve", {"force": "maybe"}),
        ("post", f"/api/v1/manage/suggestions/{report_id}/reject", {"reason": "重复"}),
        ("post", f"/api/v1/manage/suggestions/{report_id}/reject", {}),
    ]


def _call(client, method, url, body):
    if method == "get":
        return client.get(url)
    return client.post(url, body, content_type=JSON) if not isinstance(body, str) else client.post(url, body, content_type=JSON)


def test_every_verb_on_a_report_outside_the_jurisdiction_answers_404_and_changes_nothing(manager_futian, manager_nanshan, manager_shenzhen):
    rider = new_rider()
    in_nanshan = report(rider, nanshan_station(), type="closed").json()["id"]
    suggestion = rider.post("/api/v1/suggestions", NANSHAN_SUGGESTION, content_type=JSON).json()["id"]
    before = list(Report.objects.order_by("id").values())

    for report_id in (in_nanshan, suggestion, 999_999, 2**63 - 1):
        for method, url, body in _verbs(report_id):
            response = _call(manager_futian, method, url, body)
            assert response.status_code == 404, (url, body, response.json())
            assert response.json()["detail"] == f"no report with id {report_id} in your jurisdiction (福田区)"

    assert list(Report.objects.order_by("id").values()) == before
    assert manager_nanshan.get(f"/api/v1/manage/reports/{in_nanshan}").status_code == 200
    assert manager_shenzhen.get(f"/api/v1/manage/reports/{suggestion}").status_code == 200  # the city covers its districts


def test_it_lists_only_the_jurisdictions_reports_oldest_due_first(manager_futian, manager_shenzhen):
    futian, nanshan = futian_station(), nanshan_station()
    riders = [new_rider() for _ in range(3)]
    other = report(riders[0], futian, type="other").json()["id"]  # due in 7 days
    closed = report(riders[1], futian, type="closed").json()["id"]  # due in 2 days
    report(riders[0], nanshan, type="gone")
    report(riders[2], futian, type="confirmed")  # nothing to do: not in the inbox

    body = manager_futian.get("/api/v1/manage/reports").json()

    assert [item["id"] for item in body["results"]] == [closed, other]
    assert body["next"] is None
    first = body["results"][0]
    assert first["station"]["id"] == futian.id and first["station"]["name"] == futian.name
    assert [o["id"] for o in first["other_reports"]] == [other]
    assert first["overdue"] is False
    assert len(manager_shenzhen.get("/api/v1/manage/reports").json()["results"]) == 3


def test_it_pages_with_a_cursor_and_filters(manager_futian):
    station = futian_station()
    ids = [report(new_rider(), station, type="other").json()["id"] for _ in range(5)]
    report(new_rider(), station, type="closed")

    page1 = manager_futian.get("/api/v1/manage/reports", {"type": "other", "limit": 2}).json()
    page2 = manager_futian.get("/api/v1/manage/reports", {"type": "other", "limit": 2, "cursor": page1["next"]}).json()
    page3 = manager_futian.get("/api/v1/manage/reports", {"type": "other", "limit": 2, "cursor": page2["next"]}).json()

    assert [i["id"] for p in (page1, page2, page3) for i in p["results"]] == ids
    assert page3["next"] is None
    soon = (timezone.now() + datetime.timedelta(days=3)).isoformat()
    assert [i["type"] for i in manager_futian.get("/api/v1/manage/reports", {"due_before": soon}).json()["results"]] == ["closed"]
    assert manager_futian.get("/api/v1/manage/reports", {"status": "resolved"}).json()["results"] == []


@pytest.mark.parametrize(("query", "fragment"), [({"status": "done"}, "status"), ({"cursor": "bogus"}, "cursor"), ({"limit": 0}, "limit"), ({"type": "x"}, "type")])
def test_it_rejects_bad_list_parameters(manager_futian, query, fragment):
    response = manager_futian.get("/api/v1/manage/reports", query)

    assert response.status_code == 400
    assert fragment in response.json()["detail"]


def test_overdue_items_are_flagged_and_filtered(manager_futian):
    station = futian_station()
    late = report(new_rider(), station, type="closed").json()["id"]
    report(new_rider(), station, type="other")
    Report.objects.filter(pk=late).update(due_at=timezone.now() - datetime.timedelta(hours=1))

    body = manager_futian.get("/api/v1/manage/reports", {"overdue": "true"}).json()

    assert [(i["id"], i["overdue"]) for i in body["results"]] == [(late, True)]
    assert late not in [i["id"] for i in manager_futian.get("/api/v1/manage/reports", {"overdue": "false"}).json()["results"]]


def test_acknowledge_then_resolve_shows_the_answer_to_the_rider(manager_futian):
    rider = new_rider()
    station = futian_station()
    report_id = report(rider, station, type="closed").json()["id"]

    acknowledged = manager_futian.post(f"/api/v1/manage/reports/{report_id}/acknowledge")
    resolved = manager_futian.post(f"/api/v1/manage/reports/{report_id}/resolve", {"resolution": "fixed", "note": "已开门"}, content_type=JSON)

    assert acknowledged.status_code == 200 and acknowledged.json()["status"] == "acknowledged"
    assert resolved.status_code == 200
    assert (resolved.json()["status"], resolved.json()["resolution"], resolved.json()["note"]) == ("resolved", "fixed", "已开门")
    mine = rider.get("/api/v1/riders/me/reports").json()["results"][0]
    assert (mine["status"], mine["resolution"], mine["note"]) == ("resolved", "fixed", "已开门")
    again = manager_futian.post(f"/api/v1/manage/reports/{report_id}/resolve", {"resolution": "fixed"}, content_type=JSON)
    assert again.status_code == 400 and "already resolved" in again.json()["detail"]


def test_resolving_links_the_fix_from_the_write_api(manager_futian):
    station = futian_station()
    report_id = report(new_rider(), station, type="hours_wrong", suggested_hours="Mo-Fr 09:00-18:00").json()["id"]
    fixed = manager_futian.patch(f"/api/v1/manage/stations/{station.id}", {"opening_hours": "Mo-Fr 09:00-18:00"}, content_type=JSON, HTTP_IF_MATCH='"1"')
    change_id = manager_futian.get(f"/api/v1/manage/stations/{station.id}/history").json()["results"][0]["id"]
    assert fixed.status_code == 200

    response = manager_futian.post(f"/api/v1/manage/reports/{report_id}/resolve", {"resolution": "fixed", "change_id": change_id}, content_type=JSON)

    assert response.status_code == 200
    assert response.json()["change_id"] == change_id
    assert Report.objects.get(pk=report_id).change_id == change_id


@pytest.mark.parametrize(("body", "field"), [({"resolution": "done"}, "resolution"), ({}, "resolution"), ({"resolution": "fixed", "change_id": 424242}, "change_id"), ({"resolution": "fixed", "note": "x" * 501}, "note")])
def test_a_bad_resolution_inside_the_jurisdiction_answers_400_and_changes_nothing(manager_futian, body, field):
    report_id = report(new_rider(), futian_station(), type="closed").json()["id"]

    response = manager_futian.post(f"/api/v1/manage/reports/{report_id}/resolve", body, content_type=JSON)

    assert response.status_code == 400
    assert response.json()["detail"].startswith(field)
    assert Report.objects.get(pk=report_id).status == "open"


def test_riders_and_planners_cannot_use_the_inbox(planner_shenzhen):
    assert new_rider().get("/api/v1/manage/reports").status_code == 401
    assert planner_shenzhen.get("/api/v1/manage/reports").status_code == 403


def test_the_inbox_page_costs_a_fixed_number_of_queries(manager_futian, django_assert_max_num_queries):
    station = futian_station()
    for _ in range(6):
        report(new_rider(), station, type="closed")
    manager_futian.get("/api/v1/manage/reports")  # warm the jurisdiction cache

    with django_assert_max_num_queries(7):  # token, touch, descendants, one per status, others (+ slack)
        body = manager_futian.get("/api/v1/manage/reports").json()
    assert len(body["results"]) == 6
