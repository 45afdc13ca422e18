"""gunicorn settings for serving the CRM (`gunicorn -c gunicorn.conf.py wsgi:app`).

Process tuning that is not the app's business lives here, not in `create_app`:

- `post_worker_init`: once a worker has imported the app, everything built so far
  (modules, mappers, the app) lives as long as the process; `gc.freeze()` moves it out of
  the collector's sight so that full collections stop walking it again.
- `post_request`: a PDF's layout allocates many small objects, and ReportLab's canvas and
  document refer to each other, so the whole document (pages, streams, fonts' subsets)
  stays in memory until the collector's next full pass, long after it was sent. After a
  PDF, the collector runs (a few ms, after the response is written) and then glibc's
  `malloc_trim` hands the free pages back: trimming before the document is freed
  returned almost nothing.
- glibc's threshold for serving an allocation with its own mapping starts at 128 KB but
  rises to the size of each such block freed (the font files read when registering them,
  4 MB): afterwards, PDFs' large buffers came from the heap and stayed there, scattered.
  `post_worker_init` fixes it at 128 KB, so such buffers go back to the system when freed
  (about 3 MB less per worker after the benchmark's tour).
- `on_starting`: in production, more than one worker counting rate limits in its own
  memory (`RATELIMIT_STORAGE_URI=memory://`, the default) would multiply every limit by
  the number of workers, so gunicorn refuses to start and says what to set.
"""
import ctypes
import gc
import os
import sys

bind = os.environ.get("CRM_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("CRM_WORKERS", "2"))
worker_class = "sync"
accesslog = os.environ.get("CRM_ACCESS_LOG")  # unset: no access log

M_MMAP_THRESHOLD = -3  # mallopt's parameter (malloc.h)
try:
    _libc = ctypes.CDLL("libc.so.6")
    _malloc_trim, _mallopt = _libc.malloc_trim, _libc.mallopt
except (OSError, AttributeError):  # not glibc
    _malloc_trim = _mallopt = None


def shared_storage_problem(workers: int, environ=os.environ) -> str | None:
    """Why these settings may not serve, or None."""
    if environ.get("CRM_ENV") != "production" or workers <= 1:
        return None
    uri = environ.get("RATELIMIT_STORAGE_URI", "").strip() or "memory://"
    if not uri.startswith("memory://"):
        return None
    return (f"CRM_ENV=production with {workers} workers needs rate limits kept in shared "
            f"storage, not RATELIMIT_STORAGE_URI={uri} (each worker would count on its "
            "own): set RATELIMIT_STORAGE_URI=redis://HOST:6379/0, or CRM_WORKERS=1.")


def on_starting(server):
    problem = shared_storage_problem(server.cfg.workers)
    if problem:
        server.log.error("Refusing to start: %s", problem)
        sys.exit(1)


def post_worker_init(worker):
    if _mallopt is not None:
        _mallopt(M_MMAP_THRESHOLD, 128 * 1024)
    gc.collect()
    gc.freeze()
    if _malloc_trim is not None:
        _malloc_trim(0)  # what importing the app freed
    worker.log.info("Worker ready (pid: %s)", worker.pid)


def post_request(worker, req, environ, resp):
    if environ.get("PATH_INFO", "").endswith(".pdf"):
        gc.collect()
        if _malloc_trim is not None:
            _malloc_trim(0)
