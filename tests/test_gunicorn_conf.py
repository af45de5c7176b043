"""gunicorn.conf.py, which gunicorn reads from the working directory."""

import gc
import runpy

from .liveserver import ROOT


def test_workers_freeze_what_they_inherit_and_the_site_is_preloaded():
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert conf["preload_app"] is True
    gc.unfreeze()
    try:
        conf["post_fork"](server=None, worker=None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
