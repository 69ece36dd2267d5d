"""`postmortem evidence` (not implemented yet)."""
from skill.toolkit.errors import UsageError

HELP = "evidence (not implemented yet)"


def add_arguments(parser):
    pass


def run(args) -> int:
    raise UsageError("'evidence' is not implemented yet")
