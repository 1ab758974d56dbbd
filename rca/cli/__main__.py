"""``python -m rca.cli``."""

from rca.cli.commands import main

__all__: list[str] = []

main()
