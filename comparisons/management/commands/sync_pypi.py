"""Keep each framework's version, release date, licence and Python versions in step with PyPI.

For every framework with a PyPI name, reads ``{PYPI_URL}/pypi/<name>/json``. What
changed is saved like an editor's save (only those fields, so an editor's work on
the same framework at the same moment is kept), which puts it in the history and
the public change log. Every framework read records a machine verification that
cites its PyPI page, and readers see "checked automatically" with the date. An
unreachable or malformed answer changes nothing and says why.

Run it daily (docs/deploy.md).
"""

import datetime
import json
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from comparisons.models import Framework, Source, Verification, VerifiedFact
from editing.signals import content_changed

# PEP 639 licence expressions and short licence fields pass through; the
# classifiers say less (BSD does not say how many clauses), so only these map.
CLASSIFIER_LICENCES = {
    "License :: OSI Approved :: MIT License": "MIT",
    "License :: OSI Approved :: Apache Software License": "Apache-2.0",
}


class Unusable(Exception):
    """PyPI's answer cannot be used; the message says why."""


@dataclass
class Release:
    version: str
    released: datetime.date | None
    licence: str
    python_requires: str


def fetch(base, name, timeout):
    url = f"{base.rstrip('/')}/pypi/{name}/json"
    request = urllib.request.Request(
        url, headers={"User-Agent": settings.SOURCE_CHECK_USER_AGENT, "Accept": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            body = response.read(5_000_000)
    except urllib.error.HTTPError as error:
        raise Unusable(f"{url} answered HTTP {error.code}") from error
    except (urllib.error.URLError, OSError) as error:
        raise Unusable(f"{url} did not answer: {getattr(error, 'reason', error)}") from error
    try:
        return json.loads(body)
    except ValueError as error:
        raise Unusable(f"{url} did not send JSON") from error


def release(data):
    """The facts we keep, from PyPI's JSON: a Release, or Unusable."""
    info = data.get("info") if isinstance(data, dict) else None
    if not isinstance(info, dict) or not isinstance(info.get("version"), str):
        raise Unusable("the answer has no info.version")
    version = info["version"].strip()
    if not version or len(version) > 30:
        raise Unusable(f"unusable version {version!r}")
    files = (data.get("releases") or {}).get(version) or data.get("urls") or []
    times = [
        f.get("upload_time_iso_8601") or f.get("upload_time") for f in files if isinstance(f, dict)
    ]
    released = None
    dates = sorted(t for t in times if isinstance(t, str))
    if dates:
        try:
            released = datetime.date.fromisoformat(dates[0][:10])
        except ValueError as error:
            raise Unusable(f"unusable upload time {dates[0]!r}") from error
    return Release(version, released, _licence(info), _short(info.get("requires_python")))


def _short(value, limit=60):
    value = value.strip() if isinstance(value, str) else ""
    return value if len(value) <= limit and "\n" not in value else ""


def _licence(info):
    for value in (info.get("license_expression"), info.get("license")):
        if _short(value):
            return _short(value)
    for classifier in info.get("classifiers") or []:
        if classifier in CLASSIFIER_LICENCES:
            return CLASSIFIER_LICENCES[classifier]
    return ""  # not stated in a form we can use: the licence is left as it is


def pypi_source(framework):
    url = f"https://pypi.org/project/{framework.pypi_name}/"
    source, _ = Source.objects.get_or_create(
        url=url,
        defaults={
            "slug": f"pypi-{framework.slug}"[:100],
            "title": f"{framework.pypi_name} on PyPI",
            "publisher": "Python Package Index",
            "note": "Version, release date, licence and Python versions, read by sync_pypi.",
        },
    )
    return source


def apply(framework, found):
    """Save what PyPI says that differs; return the names of the fields that changed."""
    values = {
        "current_version": found.version,
        "version_released": found.released,
        "python_requires": found.python_requires,
        "license": found.licence,
    }
    changed = [
        name for name, value in values.items() if value and getattr(framework, name) != value
    ]
    for name in changed:
        setattr(framework, name, values[name])
    if changed:
        # Only these columns (and the timestamp): an editor's save meanwhile stays whole.
        framework._change_reason = "PyPI"
        framework.save(update_fields=[*changed, "updated_at"])
    return changed


class Command(BaseCommand):
    help = "Update each framework's version, release date, licence and Python versions from PyPI."

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default=settings.PYPI_URL)
        parser.add_argument("--timeout", type=float, default=settings.SOURCE_CHECK_TIMEOUT)

    def handle(self, *args, base_url, timeout, **options):
        failures = 0
        for framework in Framework.objects.exclude(pypi_name="").order_by("slug"):
            try:
                found = release(fetch(base_url, framework.pypi_name, timeout))
            except Unusable as problem:
                failures += 1
                self.stderr.write(f"{framework.slug}: nothing changed, {problem}")
                continue
            with transaction.atomic():
                framework.refresh_from_db()  # the latest saved row, not the one read earlier
                changed = apply(framework, found)
                source = pypi_source(framework)
                now = timezone.now()
                Framework.objects.filter(pk=framework.pk).update(
                    pypi_source=source, pypi_checked_at=now
                )
                verification = Verification.objects.create(
                    checked_at=now,
                    method=Verification.Method.MACHINE,
                    source=source,
                    note="PyPI JSON API: version, release date, licence, Python versions",
                )
                VerifiedFact.objects.create(
                    verification=verification,
                    fact_type=ContentType.objects.get_for_model(Framework),
                    fact_id=framework.pk,
                )
            said = ", ".join(f"{name} now {getattr(framework, name)}" for name in changed)
            self.stdout.write(f"{framework.slug}: {said or 'unchanged'}")
        content_changed()  # pages say when these facts were last checked
        if failures:
            self.stderr.write(f"{failures} framework(s) could not be checked.")
