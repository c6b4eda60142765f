"""The `lianghui` console script: Django's management commands, with our settings."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianghui.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["lianghui", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
