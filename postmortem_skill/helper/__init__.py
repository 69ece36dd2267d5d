"""The `postmortem` toolkit. Standard library only: it must run from an installed skill folder
with a bare `python3` (see `postmortem_skill.compiler.zipapp`)."""
