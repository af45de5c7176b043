from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save

# Apps whose rows appear on public pages: a change to any of them makes every
# cached page stale (see pagecache/caching.py).
CONTENT_APPS = {"comparisons", "recommender"}


# Rows that never appear on a cached page: a quiz submission must not empty the cache.
NOT_ON_PAGES = {"recommender.Result"}


def _content_changed(sender, **kwargs):
    from simple_history.models import HistoricalChanges

    from pagecache.caching import bump_content_version

    if sender._meta.app_label not in CONTENT_APPS or sender._meta.label in NOT_ON_PAGES:
        return
    # A history row is written with the change it records, and an m2m change
    # signals before and after: one bump (one UPDATE) per actual change is enough.
    if issubclass(sender, HistoricalChanges) or kwargs.get("action", "").startswith("pre_"):
        return
    bump_content_version()


class ComparisonsConfig(AppConfig):
    name = "comparisons"
    verbose_name = "Comparisons"

    def ready(self):
        for name, signal in [("save", post_save), ("delete", post_delete), ("m2m", m2m_changed)]:
            signal.connect(_content_changed, dispatch_uid=f"pickframe-content-{name}")
