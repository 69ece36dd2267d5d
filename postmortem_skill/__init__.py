"""postmortem-skill: a blameless-postmortem Agent Skill, its compiler and its toolkit."""

__version__ = "0.2.0"
