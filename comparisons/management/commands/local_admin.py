"""Give a developer a way into the local admin (debug only)."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

USERNAME = "admin"


class Command(BaseCommand):
    help = "Create a local superuser on first run and print how to sign in. Debug only."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("local_admin only runs with DJANGO_DEBUG=1.")
        User = get_user_model()
        url = "http://127.0.0.1:8000/admin/"
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write(
                f"Admin: {url} (the password was printed on first run; "
                f"reset it with `.venv/bin/python manage.py changepassword {USERNAME}`)."
            )
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(USERNAME, email="", password=password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Created a local superuser. Sign in at {url} as '{USERNAME}' with password "
                f"'{password}'. It is shown only this once."
            )
        )
