"""Large uploads run as background jobs: POST answers 202 with the job, `run_import_jobs`
imports it outside the request, GET /imports/{id} shows its progress and then the same report
the synchronous answer gives.

Found by load testing: a 20.7 MB CSV of 770k valid rows passed the size check, and its import
ran past gunicorn's 30 s worker timeout (worker killed, an HTML 500, nothing written)."""

import datetime
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from stations.imports import importer, jobs
from stations.models import ImportJob, Station, StationChange
from tests.stations.helpers import registry_state

pytestmark = pytest.mark.django_db

URL = "/api/v1/manage/imports"
HEADER = "external_id,name,lon,lat,amenities,opening_hours\n"
FUTIAN_ROWS = "FT-1,福田驿站一,114.0550,22.5410,toilet;drinking_water,24/7\nFT-2,福田驿站二,114.0600,22.5420,,Mo-Fr 08:00-20:00\n"
NANSHAN_ROW = "NS-1,南山驿站,113.9300,22.5330,,\n"


@pytest.fixture(autouse=True)
def job_storage(settings, tmp_path):
    """Uploads waiting for their job are stored in a folder of their own."""
    settings.STORAGES = {**settings.STORAGES, "imports": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "imports")}}}
    settings.IMPORT_SYNC_MAX_BYTES = 0  # every upload here is a job
    return tmp_path / "imports"


