"""Rows deleted before deletions were recorded: each becomes a deletion of its own.

Which rows went together was never recorded, so each is restored on its own
(a framework's facts after the framework).
"""

from django.db import migrations

CONTENT = {
    "comparisons": [
        "source", "framework", "featurecategory", "feature", "support", "trait", "traitvalue",
        "usecase", "fit", "company", "adoption", "procon", "article", "articleframework",
        "faqentry",
    ],
    "recommender": ["question", "choice", "weight", "advice"],
}  # fmt: skip


def record_earlier_deletions(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Deletion = apps.get_model("editing", "Deletion")
    DeletedRow = apps.get_model("editing", "DeletedRow")
    for app_label, names in CONTENT.items():
        for name in names:
            model = apps.get_model(app_label, name)
            history = apps.get_model(app_label, f"historical{name}")
            latest = {}
            for record in (
                history.objects.filter(history_type="-")
                .exclude(id__in=model.objects.values("pk"))
                .order_by("history_date", "history_id")
            ):
                latest[record.id] = record
            if not latest:
                continue
            content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=name)
            for record in latest.values():
                deletion = Deletion.objects.create(
                    deleted_at=record.history_date, deleted_by_id=record.history_user_id
                )
                DeletedRow.objects.create(
                    deletion=deletion, content_type=content_type, object_id=record.id,
                    history_id=record.history_id, is_root=True, position=0,
                )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [
        ("editing", "0001_initial"),
        ("comparisons", "0009_workbench_data"),
        ("recommender", "0003_history"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(record_earlier_deletions, migrations.RunPython.noop)]
