"""What the editing machinery records beside the content's own history.

Every content model keeps its history with django-simple-history (one record
per save, with who and when). A deletion needs one more thing: which rows went
together. Deleting a framework also deletes its facts; restoring it must bring
back exactly those rows, and never a fact somebody deleted on its own.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class DeletionQuerySet(models.QuerySet):
    def restorable(self):
        return self.filter(restored_at__isnull=True)


class Deletion(models.Model):
    """One delete: the row an editor deleted and every row the delete took with it."""

    deleted_at = models.DateTimeField(default=timezone.now, db_index=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    restored_at = models.DateTimeField(null=True, blank=True)
    restored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = DeletionQuerySet.as_manager()

    class Meta:
        ordering = ["-deleted_at"]

    def __str__(self):
        return f"Deletion {self.pk} at {self.deleted_at:%Y-%m-%d %H:%M}"


class DeletedRow(models.Model):
    """One row a deletion removed, and the history record that holds its last state."""

    deletion = models.ForeignKey(Deletion, on_delete=models.CASCADE, related_name="rows")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    history_id = models.PositiveBigIntegerField(
        help_text="The row's deletion record in its model's history table."
    )
    is_root = models.BooleanField(
        default=False, help_text="The row the editor deleted (not one taken with it)."
    )
    position = models.PositiveIntegerField(
        help_text="Order of deletion: rows that depend on others go first."
    )

    class Meta:
        ordering = ["deletion", "position"]
        indexes = [models.Index(fields=["content_type", "is_root"])]

    def __str__(self):
        return f"{self.content_type.model} {self.object_id} ({self.deletion})"

    @property
    def record(self):
        """The history record of the row's last state (its deletion record)."""
        model = self.content_type.model_class()
        return model.history.get(history_id=self.history_id)
