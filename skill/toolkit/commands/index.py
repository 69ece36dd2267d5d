"""`postmortem index` (not implemented yet)."""
from skill.toolkit.errors import UsageError

HELP = "index (not implemented yet)"


def add_arguments(parser):
    pass


def run(args) -> int:
    raise UsageError("'index' is not implemented yet")
