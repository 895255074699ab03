"""The union managers' inbox of riders' reports and suggestions, inside their jurisdiction only.

Outside it a report does not exist: every verb answers 404 before the body is even read."""

from django.http import HttpRequest
from ninja import Path, Query, Router

from stations.accounts.auth import manager_auth
from stations.http.schemas import ErrorOut
from stations.reports import inbox, suggestions
from stations.reports.schemas import ApproveIn, InboxItemOut, InboxPageOut, InboxQueryIn, RejectIn, ResolveIn, body_schema, parse_body

router = Router(auth=manager_auth, tags=["managers"])

_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


@router.get("/reports", response={200: InboxPageOut, **_ERRORS}, summary="Riders' reports and suggestions in your jurisdiction")
def list_reports(request: HttpRequest, q: Query[InboxQueryIn]):
    """Oldest due first; unresolved ones unless `status` says otherwise; follow `next`. Each
    item has its station's summary and the other riders' unresolved reports on it, and
    `overdue` once its `due_at` has passed."""
    return inbox.page(request.auth, q.status, q.type, q.due_before, q.overdue, q.limit, q.cursor)


@router.get("/reports/{report_id}", response={200: InboxItemOut, **_ERRORS}, summary="One report")
def report_detail(request: HttpRequest, report_id: Path[int]):
    return inbox.item(request.auth, report_id)


@router.post("/reports/{report_id}/acknowledge", response={200: InboxItemOut, **_ERRORS}, summary="Acknowledge a report")
def acknowledge_report(request: HttpRequest, report_id: Path[int]):
    """Tells the rider the union has seen it (status `acknowledged`)."""
    return inbox.acknowledge(request.auth, report_id)


@router.post("/reports/{report_id}/resolve", response={200: InboxItemOut, **_ERRORS}, summary="Resolve a report", openapi_extra=body_schema(ResolveIn))
def resolve_report(request: HttpRequest, report_id: Path[int]):
    """`resolution`: fixed, no_problem_found, duplicate or rejected, with a `note` the rider
    sees. If you fixed the station through the write API, send that history entry's id as
    `change_id` to link it. The station's alerts from this report end."""
    return inbox.resolve(request.auth, report_id, lambda: parse_body(request, ResolveIn))


@router.post(
    "/suggestions/{report_id}/approve", response={200: InboxItemOut, **_ERRORS, 409: ErrorOut}, summary="Approve a suggestion", openapi_extra=body_schema(ApproveIn)
)
def approve_suggestion(request: HttpRequest, report_id: Path[int]):
    """Creates the station in your organisation's source (history via `suggestion`). A similar
    station of the same kind within 30 m answers 409 with the `candidate`, unless `force`."""
    return suggestions.approve(request.auth, report_id, lambda: parse_body(request, ApproveIn))


@router.post("/suggestions/{report_id}/reject", response={200: InboxItemOut, **_ERRORS}, summary="Reject a suggestion", openapi_extra=body_schema(RejectIn))
def reject_suggestion(request: HttpRequest, report_id: Path[int]):
    """With a `reason` the rider sees."""
    return suggestions.reject(request.auth, report_id, lambda: parse_body(request, RejectIn))
