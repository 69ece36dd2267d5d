"""PM1xx structure: required sections, empty sections, placeholders, fences, title."""
from __future__ import annotations

import re

from postmortem_skill.helper.model.lazypattern import lazy
from postmortem_skill.helper.model.markdown import MAX_NESTING, PLACEHOLDER, PLACEHOLDER_CUE
from postmortem_skill.helper.model.vocabulary import CORE, SECTION_ALIASES
from postmortem_skill.helper.rules.base import found, rule

RULES: list = []


@rule(RULES, id="PM101", name="required-section", category="structure", severity="error",
      summary="a section the template requires is missing",
      doc="Every template has sections a reviewer expects (see docs/document-format.md). The template is the "
      "`<!-- postmortem-template: NAME -->` comment, else a guess from the headings; `required_sections` in "
      ".postmortem.yaml replaces the list. Headings match case-insensitively, ignoring a parenthesised note.",
      bad="A standard postmortem with no `## Detection` heading.",
      good="`## Detection` present, even if it says detection worked as designed.")
def required_sections(doc, ctx):
    required = ctx.required_sections(doc.template)
    if not required:
        return
    for name in required:
        if doc.section(name) is None:
            yield found(doc.lang, "PM101", 1, 1,
                        (f"required section '{name}' is missing (template {doc.template})",
                         f"缺少模板（{doc.template}）要求的章节「{name}」"),
                        (f"add a '## {name}' section", f"添加「## {name}」章节"))


@rule(RULES, id="PM107", name="core-section", category="structure", severity="warning",
      summary="no template recognised and a core section (summary, timeline, action items) is missing",
      doc="When the document declares no template and its headings match none, only the sections every "
      "postmortem needs are checked, as a warning: a summary, a timeline and action items.",
      bad="A write-up whose follow-ups are a plain line 'Action Items' instead of a heading.",
      good="`## Action Items` with a table of owned, dated items.")
def core_sections(doc, ctx):
    if doc.template or ctx.config.get("required_sections") or not has_structure(doc):  # PM108 says it once
        return
    names = CORE["zh" if doc.lang == "zh" else "en"]
    for name in names:
        if not any(name.lower() in s.key for s in doc.all_sections) and doc.section(name) is None:
            yield found(doc.lang, "PM107", 1, 1, (f"no '{name}' section found", f"没有找到「{name}」章节"),
                        (f"add a '## {name}' heading", f"添加「## {name}」标题"))


@rule(RULES, id="PM102", name="empty-section", category="structure", severity="warning",
      summary="a section has a heading but no content",
      doc="An empty section reads as 'not investigated'. Write what is known, or say why it does not apply; "
      "guidance comments do not count as content.",
      bad="`## Recovery Efforts` followed directly by the next heading.",
      good="`## Recovery Efforts` with two sentences on how service was restored.")
def empty_sections(doc, ctx):
    for section in doc.all_sections:
        if section.is_empty():
            yield found(doc.lang, "PM102", section.line, 1,
                        (f"section '{section.title}' is empty", f"章节「{section.title}」是空的"),
                        ("write what is known, or state why it does not apply", "写下已知信息，或说明为什么不适用"))


_DONE = lazy(r"\bDONE\b")


@rule(RULES, id="PM103", name="placeholder", category="structure", severity="error",
      summary="a placeholder or TODO from the scaffold or any common template is still in the text",
      doc="`[TODO: …]`, a bare TODO/FIXME/XXX, a leftover `{{variable}}`, or another template's field such as "
      "`[Service Name]`, `[Name]`, `[YYYY-MM-DD]` or `<owner>` marks something the writer still has to fill in. "
      "Guidance inside HTML comments and code is ignored, and so are Markdown links, references, footnotes, "
      "checkboxes and HTML tags; `TBD` in an action-item cell is not a placeholder (see PM503).",
      bad="`**Authors**: [TODO: names or roles]`",
      good="`**Authors**: Platform on-call (SRE), Checkout team`")
