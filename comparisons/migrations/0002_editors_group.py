"""Create the Editors group: full rights on content, none on users or groups."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTENT_APPS = ["comparisons"]


def grant_editors(apps, schema_editor):
    # Permissions are normally created after all migrations have run; make sure
    # this app's exist now so the group can be given them.
    for app_label in CONTENT_APPS:
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(*Permission.objects.filter(content_type__app_label__in=CONTENT_APPS))


def remove_editors(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Editors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("comparisons", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant_editors, remove_editors)]
