"""`postmortem rules` (not implemented yet)."""
from skill.toolkit.errors import UsageError

HELP = "rules (not implemented yet)"


def add_arguments(parser):
    pass


def run(args) -> int:
    raise UsageError("'rules' is not implemented yet")
