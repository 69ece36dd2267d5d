"""`postmortem timeline` (not implemented yet)."""
from skill.toolkit.errors import UsageError

HELP = "timeline (not implemented yet)"


def add_arguments(parser):
    pass


def run(args) -> int:
    raise UsageError("'timeline' is not implemented yet")