def placeholders(doc, ctx):
    candidates = doc.lines_matching(PLACEHOLDER_CUE)
    if not candidates:
        return
    skip = _skip_lines(doc)
    status_rows = set()  # 'TODO' next to 'DONE' in a table is an item's status, not a placeholder
    for table in doc.tables:
        if table is doc.action_table or \
                any("DONE" in c.text and _DONE.search(c.text) for row in table.rows for c in row):
            status_rows.update(range(table.start, table.end + 1))
    actions = doc.action_table
    action_rows = range(actions.start, actions.end + 1) if actions is not None else range(0)
    # "[Grafana]" is a shortcut reference link when the document defines "[Grafana]: https://…"
    defined = {m.group(1).lower() for m in re.finditer(r"(?m)^ {0,3}\[([^\]\n]+)\]:", doc.text)} if "]:" in doc.text \
        else set()
    for number in candidates:
        if number in skip:
            continue
        for m in PLACEHOLDER.finditer(_strip_comments_and_code(doc.lines[number - 1])):
            if (number in status_rows and m.group(0) == "TODO") or m.group(0)[1:-1].lower() in defined:
                continue
            placeholder = _clip(m.group(0))
            yield found(doc.lang, "PM103", number, m.start() + 1,
                        (f"placeholder left in the text: {placeholder}", f"正文中留有占位符：{placeholder}"),
                        _CELL_HINT if number in action_rows else _TEXT_HINT)


def _clip(text: str, limit: int = 100) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


_CELL_HINT = ("replace it with the fact, or write TBD if the review will settle it",
              "替换为实际内容；如需评审会确定，写「待定」")
_TEXT_HINT = ("replace it with the fact from the evidence; if nobody knows it yet, leave it and list it under "
              "Open Questions (never invent a value to pass this check)",
              "用证据中的事实替换；如果暂时无人知道，保留它并列入待确认问题（不要为通过检查而编造）")


def _skip_lines(doc) -> set[int]:
    skip = set()
    for block, _ in doc.walked:
        if block.kind in ("comment", "fence", "code", "frontmatter"):
            skip.update(range(block.start, block.end + 1))
    return skip


def _strip_comments_and_code(text: str) -> str:
    text = re.sub(r"<!--.*?(-->|$)", lambda m: " " * len(m.group(0)), text)
    return re.sub(r"(`+).+?\1", lambda m: " " * len(m.group(0)), text)


@rule(RULES, id="PM104", name="unbalanced-fence", category="structure", severity="warning",
      summary="a code fence is never closed",
      doc="An opening ``` without its closing fence swallows the rest of the document: every later heading, "
      "table and sentence becomes code, so the other checks cannot see them.",
      bad="A log excerpt opened with ``` and never closed.",
      good="The excerpt closed with ``` on its own line.")
def unbalanced_fences(doc, ctx):
    for block, _ in doc.walked:
        if block.kind == "fence" and not block.closed:
            yield found(doc.lang, "PM104", block.start, 1,
                        (f"code fence {block.text} opened here is never closed",
                         f"此处打开的代码块 {block.text} 没有闭合"),
                        (f"close it with {block.text} on its own line", f"在单独一行用 {block.text} 闭合"))


@rule(RULES, id="PM105", name="title", category="structure", severity="warning",
      summary="the document has no level-1 title",
      doc="The title is the first `# ` heading: `# Postmortem: <title>` or `# 复盘报告：<title>`; the index and "
      "reviewers rely on it.",
      bad="A document that starts with `## Summary`.",
      good="`# Postmortem: Checkout errors after the 4.12 deploy`")
def title(doc, ctx):
    if not doc.title and has_structure(doc):  # without any structure, PM108 says so once
        yield found(doc.lang, "PM105", 1, 1,
                    ("no level-1 title ('# Postmortem: …')", "缺少一级标题（「# 复盘报告：…」）"),
                    ("start the document with '# Postmortem: <what happened>'", "用「# 复盘报告：<发生了什么>」开头"))


@rule(RULES, id="PM106", name="suppression-reason", category="structure", severity="warning",
      summary="an inline suppression has no reason",
      doc="`<!-- postmortem-ignore PM301: reason -->` silences one rule on its own line or the next. The reason "
      "is required so a reviewer can judge it; a suppression without one is ignored and reported.",
      bad="`<!-- postmortem-ignore PM301 -->`",
      good="`<!-- postmortem-ignore PM301: quoting the customer's ticket verbatim -->`")
