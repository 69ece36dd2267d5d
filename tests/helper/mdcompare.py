"""Helpers that read headings and tables out of mistune's AST, for comparing with our parser."""
from postmortem_skill.helper.model import markdown


def mistune_text(nodes) -> str:
    out = []
    for node in nodes or []:
        kind = node["type"]
        if kind in ("text", "codespan"):
            out.append(node.get("raw", ""))
        elif kind in ("softbreak", "linebreak"):
            out.append(" ")
        elif kind == "inline_html":
            continue
        else:
            out.append(mistune_text(node.get("children")))
    return "".join(out)


def _norm(text: str) -> str:
    return " ".join(text.split())


def mistune_shapes(text: str):
    import mistune

    md = mistune.create_markdown(renderer="ast", plugins=["table"])
    headings, tables = [], []

    def visit(nodes):
        for node in nodes:
            if node["type"] == "heading":
                headings.append((node["attrs"]["level"], _norm(mistune_text(node["children"]))))
            elif node["type"] == "table":
                rows = []
                for part in node["children"]:
                    row_nodes = [part] if part["type"] == "table_head" else part["children"]
                    for row in row_nodes:
                        rows.append([_norm(mistune_text(c["children"])) for c in row["children"]])
                tables.append(rows)
            elif node.get("children") and node["type"] in ("list", "list_item", "block_quote"):
                visit(node["children"])

    visit(md(text))
    return headings, tables


def our_shapes(text: str):
    headings, tables = [], []
    for block, _ in markdown.walk(markdown.parse(text)):
        if block.kind == "heading":
            headings.append((block.level, _norm(markdown.plain(block.text))))
        elif block.kind == "table":
            tables.append([[_norm(markdown.plain(c.text)) for c in row] for row in block.rows])
    return headings, tables


def blank_frontmatter(text: str) -> str:
    """mistune has no front matter: replace ours with blank lines so line numbers stay."""
    lines = text.split("\n")
    for block in markdown.parse(text):
        if block.kind == "frontmatter":
            for k in range(block.start - 1, block.end):
                lines[k] = ""
    return "\n".join(lines)
