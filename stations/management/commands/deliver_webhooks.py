import time

from django.core.management.base import BaseCommand

from stations.reports.webhooks import deliver_due


class Command(BaseCommand):
    help = "POST the due webhook events (new reports, overdue items, resolutions) from the outbox, signed; once, or forever with --loop."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep delivering, pausing --interval seconds between rounds")
        parser.add_argument("--interval", type=float, default=5.0, help="seconds between rounds with --loop (default 5)")

    def handle(self, *args, **options):
        while True:
            delivered, failed = deliver_due()
            if not options["loop"]:
                self.stdout.write(f"delivered {delivered} webhook events, {failed} failed attempts (retried with back-off)")
                return
            time.sleep(options["interval"])
