import signal
import threading

from django.db import OperationalError, close_old_connections
from django.core.management.base import BaseCommand

from stations.imports import jobs


class Command(BaseCommand):
    help = "Import the queued uploads of POST /api/v1/manage/imports (once, or --loop to keep waiting for new ones)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep running, waiting for new jobs (stop with SIGTERM or Ctrl-C)")
        parser.add_argument("--interval", type=float, default=2.0, help="seconds between looks at an empty queue (default 2)")

    def handle(self, *args, loop: bool, interval: float, **options):
        stopping = threading.Event()
        if loop:
            # A signal stops the loop after the job in hand; the import is one transaction, so
            # being killed instead would only lose that job's work, never half-write it.
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: stopping.set())
            self.stderr.write(f"waiting for import jobs (every {interval:g} s; stop with SIGTERM or Ctrl-C)")
        while not stopping.is_set():
            try:
                jobs.run_jobs(loop=loop, interval_s=interval, stop=stopping.is_set, report=self._report, sleep=self._idle(stopping))
                return
            except OperationalError as exc:  # e.g. SQLite busy with another worker's import
                if not loop:
                    raise
                self.stderr.write(f"database unavailable ({exc}); retrying in {interval:g} s")
                self._idle(stopping)(interval)

    def _report(self, job) -> None:
        outcome = job.result["summary"] if job.status == job.Status.DONE else job.detail
        self.stdout.write(f"import job {job.pk} ({job.file_name}, {job.organisation.name}): {job.status}: {outcome}")

    @staticmethod
    def _idle(stopping: threading.Event):
        def wait(seconds: float) -> None:
            close_old_connections()  # between jobs, as between requests: drop broken or expired connections
            stopping.wait(seconds)

        return wait
