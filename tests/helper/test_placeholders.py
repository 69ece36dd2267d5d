"""PM103 finds the fields of any common template style, and leaves links, code, checkboxes and tags alone."""
import pytest

from postmortem_skill.helper.engine.check import check_text

BASE = "# Postmortem: {title}\n\n## Summary\n\n{line}\n"


@pytest.mark.parametrize("line", ["Owner: [Name]", "The [Service Name] returned errors.", "Owner: <owner>",
                                  "Title: {{title}}", "Impact: XXX users", "**Date**: [YYYY-MM-DD]",
                                  "负责人：[负责人]"])
def test_template_fields_are_placeholders(line):
    findings = [f for f in check_text(BASE.format(title="cache outage", line=line)) if f.rule == "PM103"]
    assert findings and findings[0].severity == "error"


def test_a_bracketed_title_is_a_placeholder():
    assert "PM103" in [f.rule for f in check_text(BASE.format(title="[Service Name] outage", line="Errors rose."))]


@pytest.mark.parametrize("line", ["See the [Runbook](https://example.com/rb).", "See [Runbook][1].",
                                  "- [ ] add an alert", "- [x] rolled back", "The value `[Name]` is a literal.",
                                  "Line one<br>line two.", "The token was replaced with <REDACTED>.",
                                  "A footnote[^1] and a citation [163].", "See [Grafana].\n\n[Grafana]: https://g.example",
                                  "```\n[Service Name] <owner>\n```"])
def test_links_code_checkboxes_and_tags_are_not(line):
    assert "PM103" not in [f.rule for f in check_text(BASE.format(title="cache outage", line=line))]
