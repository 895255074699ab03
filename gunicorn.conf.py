"""gunicorn settings for Yizhan: `gunicorn -c gunicorn.conf.py backend.wsgi`.

Workers default to WEB_CONCURRENCY (gunicorn's own variable) or 2; bind with GUNICORN_BIND.
"""

import gc
import os

# One BLAS thread per worker: the workers already fill the cores, and the planners' numpy work is
# vector arithmetic, so OpenBLAS's own pool (one thread per core, in every worker) only competes.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
accesslog = None  # a reverse proxy in front logs requests; per-request log lines cost ~10 %


def post_worker_init(worker):
    # The nearest search's density grid (~0.35 s at 1M stations) is built now, not in the first
    # rider's request; if the database is not reachable yet, the first search builds it.
    try:
        from stations.search.start_radius import density_grid

        density_grid()
    except Exception:
        worker.log.exception("density grid not built at worker start")
    # Django, the URL resolver and the API schemas are loaded now and live as long as the
    # worker: freeze them so the garbage collector stops rescanning them on every full pass.
    gc.collect()
    gc.freeze()
