from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from config.demo import loader


class Command(BaseCommand):
    help = "Load the demo content (idempotent: a second run changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load pages and catalogue with DEBUG off, but never the demo accounts.",
        )

    def handle(self, *args, **options):
        with_accounts = settings.DEBUG
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "DEBUG is off: demo content and its well-known passwords are for "
                "local use only. Pass --allow-production to load content without "
                "the demo accounts."
            )
        with transaction.atomic():
            report = loader.demo_load(with_accounts=with_accounts)
        for line in report:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Demo content ready."))
