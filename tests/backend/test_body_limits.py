"""backend.middleware.UploadBodyLimit: an upload past its endpoint's limit is refused from its
Content-Length, before a byte of it is read or spooled to a temporary file.

Found while testing: an authenticated 300 MB multipart upload was refused only after ~290 MB had
been written to the temporary folder (Django's DATA_UPLOAD_MAX_MEMORY_SIZE does not cover files)."""

import pytest

from stations.accounts.jurisdiction import forget_jurisdictions
from tests.stations.personas import client_for, load_shenzhen

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_futian(db):
    forget_jurisdictions()
    load_shenzhen()
    yield client_for("futian_manager", "福田区")
    forget_jurisdictions()


IMPORTS = "/api/v1/manage/imports"
MB = 2**20


class BodyThatMustNotBeRead:
    """A request body that fails the test if anything reads it (Django's multipart parser
    would spool it to a temporary file)."""

    def __init__(self):
        self.bytes_read = 0

    def read(self, size=-1):
        self.bytes_read += 1
        raise AssertionError("the body was read")

    readline = read


def post_declaring(client, path: str, content_length: str | None, *, chunked: bool = False):
    body = BodyThatMustNotBeRead()
    environ = {"CONTENT_TYPE": "multipart/form-data; boundary=BoUnDaRy", "wsgi.input": body}
    if content_length is not None:
        environ["CONTENT_LENGTH"] = content_length
    if chunked:
        environ["HTTP_TRANSFER_ENCODING"] = "chunked"
    return client.generic("POST", path, b"", **environ), body


@pytest.fixture
def spool(settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    return tmp_path


def test_it_refuses_an_import_upload_past_the_limit_before_reading_it(manager_futian, spool):
    response, body = post_declaring(manager_futian, IMPORTS, str(300 * MB))

    assert response.status_code == 413
    assert response.json() == {
        "detail": f"the request is {300 * MB} bytes; POST {IMPORTS} accepts files up to 20 MB ({20 * MB} bytes): split the file"
    }
    assert body.bytes_read == 0 and not any(spool.iterdir())


def test_it_refuses_a_photo_past_the_limit_before_reading_it(manager_futian, spool):
    path = "/api/v1/manage/stations/1/photos"
    response, body = post_declaring(manager_futian, path, str(11 * MB))

    assert response.status_code == 413
    assert response.json()["detail"] == f"the request is {11 * MB} bytes; POST {path} accepts files up to 10 MB ({10 * MB} bytes): send a smaller photo"
    assert body.bytes_read == 0 and not any(spool.iterdir())


def test_it_refuses_an_upload_without_a_length(manager_futian, spool):
    response, body = post_declaring(manager_futian, IMPORTS, None, chunked=True)

    assert response.status_code == 411
    assert response.json() == {"detail": f"POST {IMPORTS} needs a Content-Length header (uploads are not accepted in chunks)"}
    assert body.bytes_read == 0


@pytest.mark.parametrize("length", ["lots", "-1", "1e9"])
def test_it_refuses_a_length_that_is_not_a_number_of_bytes(manager_futian, length):
    response, body = post_declaring(manager_futian, IMPORTS, length)

    assert response.status_code == 400
    assert response.json() == {"detail": f"Content-Length must be a number of bytes, got {length!r}"}
    assert body.bytes_read == 0


def test_the_limit_follows_the_import_setting(manager_futian, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1 * MB

    response, _ = post_declaring(manager_futian, IMPORTS, str(2 * MB))

    assert response.status_code == 413
    assert "accepts files up to 1 MB" in response.json()["detail"]


def test_other_paths_and_methods_are_not_limited_here(manager_futian):
    # Bodies of other endpoints are read by Django within DATA_UPLOAD_MAX_MEMORY_SIZE.
    response = manager_futian.get(IMPORTS.replace("imports", "stations"), CONTENT_LENGTH=str(300 * MB))
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/stations/1/reports", "/api/v1/suggestions"])
def test_it_refuses_a_riders_report_photo_past_the_limit_before_reading_it(client, spool, path):
    # Anyone can have a rider key, so these are the uploads most open to a body meant to fill the disk.
    token = client.post("/api/v1/riders").json()["rider_token"]
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"

    response, body = post_declaring(client, path, str(300 * MB))

    assert response.status_code == 413
    assert response.json()["detail"] == f"the request is {300 * MB} bytes; POST {path} accepts files up to 10 MB ({10 * MB} bytes): send a smaller photo"
    assert body.bytes_read == 0 and not any(spool.iterdir())
