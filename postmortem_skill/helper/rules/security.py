"""PM6xx security: credentials (errors) and personal data (warnings) anywhere in the file, code included.

A finding never repeats what it found: a credential is shown with the secret part as <REDACTED>, an
e-mail address, a phone number or an IP address with most of it hidden; line and column point at it."""
from __future__ import annotations

import re

from postmortem_skill.helper.model.lazypattern import lazy
from postmortem_skill.helper.rules.base import found, rule

RULES: list = []

# Each pattern's `secret` group is what a finding never shows: the excerpt replaces it with <REDACTED>,
# keeping the public part (a token's prefix, the URL around a password) so the writer can find it. Compiled
# when first used: most documents hold no line that the cue below sends to them.
_SECRETS = (
    ("AWS access key id", lazy(r"(?<![A-Z0-9])(?:AKIA|ASIA)(?P<secret>[A-Z0-9]{16})(?![A-Z0-9])")),
    ("GitHub token", lazy(
        r"\b(?:gh[pousr]_(?P<secret>[A-Za-z0-9]{36,})|github_pat_(?P<pat>[A-Za-z0-9_]{40,}))\b")),
    ("GitLab token", lazy(r"\bglpat-(?P<secret>[A-Za-z0-9_-]{20,})\b")),
    ("Slack token", lazy(r"\bxox[abposr]-(?P<secret>[A-Za-z0-9-]{10,})\b")),
    ("Slack webhook URL", lazy(
        r"\bhooks\.slack\.com/(?:services|workflows|triggers)/(?P<secret>[A-Za-z0-9_/-]{16,})")),
    ("Discord webhook URL", lazy(
        r"\b(?:(?:ptb|canary)\.)?discord(?:app)?\.com/api/webhooks/(?P<secret>\d{5,}/[A-Za-z0-9_-]{20,})")),
    ("Google API key", lazy(r"\bAIza(?P<secret>[0-9A-Za-z_-]{35})\b")),
    ("Stripe secret key", lazy(r"\b[sr]k_live_(?P<secret>[0-9A-Za-z]{20,})\b")),
    ("OpenAI/Anthropic API key", lazy(r"\bsk-(?:ant-|proj-)?(?P<secret>[A-Za-z0-9_-]{32,})\b")),
    ("npm token", lazy(r"\bnpm_(?P<secret>[A-Za-z0-9]{36})\b")),
    ("Azure storage key", lazy(r"\b(?:AccountKey|SharedAccessKey)=(?P<secret>[A-Za-z0-9+/]{20,}={0,2})")),
    ("private key", lazy(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")),
    ("JSON web token", lazy(
        r"\beyJ(?P<secret>[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,})")),
    ("password in a URL", lazy(
        r"\b[a-z][a-z0-9+.-]*://[^\s:/@]*:"  # the user may be empty: redis://:password@host
        r"(?P<secret>(?!\*+@|<|\$\{|\{\{|x+@|password@|pass@)[^\s@/]{3,})@[^\s]+", re.I)),
    ("bearer token", lazy(  # letters and digits both: 'Bearer tokens expire' is prose
        r"\bBearer\s+(?P<secret>(?=[A-Za-z._~+/-]*\d)(?=[\d._~+/-]*[A-Za-z])[A-Za-z0-9._~+/-]{16,}=*)", re.I)),
    ("password or secret assignment", lazy(
        # the keyword ends the name, which may carry a prefix: AWS_SECRET_ACCESS_KEY=…, DB_PASSWORD: …
        r"\b[\w-]*?(?:password|passwd|pwd|secret|api[_-]?key|access[_-]?key|secret[_-]?key|access[_-]?token|"
        r"auth[_-]?token|client[_-]?secret)\b\s*[=:]\s*"
        r"[\"']?(?P<secret>(?![\"']?(?:<|\$\{|\{\{|\*{3}|x{3}|redacted|changeme|example|none|null|true|false)\b)"
        r"[^\s\"'<>]{8,})", re.I)),
)
# A value that only stands for a secret (documentation, a template): not a leak. Checked on the newer
# kinds only, whose docs show such values (hooks.slack.com/services/T000/B000/XXXX…).
_STAND_IN = lazy(r"x{5}|0{8}|\*{3}|\.{3}|[<>{}$]|redacted|example|placeholder|your[_-]|dummy|fake|sample",
                       re.I)
_STAND_IN_CHECKED = {"Slack webhook URL", "Discord webhook URL", "npm token", "Azure storage key", "bearer token"}
# Prefilter for the patterns above, on lower-cased text, factored by first letter (re tries the branches
# of an alternation one by one at every position); a URL is a cue only when it carries user:password@;
# "passw", not "pass": postmortems say "passed" and "passes" far more often than they leak a password.
# Each word is found from its rarest letter, the letters before it looked back at ("token" as "k(?<=tok)en"): re
# skips to the few letters that can start a match (k _ - w c x j b z s :) instead of stopping at every a, p,
# s and t. The same lines match as with the words written plainly (tests/helper/test_prefilters.py).
_SECRET_CUES = tuple(re.compile(cue) for cue in (
    r"k(?:(?<=ak)ia|(?<=apik)ey|(?<=api.k)ey|(?<=accessk)ey|(?<=access.k)ey|(?<=accountk)ey|(?<=sk)-|(?<=tok)en|"
    r"(?<=hook)s|(?<=private k)ey)",
    r"_(?:(?<=gh[pousr]_)|(?<=github_)pat_|live_|(?<=npm_))", r"-(?<=glpat-)", r"w(?:(?<=passw)|(?<=pw)d)",
    r"c(?<=sec)ret", r"xox", r"j(?<=eyj)", r"bearer", r"z(?<=aiz)a", r"s(?<=as)ia", r"://[^\s/@]*:[^\s@]+@"))


def _secret_lines(doc) -> list[int]:
    """The lines any cue above marks, in order. One search per cue: re jumps from one occurrence of a cue's
    first letter to the next, where one pattern of all the cues stops at every k, _, -, w, c, x, j, b, z, s
    and : of the text (70 against 100 us on a bench document)."""
    marked: set[int] = set()
    for cue in _SECRET_CUES:
        marked.update(doc.lines_matching(cue, lowered=True))
    return sorted(marked)


def _redacted(m: re.Match, limit: int = 80) -> str:
    """The match with its secret replaced by <REDACTED>, clipped: what a finding may show."""
    text, start = m.group(0), m.start()
    for group in ("secret", "pat"):
        if group in m.re.groupindex and m.group(group):
            a, b = m.span(group)
            text = text[:a - start] + "<REDACTED>" + text[b - start:]
    return text if len(text) <= limit else text[:limit - 1] + "…"


# Cheap whole-document prefilters: every match of the pattern contains one (none spans a line break).
# (The phone cue is "+digit", "ddd ddd", "ddd-ddd" or eleven digits, written so that re can skip ahead.)
_PHONE_CUE = re.compile(r"[+\d](?:(?<=\+)\d|\d\d(?:[^\S\n]\d{3}|[.-]\d{3}|\d{8}))")  # \d\d shared: tried once
# "digit.d.d" found from its first dot (rarer than digits; the digit before it is looked back at): the same lines
_IPV4_CUE = re.compile(r"\.(?<=\d\.)\d{1,3}\.\d")
_EMAIL_CUE = re.compile("@")
_EMAIL = lazy(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b")
_ROLE_MAILBOX = lazy(r"^(?:security|support|noreply|no-reply|abuse|info|admin|postmaster|hostmaster|webmaster|"
                           r"help|contact|team|ops|oncall|on-call|sre|incidents?|status|privacy|legal|press)@", re.I)
_EXAMPLE_DOMAIN = lazy(r"@(?:[\w-]+\.)*(?:example\.(?:com|org|net)|test|invalid|localhost)$", re.I)
# A number with a country code may group its digits in twos (+44 20 7946 0958, +33 1 42 68 53 00); without
# one, groups of three or four. Either way 9 to 15 digits (checked in `phones`).
_PHONE = lazy(r"(?<![\w+.:/-])(?:\+\d{1,3}(?:[\s.-]?\(?\d{1,4}\)?){2,6}"
                    r"|(?:\(\d{2,4}\)[\s.-]?)?\d{3,4}[\s.-]\d{3,4}[\s.-]?\d{0,4})(?![\w.:/-])"
                    r"|(?<!\d)1[3-9]\d{9}(?!\d)")
_IPV4 = lazy(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?!\d|\.\d)")  # a full stop may end the sentence


def _hide_email(address: str) -> str:
    """j•••@gmail.com: enough to find it on the line, not enough to write to the person."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}•••@{domain}"


def _hide_digits(phone: str) -> str:
    """+• ••• ••• ••34: the shape and the last two digits, never the number."""
    total = sum(ch.isdigit() for ch in phone)
    seen, out = 0, []
    for ch in phone:
        if ch.isdigit():
            seen += 1
            out.append(ch if seen > total - 2 else "•")
        else:
            out.append(ch)
    return "".join(out)


def _scan(doc, pattern, numbers):
    for number in numbers:
        for m in pattern.finditer(doc.lines[number - 1]):
            yield number, m


# The phone cue's ASCII lines read as bytes: each ASCII digit as "0", each blank but a line break as " " (what
# [^\S\n] matches among ASCII characters), "+", ".", "-" and the line break as themselves, every other byte as
# "x". Its matches there are then two literal searches (re finds a literal prefix with memchr), where the cue's
# leading [+\d] costs a Unicode digit lookup at each character of the text (141 against ~45 us on a bench
# document). A UTF-8 byte above 0x7f becomes "x", so only a line with a non-ASCII character can hold a match
# the bytes miss (a "٣" or a "\u3000"): those lines are searched as written.
_PHONE_BYTES = bytes(48 if 48 <= i <= 57 else 32 if i in b"\t\x0b\x0c\r\x1c\x1d\x1e\x1f " else
                     i if i in b"+.-\n" else 120 for i in range(256))
_PHONE_DIGITS = re.compile(rb"000(?: 000|[.-]000|00000000)")


def _phone_lines(doc) -> list[int]:
    """doc.lines_matching(_PHONE_CUE): the numbers of the lines where the cue matches."""
    text = doc.text if "\r" not in doc.text else "\n".join(doc.lines)
    data = text.encode("utf-8", "surrogatepass").translate(_PHONE_BYTES)
    places = [m.start() for m in _PHONE_DIGITS.finditer(data)]
    at = data.find(b"+0")
    while at != -1:
        places.append(at)
        at = data.find(b"+0", at + 1)
    marked, number, done = set(), 1, 0
    for place in sorted(places):
        number += data.count(b"\n", done, place)
        done = place
        marked.add(number)
    if not text.isascii():
        marked.update(number for number, line in enumerate(doc.lines, 1)
                      if not line.isascii() and _PHONE_CUE.search(line) is not None)
    return sorted(marked)


@rule(RULES, id="PM601", name="credential", category="security", severity="error",
      summary="a credential (cloud key, token, private key, password) is in the text",
      doc="A postmortem is shared widely and kept for years. Redact secrets (even revoked ones) as `<REDACTED>` "
      "and rotate anything that was ever written down. Code blocks are scanned too.",
      bad="`postgres://app:s3cretPassw0rd@db.internal:5432/orders`",
      good="`postgres://app:<REDACTED>@db.internal:5432/orders`")
def credentials(doc, ctx):
    for number in _secret_lines(doc):
        text = doc.lines[number - 1]
        taken: list[range] = []
        for name, pattern in _SECRETS:
            for m in pattern.finditer(text):
                if any(m.start() in span or span.start in range(m.start(), m.end()) for span in taken):
                    continue
                secret = m.group("secret") if "secret" in pattern.groupindex else None
                if name in _STAND_IN_CHECKED and secret and _STAND_IN.search(secret):
                    continue
                taken.append(range(m.start(), m.end()))
                shown = _redacted(m)
                yield found(doc.lang, "PM601", number, m.start() + 1,
                            (f"{name} in the text: {shown}", f"正文中含有凭据（{name}）：{shown}"),
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
    for number, m in _scan(doc, _EMAIL, doc.lines_matching(_EMAIL_CUE)):
        address = m.group(0)
        token_start = doc.lines[number - 1].rfind(" ", 0, m.start()) + 1
        if "://" in doc.lines[number - 1][token_start:m.start()]:
            continue  # user:password@host inside a URL is PM601's business
        if _ROLE_MAILBOX.match(address) or _EXAMPLE_DOMAIN.search(address):
            continue
        shown = _hide_email(address)
        yield found(doc.lang, "PM602", number, m.start() + 1, (f"e-mail address {shown}", f"邮箱地址 {shown}"),
                    ("describe the person by role or ticket instead", "改用角色或工单号描述"))


@rule(RULES, id="PM603", name="phone", category="security", severity="warning",
      summary="a phone number is in the text",
      doc="Phone numbers identify people. Refer to the role or the ticket. Configure with `security: {phones: off}`.",
      bad="`called the customer on +1 415 555 0134`",
      good="`called the customer (ticket SUP-311)`")
def phones(doc, ctx):
    if not ctx.security_enabled("phones"):
        return
    for number, m in _scan(doc, _PHONE, _phone_lines(doc)):
        digits = re.sub(r"\D", "", m.group(0))
        if len(digits) < 9 or len(digits) > 15 or re.search(r"\d{4}-\d{2}-\d{2}|\d:\d", m.group(0)):
            continue
        phone = _hide_digits(m.group(0).strip())
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
    for number, m in _scan(doc, _IPV4, doc.lines_matching(_IPV4_CUE)):
        try:
            address = ipaddress.ip_address(m.group(0))
        except ValueError:
            continue
        if not address.is_global or str(address).startswith(("192.0.2.", "198.51.100.", "203.0.113.")):
            continue
        shown = ".".join(str(address).split(".")[:2] + ["•", "•"])
        yield found(doc.lang, "PM604", number, m.start() + 1, (f"public IP address {shown}", f"公网 IP 地址 {shown}"),
                    ("replace it with a description (customer network, region)", "改为描述（客户网络、地域）"))
