"""Let the Editors group tune the quiz and read (not edit) its results."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

TUNABLE = ["question", "choice", "weight", "advice"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("recommender")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    codenames = [f"{action}_{model}" for model in TUNABLE for action in ("add", "change", "delete", "view")]
    editors.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="recommender", codename__in=[*codenames, "view_result"]
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for editors in Group.objects.filter(name="Editors"):
        editors.permissions.remove(
            *editors.permissions.filter(content_type__app_label="recommender")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("recommender", "0001_initial"),
        ("comparisons", "0002_editors_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
