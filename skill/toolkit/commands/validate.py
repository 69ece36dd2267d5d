"""`postmortem validate` (not implemented yet)."""
from skill.toolkit.errors import UsageError

HELP = "validate (not implemented yet)"


def add_arguments(parser):
    pass


def run(args) -> int:
    raise UsageError("'validate' is not implemented yet")