def upload(client, text: str, name="stations.csv", **form):
    data = {"file": SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv"), "coordsys": "wgs84", "kind": "rest_station", **form}
    return client.post(URL, data)


def run_worker() -> str:
    out = StringIO()
    call_command("run_import_jobs", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_a_large_upload_is_queued_then_imported_by_the_worker(manager_futian, job_storage):
    text = HEADER + FUTIAN_ROWS
    response = upload(manager_futian, text, name="futian.csv")

    assert response.status_code == 202, response.content
    job = response.json()
    assert response["Location"] == f"{URL}/{job['id']}"
    assert (job["status"], job["progress"], job["result"], job["detail"]) == ("queued", {"rows_read": 0, "rows_total": None}, None, None)
    assert (job["file_name"], job["size_bytes"], job["dry_run"], job["skip_invalid"], job["uploaded_by"]) == (
        "futian.csv", len(text.encode()), False, False, "futian_manager")
    assert manager_futian.get(response["Location"]).json() == job
    assert not Station.objects.exists()  # nothing happens in the request
    assert len(list(job_storage.iterdir())) == 1

    printed = run_worker()

    done = manager_futian.get(response["Location"]).json()
    assert done["status"] == "done"
    assert done["progress"] == {"rows_read": 2, "rows_total": 2}
    assert done["result"] == {
        "summary": "imported 2 stations (created 2, updated 0, unchanged 0), 0 rows rejected", "dry_run": False, "written": True,
        "total_rows": 2, "created": 2, "updated": 0, "unchanged": 0, "rejected": 0, "errors": [], "warnings": [],
    }
    assert done["detail"] is None
    assert done["created_at"] <= done["started_at"] <= done["finished_at"]
    assert printed == f"import job {job['id']} (futian.csv, 福田区): done: imported 2 stations (created 2, updated 0, unchanged 0), 0 rows rejected\n"
    assert set(Station.objects.values_list("external_id", "source")) == {("FT-1", "org:福田区"), ("FT-2", "org:福田区")}
    assert set(StationChange.objects.values_list("action", "via", "changed_by_name")) == {("create", "import", "futian_manager")}
    assert not any(job_storage.iterdir())  # the upload is gone once imported


def test_the_job_answers_what_the_synchronous_upload_answers(manager_futian, settings):
    text = HEADER + FUTIAN_ROWS + NANSHAN_ROW
    job_id = upload(manager_futian, text, skip_invalid="true").json()["id"]
    run_worker()
    settings.IMPORT_SYNC_MAX_BYTES = 10**6
    StationChange.objects.all().delete()
    Station.objects.all().delete()

    synchronous = upload(manager_futian, text, skip_invalid="true")

    assert synchronous.status_code == 200
    assert manager_futian.get(f"{URL}/{job_id}").json()["result"] == synchronous.json()


def test_a_job_with_rejected_rows_fails_with_the_row_numbered_errors_and_writes_nothing(manager_futian):
    before = registry_state()
    job_id = upload(manager_futian, HEADER + FUTIAN_ROWS + NANSHAN_ROW).json()["id"]

    printed = run_worker()

    job = manager_futian.get(f"{URL}/{job_id}").json()
    assert job["status"] == "failed"
    assert job["detail"] == "import aborted: 1 rows rejected, nothing written (fix them, or use skip_invalid=true)"
    assert job["result"]["errors"] == [{"row": 4, "external_id": "NS-1", "reason": "point (lon 113.930000, lat 22.533000) (WGS-84) is outside your jurisdiction (福田区)"}]
    assert (job["result"]["written"], job["result"]["rejected"], job["progress"]["rows_read"]) == (False, 1, 3)
    assert printed.endswith(": failed: import aborted: 1 rows rejected, nothing written (fix them, or use skip_invalid=true)\n")
    assert registry_state() == before


@pytest.mark.parametrize(
    ("text", "name", "detail"),
    [
        ("name,lon\nx,114\n", "s.csv", "the file has no column(s) external_id, lat; columns found: name, lon"),
        ("external_id,name,lon,lat\nA,x,114.05,22.54\n", "s.xlsx", "the file is not an Excel workbook (.xlsx files are zip archives)"),
        ('{"type": "FeatureCollection", "features": [', "s.geojson", "the GeoJSON is not valid JSON"),
    ],
)
def test_a_job_for_a_file_that_cannot_be_imported_fails_saying_why(manager_futian, job_storage, text, name, detail):
    job_id = upload(manager_futian, text, name=name).json()["id"]

    run_worker()

    job = manager_futian.get(f"{URL}/{job_id}").json()
    assert (job["status"], job["result"]) == ("failed", None)
    assert job["detail"].startswith(detail)
    assert not Station.objects.exists() and not any(job_storage.iterdir())


def test_a_file_past_the_row_limit_fails_whole(manager_futian, settings):
    settings.IMPORT_MAX_ROWS = 1
    job_id = upload(manager_futian, HEADER + FUTIAN_ROWS).json()["id"]

    run_worker()

    job = manager_futian.get(f"{URL}/{job_id}").json()
    assert job["status"] == "failed" and job["detail"].startswith("the file has more than 1 rows")
    assert not Station.objects.exists()


def test_an_unexpected_error_fails_the_job_without_internals(manager_futian, monkeypatch):
    job_id = upload(manager_futian, HEADER + FUTIAN_ROWS).json()["id"]

    def broken(*args, **kwargs):
        raise ZeroDivisionError("internal detail")

    monkeypatch.setattr(jobs, "import_into_organisation", broken)
    run_worker()

    job = manager_futian.get(f"{URL}/{job_id}").json()
    assert job["status"] == "failed"
    assert job["detail"] == "the import failed on the server (it has been logged); nothing was written. Upload the file again, or ask your administrator"


def test_only_the_uploading_organisation_sees_the_job(manager_futian, manager_nanshan, manager_shenzhen):
    job_id = upload(manager_futian, HEADER + FUTIAN_ROWS).json()["id"]

    for other in (manager_nanshan, manager_shenzhen):  # another district, and the city above it
        response = other.get(f"{URL}/{job_id}")
        assert response.status_code == 404
        assert response.json() == {"detail": f"no import job {job_id} in your organisation ({other.account.organisation.name})"}
    assert manager_futian.get(f"{URL}/{job_id + 1}").status_code == 404
    assert manager_futian.get(f"{URL}/abc").status_code == 404  # matches no route
    assert manager_futian.get(f"{URL}/99999999999999999999").status_code == 404


def test_anonymous_callers_cannot_see_jobs(manager_futian, rider):
    job_id = upload(manager_futian, HEADER + FUTIAN_ROWS).json()["id"]

    assert rider.get(f"{URL}/{job_id}").status_code == 401


def test_small_uploads_are_still_answered_at_once(manager_futian, settings):
    text = HEADER + FUTIAN_ROWS
    settings.IMPORT_SYNC_MAX_BYTES = len(text.encode())

    assert upload(manager_futian, text).status_code == 200
    assert upload(manager_futian, text + "FT-3,福田驿站三,114.0610,22.5430,,\n").status_code == 202
    assert ImportJob.objects.count() == 1


def test_the_default_threshold_is_256_kilobytes():
    from backend import settings as project_settings  # what the environment did not override

    assert project_settings.IMPORT_SYNC_MAX_BYTES == 256 * 1024


def test_a_job_runs_once(manager_futian):
    job_id = upload(manager_futian, HEADER + FUTIAN_ROWS).json()["id"]

    run_worker()
    assert run_worker() == ""  # nothing queued: the second worker finds nothing to do

    assert ImportJob.objects.get(pk=job_id).status == "done"
    assert StationChange.objects.count() == 2


def test_queued_jobs_run_oldest_first(manager_futian):
    first = upload(manager_futian, HEADER + FUTIAN_ROWS).json()["id"]
    second = upload(manager_futian, HEADER + FUTIAN_ROWS.replace("24/7", "Mo-Su 06:00-23:00")).json()["id"]

    run_worker()

    jobs_done = {job.pk: job for job in ImportJob.objects.all()}
    assert jobs_done[first].finished_at <= jobs_done[second].started_at
    assert (jobs_done[second].result["created"], jobs_done[second].result["updated"]) == (0, 1)


def test_the_loop_runs_jobs_as_they_arrive_until_it_is_stopped(manager_futian):
    job_id = upload(manager_futian, HEADER + FUTIAN_ROWS).json()["id"]
    ran = []

    jobs.run_jobs(loop=True, interval_s=0, stop=lambda: bool(ran), report=ran.append)

    assert [job.pk for job in ran] == [job_id]
    assert ImportJob.objects.get(pk=job_id).status == "done"


def test_a_job_whose_worker_died_is_failed_and_can_be_uploaded_again(manager_futian, settings):
    job_id = upload(manager_futian, HEADER + FUTIAN_ROWS).json()["id"]
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.IMPORT_JOB_LOST_AFTER_S + 1)
    ImportJob.objects.filter(pk=job_id).update(status="running", started_at=long_ago, heartbeat_at=long_ago, worker="gone:1")

    run_worker()

    job = manager_futian.get(f"{URL}/{job_id}").json()
    assert job["status"] == "failed"
    assert job["detail"] == "the import was interrupted (its worker stopped); nothing was written. Upload the file again"
    assert not Station.objects.exists()


def test_a_running_job_with_a_recent_heartbeat_is_left_alone(manager_futian):
    job_id = upload(manager_futian, HEADER + FUTIAN_ROWS).json()["id"]
    ImportJob.objects.filter(pk=job_id).update(status="running", started_at=timezone.now(), heartbeat_at=timezone.now(), worker="busy:1")

    run_worker()

    assert ImportJob.objects.get(pk=job_id).status == "running"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one write lock, which the import holds: its progress shows when it ends")
def test_progress_is_visible_to_other_connections_while_the_import_runs(manager_futian, monkeypatch):
    """The import runs in one transaction; its progress is written beside it, through a
    connection of its own, so a GET served by another process sees it advance."""
    rows = "".join(f"FT-{i},福田驿站{i},114.05{i:03d},22.541,,\n" for i in range(50))
    job_id = upload(manager_futian, HEADER + rows).json()["id"]
    monkeypatch.setattr(jobs, "PROGRESS_EVERY_S", 0)
    monkeypatch.setattr(importer, "PROGRESS_EVERY", 10)
    seen = []
    from django.db import connections

    observer = connections.create_connection("default")
    original = jobs.JobProgress.__call__

    def watching(self, rows):
        original(self, rows)
        with observer.cursor() as cursor:
            cursor.execute("SELECT rows_read FROM stations_importjob WHERE id = %s", [job_id])
            seen.append(cursor.fetchone()[0])

    monkeypatch.setattr(jobs.JobProgress, "__call__", watching)
    try:
        run_worker()
    finally:
        observer.close()

    assert seen[:2] == [10, 20] and seen[-1] == 50
    assert ImportJob.objects.get(pk=job_id).status == "done"


def test_a_deep_geojson_job_fails_saying_so(manager_futian):
    text = '{"a":' * 100_000 + '{"type": "FeatureCollection", "features": []}' + "}" * 100_000
    job_id = upload(manager_futian, text, name="deep.geojson").json()["id"]

    run_worker()

    job = manager_futian.get(f"{URL}/{job_id}").json()
    assert (job["status"], job["result"]) == ("failed", None)
    assert job["detail"].startswith("the GeoJSON is nested more than 64 levels deep")
