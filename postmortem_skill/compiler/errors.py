class SkillError(Exception):
    """The input or the call is unusable: reported as one line on stderr, exit 2."""
