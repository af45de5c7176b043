"""gunicorn settings, read by gunicorn from the working directory (docs/deploy.md).

Command-line flags override these; the address and worker count come from there or
from the environment (``WEB_CONCURRENCY`` is read by gunicorn itself).
"""

import gc

# Import the site once in the master, so workers start fast and share its memory.
preload_app = True


def post_fork(server, worker):
    """Move everything the worker inherited into the permanent generation.

    The garbage collector then never scans the settings, templates and modules
    loaded before the fork, which cuts the time it takes on every request that
    allocates a lot (a fresh comparison builds thousands of objects), and it
    never writes to those shared pages, so they stay shared between workers.
    """
    gc.freeze()
