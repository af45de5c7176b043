"""make backup and seed --from: content, accounts and edit history survive the round trip.
On PostgreSQL, pg_dump and pg_restore do too."""

import os
import subprocess

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.core import serializers
from django.core.cache import cache
from django.core.management import CommandError, call_command, load_command_class
from django.db import connection
from django.test import Client
from django.urls import reverse

from comparisons.admin_views import mark_verified
from comparisons.management.commands.backup import LEFT_OUT, backed_up_models
from comparisons.models import Framework, ProCon, Support
from editing.history import restore
from editing.models import Deletion
from editing.registry import content_models
from pagecache.caching import clear_memos
from recommender.models import Result

from .factories import FrameworkFactory, build_quiz, build_site
from .htmlforms import form_data

# Only the rows each test builds.
pytestmark = pytest.mark.usefixtures("empty_content")


def wipe(settings):
    """Delete every backed-up row (writing no history of it), as a fresh database has
    none; the Editors group stays, as the migrations make it."""
    settings.SIMPLE_HISTORY_ENABLED = False
    for model in reversed(backed_up_models()):
        if model is not Group:
            model._default_manager.all().delete()
    settings.SIMPLE_HISTORY_ENABLED = True
    Group.objects.exclude(name="Editors").delete()


@pytest.fixture
def empty_database(empty_content, settings):
    wipe(settings)


def call_command_help(name):
    return load_command_class("comparisons", name).create_parser("manage.py", name).format_help()


def snapshot():
    """Every backed-up row as stored, ids included (a restore must keep them); groups,
    which another database may number differently, by name."""
    rows = {}
    for model in backed_up_models():
        if model is Group:
            continue
        rows[model._meta.label] = list(model._default_manager.order_by("pk").values())
        for field in model._meta.local_many_to_many:
            if field.related_model is Group:
                continue  # by name, below
            through = field.remote_field.through
            columns = [f.attname for f in through._meta.fields if not f.primary_key]
            rows[through._meta.label] = sorted(through.objects.values_list(*columns))
    rows["groups"] = sorted(
        (group.name, sorted(group.permissions.values_list("codename", flat=True)),
         sorted(group.user_set.values_list("username", flat=True)))
        for group in Group.objects.all()
    )  # fmt: skip
    return rows


def admin_save(client, obj, **changes):
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    data = form_data(client.get(url).text, f"{opts.model_name}_form")
    assert client.post(url, {**data, **changes}).status_code == 302


@pytest.fixture
def history(empty_database, django_user_model, client):
    """A small site, with a quiz result, accounts, and an editor's changes and deletion."""
    site = build_site()
    build_quiz(site.frameworks)
    assert client.post("/quiz/", {"experience": "new", "project": "site"}).status_code == 303
    ada = django_user_model.objects.create_user("ada", password="ada-pw", is_staff=True)
    ada.groups.add(Group.objects.get(name="Editors"))
    reviewers = Group.objects.create(name="Reviewers")
    reviewers.permissions.add(Permission.objects.get(codename="view_framework"))
    bob = django_user_model.objects.create_user("bob", password="bob-pw", is_staff=True)
    bob.groups.add(reviewers)
    bob.user_permissions.add(Permission.objects.get(codename="view_support"))
    editor = Client()
    editor.force_login(ada)
    support = Support.objects.get(framework=site.alpha, feature=site.orm)
    admin_save(editor, support, level="third-party", via="Peewee")
    con = ProCon.objects.get(framework=site.beta, kind="con")
    url = reverse("admin:comparisons_procon_delete", args=[con.pk])
    assert editor.post(url, {"post": "yes"}).status_code == 302
    mark_verified({Support: [support.pk]}, ada, site.docs, note="Alpha docs, databases page")
    return site


def test_a_backup_restores_content_accounts_and_history_into_a_fresh_database(
    tmp_path, client, settings, history
):
    before = snapshot()
    models = [m._meta.label for m in backed_up_models() if m is not Group]
    assert [label for label in models if not before[label]] == []
    changes = "/compare/alpha-vs-beta/changes/"
    log = client.get(changes).text
    assert "Peewee" in log and "No changes since" not in log

    path = tmp_path / "backup.json"
    call_command("backup", output=str(path), verbosity=0)
    wipe(settings)
    Group.objects.get(name="Editors").permissions.clear()  # the restore gives them back
    assert not Framework.objects.exists() and not Result.objects.exists()

    call_command("seed", "--from", str(path), verbosity=0)
    cache.clear()  # every page below is rendered from the restored rows
    clear_memos()
    assert snapshot() == before
    assert client.get(changes).text.count("Peewee") == log.count("Peewee")
    assert "No changes since" not in client.get(changes).text
    # Accounts sign in with their passwords, and keep their rights.
    ada = Client()
    assert ada.post("/admin/login/", {"username": "ada", "password": "ada-pw"}).status_code == 302
    assert ada.get(reverse("admin:comparisons_framework_changelist")).status_code == 200
    # The deletion can still be undone: history ids still point at the right records.
    deletion = Deletion.objects.get()
    restored = restore(deletion, deletion.deleted_by)
    assert restored.title == "Heavy" and restored.framework.slug == "beta"
    assert LogEntry.objects.filter(user__username="ada").count() == 2
    token = Result.objects.get().token
    assert client.get(f"/quiz/result/{token}/").status_code == 200


