"""build-skill: compile the canonical skill (SKILL.md + prompts/) into each assistant's native files.

Pipeline (see /DESIGN "Compile and install"): source.read_skill -> targets.load_targets ->
render.render_target (pure) -> plan.* (compare with disk) -> transaction.apply (all or nothing).
install takes the rendered outputs from prerendered.json (written by build-skill) while its key matches.
"""
