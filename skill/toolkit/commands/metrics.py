"""`postmortem metrics` (not implemented yet)."""
from skill.toolkit.errors import UsageError

HELP = "metrics (not implemented yet)"


def add_arguments(parser):
    pass


def run(args) -> int:
    raise UsageError("'metrics' is not implemented yet")
