"""`postmortem new` (not implemented yet)."""
from skill.toolkit.errors import UsageError

HELP = "new (not implemented yet)"


def add_arguments(parser):
    pass


def run(args) -> int:
    raise UsageError("'new' is not implemented yet")
