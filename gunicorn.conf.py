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
"""
import ctypes
import gc
import os

bind = os.environ.get("CRM_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("CRM_WORKERS", "2"))
worker_class = "sync"
accesslog = os.environ.get("CRM_ACCESS_LOG")  # unset: no access log

try:
    _malloc_trim = ctypes.CDLL("libc.so.6").malloc_trim
except (OSError, AttributeError):  # not glibc
    _malloc_trim = None


def post_worker_init(worker):
    gc.collect()
    gc.freeze()
    if _malloc_trim is not None:
        _malloc_trim(0)  # what importing the app freed


def post_request(worker, req, environ, resp):
    if environ.get("PATH_INFO", "").endswith(".pdf"):
        gc.collect()
        if _malloc_trim is not None:
            _malloc_trim(0)
