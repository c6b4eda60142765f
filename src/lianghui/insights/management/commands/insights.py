"""`lianghui insights {train,evaluate,score-pairs,route,cluster,topics}`: offline NLP."""

from django.core.management.base import BaseCommand, CommandParser

from lianghui.insights import cli


class Command(BaseCommand):
    help = (
        "Insights NLP: train and evaluate routing models, route a text, score "
        "near-duplicate pairs, cluster merge candidates, tag topics."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        cli.add_arguments(parser)

    def handle(self, *args, **options) -> None:
        import argparse

        namespace = argparse.Namespace(**options)
        code = cli.run(namespace, out=self.stdout._out, err=self.stderr._out)
        if code:
            raise SystemExit(code)
