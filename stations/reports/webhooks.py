"""Signed webhooks per organisation, from an outbox table.

Writing a report only inserts outbox rows (in the rider's transaction: nothing is lost, and a
slow or failing endpoint never delays a rider); ``deliver_due`` (the deliver_webhooks command)
POSTs them. Each body is signed: ``X-Yizhan-Signature: sha256=<hex HMAC-SHA256 of the body
under the webhook's secret>``; a receiver recomputes it over the raw body and compares in
constant time. Failures are retried with exponential back-off (30 s, 1 min, 2 min, ...) up to
WEBHOOK_MAX_ATTEMPTS, then given up (failed_at).
"""

import datetime
import hashlib
import hmac
import urllib.error
import urllib.request

import orjson
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from stations.accounts.jurisdiction import jurisdiction_of
from stations.models import Report, Webhook, WebhookDelivery
from stations.reports.report_json import webhook_json

SIGNATURE_HEADER = "X-Yizhan-Signature"
FIRST_RETRY_S = 30


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def enqueue(report: Report, event: str) -> int:
    """Outbox rows for the event, one per active webhook whose organisation's jurisdiction holds
    the report. Returns how many."""
    now = timezone.now()
    rows = [
        WebhookDelivery(webhook=hook, event=event, report=report, payload=webhook_json(event, report), next_attempt_at=now)
        for hook in Webhook.objects.filter(active=True).select_related("organisation")
        if jurisdiction_of(hook.organisation).covers(report.lon, report.lat)
    ]
    WebhookDelivery.objects.bulk_create(rows)
    return len(rows)


def enqueue_overdue(now: datetime.datetime | None = None) -> int:
    """A "report.overdue" event, once, for each unresolved report past its due time."""
    now = now or timezone.now()
    count = 0
    overdue = Report.objects.filter(status__in=(Report.Status.OPEN, Report.Status.ACKNOWLEDGED), due_at__lt=now, overdue_notified_at__isnull=True)
    for report in overdue.select_related("station"):
        with transaction.atomic():
            if Report.objects.filter(pk=report.pk, overdue_notified_at__isnull=True).update(overdue_notified_at=now):
                count += enqueue(report, "report.overdue")
    return count


def _post(delivery: WebhookDelivery) -> str | None:
    """POST one delivery; None on a 2xx answer, else what went wrong."""
    body = orjson.dumps(delivery.payload)
    request = urllib.request.Request(
        delivery.webhook.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(delivery.webhook.secret, body),
            "X-Yizhan-Event": delivery.event,
            "X-Yizhan-Delivery": str(delivery.pk),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.WEBHOOK_TIMEOUT_S) as response:  # noqa: S310 - the admin sets http(s) URLs
            response.read()
    except urllib.error.HTTPError as exc:
        return f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return f"{type(exc).__name__}: {exc}"[:500]
    return None


def backoff_s(attempts: int) -> int:
    """Seconds before the next attempt after ``attempts`` failed ones: 30, 60, 120, ..."""
    return FIRST_RETRY_S * 2 ** (attempts - 1)


def deliver_due(now: datetime.datetime | None = None, limit: int = 100) -> tuple[int, int]:
    """Send what is due (overdue events first enqueued). Returns (delivered, failed attempts)."""
    now = now or timezone.now()
    enqueue_overdue(now)
    due = WebhookDelivery.objects.filter(delivered_at__isnull=True, failed_at__isnull=True, next_attempt_at__lte=now)
    delivered = failed = 0
    for delivery in due.select_related("webhook").order_by("next_attempt_at", "id")[:limit]:
        error = _post(delivery)
        delivery.attempts += 1
        if error is None:
            delivery.delivered_at = timezone.now()
            delivered += 1
        else:
            failed += 1
            delivery.last_error = error
            if delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
                delivery.failed_at = timezone.now()
            else:
                delivery.next_attempt_at = now + datetime.timedelta(seconds=backoff_s(delivery.attempts))
        delivery.save(update_fields=["attempts", "delivered_at", "failed_at", "last_error", "next_attempt_at"])
    return delivered, failed
