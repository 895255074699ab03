"""Signed webhooks from the outbox, delivered to a real HTTP server on 127.0.0.1."""

import datetime
import hashlib
import hmac
import http.server
import json
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from stations.models import Organisation, Report, Webhook, WebhookDelivery
from stations.reports.webhooks import backoff_s, deliver_due
from tests.stations.reports.helpers import JSON, futian_station, nanshan_station, new_rider, report

pytestmark = pytest.mark.django_db

SECRET = "s3cret-福田"


class Receiver:
    """A local HTTP server that records what it is sent and answers with ``status``."""

    def __init__(self):
        self.received: list[tuple[dict, bytes]] = []
        self.status = 200
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/yizhan"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        if self.thread.is_alive():
            self.server.shutdown()
            self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def futian_hook(shenzhen, receiver):
    return Webhook.objects.create(organisation=Organisation.objects.get(name="福田区"), url=receiver.url, secret=SECRET)


def test_it_posts_a_signed_event_for_a_new_report_in_the_jurisdiction_only(futian_hook, receiver):
    report_id = report(new_rider(), futian_station(), type="closed").json()["id"]
    report(new_rider(), nanshan_station(), type="closed")  # another union's
    report(new_rider(), futian_station(), type="confirmed")  # nothing to do: no event

    out = StringIO()
    call_command("deliver_webhooks", stdout=out)

    assert out.getvalue().strip() == "delivered 1 webhook events, 0 failed attempts (retried with back-off)"
    (headers, body), = receiver.received
    expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-Yizhan-Signature"], expected)
    event = json.loads(body)
    assert (event["event"], event["report"]["id"], event["report"]["type"]) == ("report.created", report_id, "closed")
    assert headers["X-Yizhan-Event"] == "report.created"
    call_command("deliver_webhooks", stdout=StringIO())
    assert len(receiver.received) == 1  # delivered once


def test_a_failing_endpoint_is_retried_with_back_off_and_never_blocks_riders(futian_hook, receiver):
    receiver.status = 500
    response = report(new_rider(), futian_station(), type="gone")
    assert response.status_code == 201

    start = timezone.now()
    assert deliver_due(start) == (0, 1)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.attempts, delivery.last_error) == (1, "HTTP 500")
    assert delivery.next_attempt_at == start + datetime.timedelta(seconds=30)
    assert deliver_due(start + datetime.timedelta(seconds=10)) == (0, 0)  # not due yet

    receiver.status = 204
    assert deliver_due(start + datetime.timedelta(seconds=31)) == (1, 0)
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.delivered_at is not None
    assert len(receiver.received) == 2
    assert [backoff_s(n) for n in (1, 2, 3)] == [30, 60, 120]


def test_it_gives_up_after_the_last_attempt(futian_hook, receiver, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    receiver.close()  # nobody listens any more: connection refused
    report(new_rider(), futian_station(), type="gone")
    now = timezone.now()

    deliver_due(now)
    deliver_due(now + datetime.timedelta(minutes=5))

    delivery = WebhookDelivery.objects.get()
    assert delivery.attempts == 2 and delivery.failed_at is not None and delivery.delivered_at is None
    assert "Error" in delivery.last_error


def test_overdue_items_and_resolutions_are_sent_once(futian_hook, receiver, manager_futian):
    report_id = report(new_rider(), futian_station(), type="closed").json()["id"]
    Report.objects.filter(pk=report_id).update(due_at=timezone.now() - datetime.timedelta(minutes=1))
    deliver_due()
    deliver_due()
    manager_futian.post(f"/api/v1/manage/reports/{report_id}/resolve", {"resolution": "fixed"}, content_type=JSON)
    deliver_due()

    events = [json.loads(body)["event"] for _, body in receiver.received]
    assert events == ["report.created", "report.overdue", "report.resolved"]
