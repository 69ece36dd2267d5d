"""PM6xx security: credentials (errors) and personal data (warnings) anywhere in the file, code included."""
from __future__ import annotations

import re

from postmortem_skill.helper.rules.base import found, rule

RULES: list = []

_SECRETS = (
    ("AWS access key id", re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])")),
    ("GitHub token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b")),
    ("GitLab token", re.compile(r"\bglpat-[A-Za-z0-9_-]{20,}\b")),
    ("Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}\b")),
    ("Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    ("Stripe secret key", re.compile(r"\b[sr]k_live_[0-9A-Za-z]{20,}\b")),
    ("OpenAI/Anthropic API key", re.compile(r"\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{32,}\b")),
    ("private key", re.compile(r"-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----")),
    ("JSON web token", re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}")),
    ("password in a URL", re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s:/@]+:(?!\*+@|<|\$\{|\{\{|x+@|password@|pass@)[^\s@/]{3,}@[^\s]+", re.I)),
    ("password or secret assignment", re.compile(
        # the keyword ends the name, which may carry a prefix: AWS_SECRET_ACCESS_KEY=…, DB_PASSWORD: …
        r"\b[\w-]*?(?:password|passwd|pwd|secret|api[_-]?key|access[_-]?key|secret[_-]?key|access[_-]?token|"
        r"auth[_-]?token|client[_-]?secret)\b\s*[=:]\s*"
        r"[\"']?(?![\"']?(?:<|\$\{|\{\{|\*{3}|x{3}|redacted|changeme|example|none|null|true|false)\b)[^\s\"'<>]{8,}", re.I)),
)
# Prefilter for the patterns above; a URL is a cue only when it carries user:password@ (links are common).
_SECRET_CUE = re.compile(r"akia|asia|gh[pousr]_|github_pat_|glpat-|xox|aiza|_live_|sk-|private key|eyj|"
                         r"://[^\s/@]+:[^\s@]+@|pass|pwd|secret|api.?key|access.?key|token")  # on lower-cased text
# Cheap whole-document prefilters: every match of the pattern contains one (none spans a line break).
# (The phone cue is "+digit", "ddd ddd", "ddd-ddd" or eleven digits, written so that re can skip ahead.)
_PHONE_CUE = re.compile(r"[+\d](?:(?<=\+)\d|\d\d[^\S\n]\d{3}|\d\d[.-]\d{3}|\d{10})")
_IPV4_CUE = re.compile(r"\d\.\d{1,3}\.\d")
_EMAIL_CUE = re.compile("@")
_EMAIL = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b")
_ROLE_MAILBOX = re.compile(r"^(?:security|support|noreply|no-reply|abuse|info|admin|postmaster|hostmaster|webmaster|"
                           r"help|contact|team|ops|oncall|on-call|sre|incidents?|status|privacy|legal|press)@", re.I)
_EXAMPLE_DOMAIN = re.compile(r"@(?:[\w-]+\.)*(?:example\.(?:com|org|net)|test|invalid|localhost)$", re.I)
# A number with a country code may group its digits in twos (+44 20 7946 0958, +33 1 42 68 53 00); without
# one, groups of three or four. Either way 9 to 15 digits (checked in `phones`).
_PHONE = re.compile(r"(?<![\w+.:/-])(?:\+\d{1,3}(?:[\s.-]?\(?\d{1,4}\)?){2,6}"
                    r"|(?:\(\d{2,4}\)[\s.-]?)?\d{3,4}[\s.-]\d{3,4}[\s.-]?\d{0,4})(?![\w.:/-])"
                    r"|(?<!\d)1[3-9]\d{9}(?!\d)")
_IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")


def _scan(doc, pattern, cue):
    for number in doc.lines_matching(cue):
        for m in pattern.finditer(doc.lines[number - 1]):
            yield number, m


@rule(RULES, id="PM601", name="credential", category="security", severity="error",
      summary="a credential (cloud key, token, private key, password) is in the text",
      doc="A postmortem is shared widely and kept for years. Redact secrets (even revoked ones) as `<REDACTED>` "
      "and rotate anything that was ever written down. Code blocks are scanned too.",
      bad="`postgres://app:s3cretPassw0rd@db.internal:5432/orders`",
      good="`postgres://app:<REDACTED>@db.internal:5432/orders`")
def credentials(doc, ctx):
    for number in doc.lines_matching(_SECRET_CUE, lowered=True):
        text = doc.lines[number - 1]
        taken: list[range] = []
        for name, pattern in _SECRETS:
            for m in pattern.finditer(text):
                if any(m.start() in span or span.start in range(m.start(), m.end()) for span in taken):
                    continue
                taken.append(range(m.start(), m.end()))
                yield found(doc.lang, "PM601", number, m.start() + 1, (f"{name} in the text", f"正文中含有凭据：{name}"),
                            ("replace it with <REDACTED> and rotate the credential", "替换为 <REDACTED> 并轮换该凭据"))


@rule(RULES, id="PM602", name="email", category="security", severity="warning",
      summary="a personal e-mail address is in the text",
      doc="Customers' and colleagues' addresses are personal data. Role mailboxes (security@, support@) and "
      "example domains are fine. Turn the check off with `security: {emails: off}`.",
      bad="`reported by jane.doe@gmail.com`",
      good="`reported by a customer (ticket SUP-311)`")
def emails(doc, ctx):
    if not ctx.security_enabled("emails"):
        return
    for number, m in _scan(doc, _EMAIL, _EMAIL_CUE):
        address = m.group(0)
        token_start = doc.lines[number - 1].rfind(" ", 0, m.start()) + 1
        if "://" in doc.lines[number - 1][token_start:m.start()]:
            continue  # user:password@host inside a URL is PM601's business
        if _ROLE_MAILBOX.match(address) or _EXAMPLE_DOMAIN.search(address):
            continue
        yield found(doc.lang, "PM602", number, m.start() + 1, (f"e-mail address {address}", f"邮箱地址 {address}"),
                    ("describe the person by role or ticket instead", "改用角色或工单号描述"))


@rule(RULES, id="PM603", name="phone", category="security", severity="warning",
      summary="a phone number is in the text",
      doc="Phone numbers identify people. Refer to the role or the ticket. Configure with `security: {phones: off}`.",
      bad="`called the customer on +1 415 555 0134`",
      good="`called the customer (ticket SUP-311)`")
def phones(doc, ctx):
    if not ctx.security_enabled("phones"):
        return
    for number, m in _scan(doc, _PHONE, _PHONE_CUE):
        digits = re.sub(r"\D", "", m.group(0))
        if len(digits) < 9 or len(digits) > 15 or re.search(r"\d{4}-\d{2}-\d{2}|\d:\d", m.group(0)):
            continue
        phone = m.group(0).strip()
        yield found(doc.lang, "PM603", number, m.start() + 1, (f"phone number {phone}", f"电话号码 {phone}"),
                    ("remove it or refer to the role", "删除或改用角色描述"))


@rule(RULES, id="PM604", name="ip-address", category="security", severity="warning",
      summary="a public IP address is in the text",
      doc="A public address may identify a customer. Private, loopback and documentation ranges are not "
      "reported. Configure with `security: {ips: off}`.",
      bad="`requests from 81.2.69.160 were throttled`",
      good="`requests from one customer network were throttled`")
def ips(doc, ctx):
    if not ctx.security_enabled("ips"):
        return
    import ipaddress
    for number, m in _scan(doc, _IPV4, _IPV4_CUE):
        try:
            address = ipaddress.ip_address(m.group(0))
        except ValueError:
            continue
        if not address.is_global or str(address).startswith(("192.0.2.", "198.51.100.", "203.0.113.")):
            continue
        yield found(doc.lang, "PM604", number, m.start() + 1, (f"public IP address {address}", f"公网 IP 地址 {address}"),
                    ("replace it with a description (customer network, region)", "改为描述（客户网络、地域）"))
