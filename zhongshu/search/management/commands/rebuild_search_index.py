from django.core.management.base import BaseCommand, CommandError

from zhongshu.search import registry, services


class Command(BaseCommand):
    help = "Drop and rebuild the full-text search index (every indexed type, or one)."

    def add_arguments(self, parser):
        parser.add_argument("--kind", help="only this type (its registered key)")

    def handle(self, *args, kind=None, **options):
        if kind:
            try:
                kinds = [registry.get(kind)]
            except LookupError as error:
                raise CommandError(str(error)) from None
        else:
            kinds = registry.kinds()
        for k in kinds:
            if not k.indexed:
                self.stdout.write(f"{k.key}: searched live, nothing to index")
                continue
            written = services.rebuild(k.key)
            self.stdout.write(f"{k.key}: {written} indexed")
