"""gunicorn in production (the Procfile's web process): `gunicorn config.wsgi -c config/gunicorn.conf.py`.

Threads rather than sync workers: a sync worker is held whole by a client that sends its
request one byte a second, or by a request waiting on the database; with threads, such a
request holds one thread and the worker goes on answering. nginx in front (see
config/nginx.conf) buffers whole requests and responses, so slow clients are its
business; these settings are the second line when it is absent or misconfigured.
"""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
# One process per core the machine gives this one (Python runs one thread at a time per
# process), each with threads for the requests that wait on the database or the cache.
workers = int(os.environ.get("WEB_CONCURRENCY", max(2, len(os.sched_getaffinity(0)))))
# gthread, leaving new connections to the processes with a thread free (config/gunicorn_worker.py).
worker_class = os.environ.get(
    "GUNICORN_WORKER_CLASS", "config.gunicorn_worker.BalancedThreadWorker"
)
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

# A worker silent this long is restarted. Longer than the database timeouts of the settings
# (connect 5 s, statement 30 s), so that the database gives up first and the visitor gets a
# 503 page rather than a cut connection.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# Requests in progress get this long to finish on a restart or a deployment.
graceful_timeout = 30
# Idle keep-alive connections are closed after this many seconds (nginx reuses its own).
keepalive = 5

# Request line and headers: gunicorn's limits, stated; a body is limited by the application
# (REQUEST_MAX_BODY_BYTES) and by nginx (client_max_body_size).
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

# Workers' heartbeat files in memory: a slow or full disk must not look like a hung worker.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# A worker is replaced after this many requests, so a slow leak never grows unbounded.
max_requests = 10000
max_requests_jitter = 1000
# The application (config/wsgi.py: Django, the middleware, every view module) is loaded once
# in the master and the workers are forked warm: a replaced worker answers its first request
# at once instead of importing for a second and more. A new release needs a restart, not a
# HUP, to load new code (as a deployment does).
preload_app = True


def when_ready(server):  # type: ignore[no-untyped-def]
    """In the master, once the application is loaded and before the workers are forked: the
    translation catalogues, the URL patterns and every template (fabriques.core.warmup), which
    each worker would otherwise load on its first pages (about 150 ms of CPU for the first).

    Then every object the master holds (about 350,000) is set aside from the garbage collector
    (gc.freeze, as Python's documentation advises before a fork without exec). Otherwise each
    worker's full collections walk them all, about 110 ms with the process held, and a new
    worker's first one also copies every memory page it shares with the master. Measured with
    wrk (40 connections, 12 s, 4 workers replaced): the slowest request took 800-850 ms and the
    mean was 33 ms; with the objects frozen, 190-230 ms and 11.5 ms."""
    import gc

    from django.apps import apps

    compiled = 0
    if server.cfg.preload_app and apps.ready:  # the platform, not another application
        from fabriques.core.warmup import warm

        compiled = warm()
    gc.collect()
    gc.freeze()
    server.log.info(
        "Warmed up: %d templates compiled, %d objects frozen", compiled, gc.get_freeze_count()
    )


accesslog = "-"
# X-Forwarded-* headers are trusted from the local nginx only (gunicorn's default).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
