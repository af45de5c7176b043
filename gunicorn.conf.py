"""gunicorn settings, read by gunicorn from the working directory (docs/deploy.md).

gunicorn always runs behind nginx (deploy/nginx/pickframe.conf), which reads every
request whole before passing it on and reads the answer whole before sending it to
a slow client. So a few sync workers, one request each, serve the site: a worker is
busy only for as long as the app computes. Command-line flags override what is set
here; the environment sets the address and the number of workers.
"""

import gc
import os

# Where nginx reaches us: a Unix socket ("unix:/run/pickframe/gunicorn.sock") or a
# loopback address, never a public one. Whoever reaches gunicorn directly skips
# nginx's buffering (a few slow clients then hold every worker) and may write its
# own X-Forwarded-Proto and X-Forwarded-For. Setting the address here also keeps
# gunicorn from binding 0.0.0.0:$PORT, which it does by itself when PORT is set.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")


def default_workers():
    """Two per core plus one: a sync worker waiting on PostgreSQL or Redis is idle."""
    return 2 * len(os.sched_getaffinity(0)) + 1


workers = int(os.environ.get("WEB_CONCURRENCY") or default_workers())
worker_class = "sync"

# Import the site once in the master, so workers start fast and share its memory.
preload_app = True

# Workers are never recycled after a number of requests (max_requests stays 0,
# gunicorn's default). With --max-requests 1000 --max-requests-jitter 100 a
# server's workers restart in bursts under load: behind nginx (bench/proxy.py,
# 8 connections) p99 was 1490 ms with it and 181 ms without. Memory stays flat
# without it: the per-process memos are bounded (READER_MEMO_BYTES) and the
# cache lives in Redis.
max_requests = 0

# A request that takes longer than this kills its worker (nginx waits 35 s), and on
# a restart or shutdown a worker gets as long to finish what it is doing.
timeout = 30
graceful_timeout = 30

# Over a Unix socket every peer is nginx. Over TCP only loopback may set the
# X-Forwarded-* headers gunicorn itself reads (wsgi.url_scheme); never "*".
forwarded_allow_ips = "127.0.0.1,::1"


def post_fork(server, worker):
    """Move everything the worker inherited into the permanent generation.

    The garbage collector then never scans the settings, templates and modules
    loaded before the fork, which cuts the time it takes on every request that
    allocates a lot (a fresh comparison builds thousands of objects), and it
    never writes to those shared pages, so they stay shared between workers.
    """
    gc.freeze()