def suppression_reason(doc, ctx):
    from postmortem_skill.helper.model.suppressions import suppressions

    for item in suppressions(doc.lines):
        if not item.reason:
            yield found(doc.lang, "PM106", item.line, item.column,
                        (f"suppression of {', '.join(item.rules) or 'a rule'} has no reason; it is ignored",
                         f"对 {', '.join(item.rules) or '规则'} 的屏蔽没有写原因，已忽略"),
                        ("write why after a colon: <!-- postmortem-ignore PM301: reason -->",
                         "在冒号后写明原因：<!-- postmortem-ignore PM301: 原因 -->"))


_SECTION_KEYS = {alias: canonical for canonical, aliases in SECTION_ALIASES.items() for alias in aliases}
# A title that names the kind of document: 'October 21 post-incident analysis', 'Cloudflare outage on …'
_POSTMORTEM_TITLE = lazy(r"post-?mortem|post[- ]incident|incident|outage|复盘|故障|事故", re.I)


def has_structure(doc) -> bool:
    """Does the text look like a postmortem at all? A declared template, a title that names an incident,
    two header fields, a timeline with times, or two sections a postmortem has (a README's Overview
    alone is not enough). Lenient on purpose: real write-ups are loosely structured."""
    if doc.template_declared or len(doc.header) >= 2:
        return True
    if doc.title and _POSTMORTEM_TITLE.search(doc.lines[doc.title_line - 1]):
        return True
    if any(row.parsed for row in doc.timeline.rows):
        return True
    return len({_SECTION_KEYS[s.key] for s in doc.all_sections if s.key in _SECTION_KEYS}) >= 2


@rule(RULES, id="PM108", name="no-structure", category="structure", severity="error",
      summary="the file has no postmortem structure (empty, or another kind of Markdown)",
      doc="An empty file, or Markdown with none of what a postmortem is made of (a `# Postmortem: …` title, header "
      "fields, sections such as Summary, Timeline, Root Cause, Action Items, or a template comment), would "
      "otherwise pass with nothing to check. `validate FOLDER` skips README.md files, which index the archive.",
      bad="A project README (Installation, Usage) passed to `postmortem validate`.",
      good="`postmortem new INC-42` to start from a template, then validate the draft.")
def no_structure(doc, ctx):
    if not has_structure(doc):
        empty = not doc.text.strip()
        yield found(doc.lang, "PM108", 1, 1,
                    ("the file is empty: no postmortem structure found" if empty else
                     "no postmortem structure found (no postmortem title, header fields or sections)",
                     "文件为空：没有找到复盘报告的结构" if empty else
                     "没有找到复盘报告的结构（没有标题、头部字段或章节）"),
                    ("start from a template: postmortem new ID (or check that this is the file you meant)",
                     "从模板开始：postmortem new ID（或确认这是要检查的文件）"))


@rule(RULES, id="PM109", name="nesting-depth", category="structure", severity="warning",
      summary=f"quotes or lists are nested more than {MAX_NESTING} deep",
      doc=f"Block quotes and lists inside each other are read to {MAX_NESTING} levels; what lies deeper is read as "
      "plain text, so its structure (tables, timeline rows, headings) is not checked. No postmortem needs that "
      "much nesting: it usually comes from a paste that went wrong.",
      bad="A chat export pasted with `>` repeated on every reply, 40 levels deep.",
      good="The excerpt in a fenced code block, or its lines quoted at one level.")
def nesting_depth(doc, ctx):
    for block, _ in doc.walked:
        if block.kind == "paragraph" and block.info == "too-deep":
            yield found(doc.lang, "PM109", block.start, 1,
                        (f"quotes or lists nested more than {MAX_NESTING} deep: what is below is read as plain text",
                         f"引用或列表嵌套超过 {MAX_NESTING} 层：更深的内容只按纯文本读取"),
                        ("flatten the nesting, or put the pasted text in a fenced code block",
                         "减少嵌套层级，或把粘贴的内容放进代码块"))
            return