def test_a_backup_made_before_history_was_kept_still_restores(tmp_path, settings, empty_database):
    build_site()
    content = serializers.sort_dependencies([(None, content_models())], allow_cycles=False)
    path = tmp_path / "old-backup.json"
    path.write_text(serializers.serialize(  # as `make backup` wrote them until now
        "json", [row for model in content for row in model._default_manager.order_by("pk")],
        use_natural_foreign_keys=True, use_natural_primary_keys=True,
    ))  # fmt: skip
    wipe(settings)

    call_command("seed", "--from", str(path), verbosity=0)
    support = Support.objects.get(framework__slug="alpha", feature__slug="orm")
    [first] = support.history.all()  # a first record, as after seed, with what it cited
    assert [s.source.title for s in first.sources.all()] == ["Alpha docs: databases"]


def test_every_table_is_backed_up_or_left_out_on_purpose():
    from django.apps import apps

    accounted = {model._meta.label for model in backed_up_models()}
    accounted |= {label for labels, _ in LEFT_OUT for label in labels}
    assert {model._meta.label for model in apps.get_models()} - accounted == set()


def test_the_backup_says_what_it_leaves_out(tmp_path, capsys):
    call_command("backup", output=str(tmp_path / "backup.json"))
    out = capsys.readouterr().out
    assert "Left out: sessions (everyone signs in again); sign-in attempts" in out
    assert "Left out:" in call_command_help("backup")


def test_a_backup_restores_only_into_a_database_without_such_rows(
    tmp_path, settings, empty_database, django_user_model
):
    build_site()
    path = tmp_path / "backup.json"
    call_command("backup", output=str(path), verbosity=0)
    wipe(settings)
    django_user_model.objects.create_user("early-bird", password="pw")
    with pytest.raises(CommandError, match="freshly migrated database"):
        call_command("seed", "--from", str(path), verbosity=0)
    with pytest.raises(CommandError, match="--force does not apply"):
        call_command("seed", "--from", str(path), "--force", verbosity=0)


def test_restoring_a_backup_refuses_a_database_with_content(tmp_path):
    FrameworkFactory()
    path = tmp_path / "backup.json"
    call_command("backup", output=str(path), verbosity=0)
    with pytest.raises(CommandError, match="already has content"):
        call_command("seed", "--from", str(path), verbosity=0)


def test_backup_files_are_timestamped_in_backups(settings, tmp_path, capsys):
    settings.BASE_DIR = tmp_path
    call_command("backup")
    [written] = (tmp_path / "backups").glob("pickframe-*.json")
    assert written.name[len("pickframe-") : -len(".json")].replace("-", "").isdigit()
    assert str(written) in capsys.readouterr().out


def _connection_args():
    db = connection.settings_dict
    args = [f"--host={db['HOST']}", f"--port={db['PORT']}", f"--username={db['USER']}"]
    return db, args, {**os.environ, "PGPASSWORD": str(db["PASSWORD"] or "")}


def _row_counts(db, name):
    """{table: rows} of every table, as committed (a connection of its own)."""
    import psycopg
    from psycopg import sql

    where = {"host": db["HOST"], "port": db["PORT"], "user": db["USER"]}
    with psycopg.connect(**where, password=db["PASSWORD"], dbname=name, autocommit=True) as conn:
        listed = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = [row[0] for row in listed]
        count = sql.SQL("SELECT count(*) FROM {}")
        return {t: conn.execute(count.format(sql.Identifier(t))).fetchone()[0] for t in tables}


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="pg_dump and pg_restore are PostgreSQL's (CI runs this on PostgreSQL)",
)
def test_pg_dump_restores_into_a_fresh_database_with_every_row(tmp_path):
    """The backup docs/deploy.md recommends on PostgreSQL, of the test database as
    committed (the content loaded for the session), into a new database."""
    db, args, env = _connection_args()
    dump = tmp_path / "pickframe.dump"
    subprocess.run(["pg_dump", "--format=custom", *args, f"--file={dump}", db["NAME"]],
                   check=True, env=env)  # fmt: skip
    fresh = f"{db['NAME']}_restored"
    subprocess.run(["createdb", *args, fresh], check=True, env=env)
    try:
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", *args,
                        f"--dbname={fresh}", str(dump)], check=True, env=env)  # fmt: skip
        original, restored = _row_counts(db, db["NAME"]), _row_counts(db, fresh)
    finally:
        subprocess.run(["dropdb", "--if-exists", *args, fresh], check=True, env=env)
    assert restored == original
    assert original["django_migrations"] > 0 and original["auth_permission"] > 0
    assert "comparisons_framework" in restored and "comparisons_historicalframework" in restored
