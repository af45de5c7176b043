"""Data for the editors' workbench, then the rules it enforces.

- Published frameworks get a publish time (their last save), as articles have.
- Support rows whose level contradicts their extension are repaired: a
  built-in, none or unchecked level names no extension. The matrix used to
  change only the level, so the level is the editor's latest word; the stale
  extension is cleared (history keeps it) and the row falls due for a re-check.
- Editors may view and record verifications.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations, models
from django.db.models import F, Q

EXTENSION_LEVELS = ["official-extension", "third-party"]


def fill_publish_times(apps, schema_editor):
    Framework = apps.get_model("comparisons", "Framework")
    Framework.objects.filter(status="published", published_at__isnull=True).update(
        published_at=F("updated_at")
    )


def repair_contradictions(apps, schema_editor):
    Support = apps.get_model("comparisons", "Support")
    Support.objects.filter(~Q(level__in=EXTENSION_LEVELS) & (~Q(via="") | ~Q(via_url=""))).update(
        via="", via_url="", verified_on=None
    )


def grant_editors(apps, schema_editor):
    app_config = apps.get_app_config("comparisons")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="comparisons",
            codename__in=["view_verification", "add_verification", "view_verifiedfact", "add_verifiedfact"],
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("comparisons", "0008_workbench"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(fill_publish_times, migrations.RunPython.noop),
        migrations.RunPython(repair_contradictions, migrations.RunPython.noop),
        migrations.RunPython(grant_editors, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='framework',
            constraint=models.CheckConstraint(condition=models.Q(('status', 'draft'), ('published_at__isnull', False), _connector='OR'), name='framework_published_has_date', violation_error_message='A published framework needs a publish time.'),
        ),
        migrations.AddConstraint(
            model_name='support',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('level__in', ['official-extension', 'third-party']), models.Q(('via', ''), _negated=True)), models.Q(models.Q(('level__in', ['official-extension', 'third-party']), _negated=True), ('via', ''), ('via_url', '')), _connector='OR'), name='support_extension_matches_level', violation_error_message='Official and third-party levels name their extension; every other level names none.'),
        ),
    ]
