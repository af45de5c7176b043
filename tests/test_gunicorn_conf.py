"""gunicorn.conf.py, which gunicorn reads from the working directory.

Each setting is read back through gunicorn's own Config, so a value gunicorn
would refuse, or read differently, fails here too.
"""

import gc
import os
import runpy

import pytest
from gunicorn.config import Config

from .liveserver import ROOT

ENVIRONMENT = ("GUNICORN_BIND", "WEB_CONCURRENCY", "PORT", "FORWARDED_ALLOW_IPS")


@pytest.fixture
def gunicorn_settings(monkeypatch):
    """The settings gunicorn would run with, for the given environment."""

    def load(**environment):
        for name in ENVIRONMENT:
            monkeypatch.delenv(name, raising=False)
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
        config = Config()
        for name, value in conf.items():
            if name in config.settings:
                config.set(name, value)
        return config

    return load


def test_workers_freeze_what_they_inherit_and_the_site_is_preloaded():
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert conf["preload_app"] is True
    gc.unfreeze()
    try:
        conf["post_fork"](server=None, worker=None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_gunicorn_listens_on_loopback_by_default_even_when_port_is_set(gunicorn_settings):
    # Without a bind of its own gunicorn takes 0.0.0.0:$PORT when PORT is set.
    assert gunicorn_settings(PORT="8000").bind == ["127.0.0.1:8000"]


def test_the_address_comes_from_the_environment(gunicorn_settings):
    config = gunicorn_settings(GUNICORN_BIND="unix:/run/pickframe/gunicorn.sock")
    assert config.bind == ["unix:/run/pickframe/gunicorn.sock"]


def test_workers_come_from_web_concurrency(gunicorn_settings):
    assert gunicorn_settings(WEB_CONCURRENCY="7").workers == 7


def test_workers_default_to_two_per_core_plus_one(gunicorn_settings, monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2})
    assert gunicorn_settings().workers == 7


def test_sync_workers_are_never_recycled_by_request_count(gunicorn_settings):
    # Recycling after N requests restarted a server's workers together under load.
    config = gunicorn_settings()
    assert config.worker_class_str == "sync"
    assert config.max_requests == 0


def test_only_loopback_may_set_forwarded_headers_over_tcp(gunicorn_settings):
    # Even when the environment would trust everyone.
    config = gunicorn_settings(FORWARDED_ALLOW_IPS="*")
    assert config.forwarded_allow_ips == ["127.0.0.1", "::1"]
