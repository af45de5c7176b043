"""Reading and using content history: who changed a field, and restoring deletions.

Every content model keeps its history with django-simple-history. A restore
writes one history record per row, marked ``RESTORED``, so the change log can
say "restored" once instead of listing every field and citation again.
"""

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import Count
from django.db.models.signals import post_save
from django.utils import timezone

from .models import DeletedRow

RESTORED = "restored"


def last_change(row, field_name, limit=50):
    """(user, when) of the newest save that gave ``field_name`` its current value."""
    records = list(
        row.history.select_related("history_user").order_by("-history_date", "-history_id")[:limit]
    )
    if not records:
        return None, None
    field = row._meta.get_field(field_name)
    if not field.many_to_many:
        for record, older in zip(records, records[1:], strict=False):
            if getattr(record, field.attname) != getattr(older, field.attname):
                return record.history_user, record.history_date
    return records[0].history_user, records[0].history_date


def label(instance):
    """``str(instance)``, or a plain description when a row it names is gone."""
    try:
        return str(instance)
    except ObjectDoesNotExist:
        return f"{instance._meta.verbose_name} {instance.pk}"


class RestoreError(Exception):
    """A deletion that cannot be undone as it stands; the message says why."""


def restore(deletion, user):
    """Bring back every row ``deletion`` removed, parents first. Returns the root row.

    Each row comes back with its primary key and its citations, with one history
    entry marked as a restore. Nothing is written unless every row can return.
    """
    rows = list(deletion.rows.select_related("content_type").order_by("-position"))
    back = set()
    root = None
    with transaction.atomic():
        for row in rows:
            instance = _restore_row(row, back, user)
            back.add((type(instance), instance.pk))
            if row.is_root and root is None:
                root = instance
        deletion.restored_at = timezone.now()
        deletion.restored_by = user
        deletion.save(update_fields=["restored_at", "restored_by"])
    root.related_restored = len(rows) - 1
    return root


def _restore_row(row, back, user):
    model = row.content_type.model_class()
    record = model.history.get(history_id=row.history_id)
    instance = record.instance
    for field in model._meta.concrete_fields:
        if not field.is_relation:
            continue
        target = getattr(instance, field.attname)
        if target is None or (field.related_model, target) in back:
            continue
        if not field.related_model._default_manager.filter(pk=target).exists():
            raise RestoreError(
                f"“{label(instance)}” needs a {field.related_model._meta.verbose_name} that "
                "is deleted too: restore that first."
            )
    try:
        instance.validate_unique()
        instance.validate_constraints()
    except ValidationError as error:
        raise RestoreError(
            f"“{label(instance)}” cannot come back as it was: {' '.join(error.messages)}"
        ) from error
    # Save the row and its links without history, then write one record of the
    # whole restored state: a restore is one change, not one per citation.
    instance.skip_history_when_saving = True
    instance.save(force_insert=True)
    linked = record.prev_record or record  # links are removed before the deletion record
    for field in record._history_m2m_fields:
        through = field.remote_field.through
        target = next(
            f.attname
            for f in through._meta.concrete_fields
            if f.is_relation and f.related_model is field.related_model
        )
        ids = getattr(linked, field.name).values_list(target, flat=True)
        getattr(instance, field.name).set(list(ids))
    del instance.skip_history_when_saving
    instance._history_user = user
    instance._change_reason = RESTORED
    post_save.send(
        sender=model, instance=instance, created=True, update_fields=None, raw=False,
        using=instance._state.db,
    )  # fmt: skip
    return instance


def deleted_roots(model):
    """Deletions whose root row is a ``model`` row, not yet restored, newest first."""
    from django.contrib.contenttypes.models import ContentType

    return (
        DeletedRow.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            is_root=True,
            deletion__restored_at__isnull=True,
        )
        .select_related("deletion__deleted_by")
        .annotate(taken=Count("deletion__rows") - 1)
        .order_by("-deletion__deleted_at", "-deletion_id")
    )
