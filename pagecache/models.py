from django.db import models


class ContentVersion(models.Model):
    """A single row whose token changes whenever any content row changes.

    Everything derived from content (cached pages, the quiz, rendered
    comparisons) is keyed by this token. It lives in the database so that every
    app server sees a change at once, with a shared cache, a per-process one or
    none at all. The token is random rather than a counter so that a bump inside
    a transaction that rolls back can never be mistaken for a later one.
    """

    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField()
    schedule = models.JSONField(
        default=list,
        help_text="POSIX times, ascending, at which scheduled content goes live; "
        "each one that passes changes the effective version.",
    )

    def __str__(self):
        return f"{self.token} ({self.changed_at:%Y-%m-%d %H:%M:%S})"
