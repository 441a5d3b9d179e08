from django.core.management.base import BaseCommand, CommandError

from fabriques.search import registry, services


class Command(BaseCommand):
    help = "Reconstruit l’index de la recherche publique (toutes les catégories ou une seule)."

    def add_arguments(self, parser):
        kinds = [source.kind for source in registry.sources()]
        parser.add_argument("--kind", choices=kinds, help="Une seule catégorie.")

    def handle(self, *args, kind=None, **options):
        try:
            written = services.reindex(kind=kind)
        except LookupError as error:
            raise CommandError(str(error)) from error
        for each, count in written.items():
            self.stdout.write(f"{each} : {count} entrée(s) écrite(s) ou retirée(s)")
