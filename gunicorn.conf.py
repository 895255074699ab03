"""gunicorn settings for Yizhan: `gunicorn -c gunicorn.conf.py backend.wsgi`.

Workers default to WEB_CONCURRENCY (gunicorn's own variable) or 2; bind with GUNICORN_BIND.
"""

import gc
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
accesslog = None  # a reverse proxy in front logs requests; per-request log lines cost ~10 %


def post_worker_init(worker):
    # Django, the URL resolver and the API schemas are loaded now and live as long as the
    # worker: freeze them so the garbage collector stops rescanning them on every full pass.
    gc.collect()
    gc.freeze()
