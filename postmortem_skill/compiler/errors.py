class SkillError(Exception):
    """The input or the call is unusable: reported as one line on stderr, exit 2."""


class Interrupted(BaseException):
    """SIGINT or SIGTERM during a run: everything was rolled back; exit 128 + the signal (130/143)."""

    def __init__(self, code: int):
        super().__init__(code)
        self.code = code
