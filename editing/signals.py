"""Signal receivers for content models: the content version and deletion records.

Connected in ``EditingConfig.ready()`` for the registered content models only
(``editing.registry``), never for every sender.

- Any saved, deleted or re-linked content row makes derived pages stale. The
  content version (pagecache) changes once per transaction, after it commits,
  however many rows the transaction touched. Fixture loads (``raw``) are
  skipped; ``seed`` marks its whole load as one change.
- A deletion records which rows went together (Django tells each row's
  ``post_delete`` the ``origin`` of the delete), so a restore brings back
  exactly those rows.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from simple_history.signals import post_create_historical_record

from pagecache.caching import bump_content_version

from .models import DeletedRow, Deletion
from .registry import content_models, is_content


def scheduled_times():
    """Future publish times of content, as POSIX timestamps (pagecache needs them).

    A content model whose manager has ``scheduled(now)`` (a values_list of the
    publish times still to come) can go live without anyone saving anything.
    All of them are read in one query.
    """
    now = timezone.now()
    querysets = [
        model._default_manager.scheduled(now).order_by()
        for model in content_models()
        if hasattr(model._default_manager, "scheduled")
    ]
    if not querysets:
        return []
    first, *rest = querysets
    return sorted(moment.timestamp() for moment in first.union(*rest, all=True))


class _Bump:
    """The content-version change queued for one transaction."""

    done = False

    def __init__(self, block):
        self.block = block

    def __call__(self):
        self.done = True
        bump_content_version(scheduled_times())


def _committing_block(connection):
    """The atomic block whose commit publishes the current changes (None: autocommit).

    The outermost one, except that Django's TestCase wraps each test in blocks
    that never commit (marked ``_from_testcase``); inside a test, the first block
    the code itself opened commits, as it would in production.
    """
    for block in connection.atomic_blocks:
        if not getattr(block, "_from_testcase", False):
            return block
    return None


def content_changed(using=None):
    """Change the content version once, when the current transaction commits."""
    connection = transaction.get_connection(using)
    block = _committing_block(connection)
    pending = getattr(connection, "pickframe_content_bump", None)
    if (
        pending is not None
        and not pending.done
        and pending.block is block
        and any(queued is pending for _, queued, _ in connection.run_on_commit)
    ):
        return
    pending = connection.pickframe_content_bump = _Bump(block)
    # robust: the content is already committed; a failed version write is
    # logged instead of turning a successful save into an error page.
    transaction.on_commit(pending, using=using, robust=True)


def _saved(sender, raw=False, using=None, **kwargs):
    if not raw:
        content_changed(using)


def _links_changed(sender, action, using=None, **kwargs):
    if not action.startswith("pre_"):
        content_changed(using)


def _remember_deletion_record(sender, instance, history_instance, **kwargs):
    # simple-history writes the deletion record in its own post_delete receiver,
    # connected before ours: keep it on the instance for _deleted() below.
    if history_instance.history_type == "-" and is_content(type(instance)):
        instance._pickframe_deletion_record = history_instance


def _is_root(instance, origin):
    if origin is None or origin is instance:
        return True
    if isinstance(origin, models.QuerySet):
        return origin.model is type(instance)
    return type(origin) is type(instance) and origin.pk == instance.pk


def _deleted(sender, instance, using=None, origin=None, **kwargs):
    record = instance.__dict__.pop("_pickframe_deletion_record", None)
    if record is not None:
        deletion = getattr(origin, "_pickframe_deletion", None)
        if deletion is None:
            deletion = Deletion.objects.using(using).create(
                deleted_at=record.history_date, deleted_by_id=record.history_user_id
            )
            deletion.next_position = 0
            if origin is not None:
                origin._pickframe_deletion = deletion
        DeletedRow.objects.using(using).create(
            deletion=deletion,
            content_type=ContentType.objects.db_manager(using).get_for_model(sender),
            object_id=instance.pk,
            history_id=record.history_id,
            is_root=_is_root(instance, origin),
            position=deletion.next_position,
        )
        deletion.next_position += 1
    content_changed(using)


def connect():
    for model in content_models():
        uid = f"editing-{model._meta.label_lower}"
        post_save.connect(_saved, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"{uid}-delete")
        for field in model._meta.many_to_many:
            m2m_changed.connect(
                _links_changed,
                sender=field.remote_field.through,
                dispatch_uid=f"{uid}-{field.name}",
            )
    post_create_historical_record.connect(
        _remember_deletion_record, dispatch_uid="editing-deletion-record"
    )
