"""PM3xx language: blame, hindsight, normative and emotive wording, person-terminal 5 whys, punishment.

Each sentence is checked in its own language (detected per sentence). Headings, code, log lines and block
quotes are skipped; quoted speech inside a sentence is blanked. Counterfactual wording (PM302) is allowed
in forward-looking sections (Lessons Learned, Action Items, …). Whether the subject is a person (a name,
an @handle, a role such as "the engineer" or 值班同学) or a system decides the ambiguous cases: "the alert
failed to fire" is fine, "the on-call engineer failed to escalate" is not.
"""
from __future__ import annotations

import re
from functools import lru_cache

from postmortem_skill.helper.model.lazypattern import lazy, may_hold_cjk
from postmortem_skill.helper.rules import judge, lexicon
from postmortem_skill.helper.rules.base import found, rule

RULES: list = []
_SKIP = {"heading", "code", "log", "quote"}
# @dana, not the domain of an e-mail address; "@" first (then look back) lets re skip to each "@"
# "刘芳（客服）: 没有收到回调", "Dana Whitfield: rolling back": a chat row's speaker is not the subject of
# what the message says; the label is blanked (same length) before the sentence is read
_SPEAKER = re.compile(r"^\s*(?:\*\*)?@?[\w.-]+(?: [\w.-]+){0,2}(?:\s?[（(][^)）]{1,12}[)）])?(?:\*\*)?\s?[:：](?=\s|[\u4e00-\u9fff])")
# a placeholder left for the writer ([TODO: 负责人]) is PM103's, not a sentence about anyone
_PLACEHOLDER = lazy(r"\[?\bTODO\b[^\]]*\]")  # the sentence text has lost the "[" already
# not a package scope or a path: "@quire/pdf" names a library
# an @handle; not a Java annotation written in CamelCase (`@RefreshScope`, `@SpringBootApplication`)
_HANDLE = re.compile(r"@(?<![\w.@]@)(?![A-Z][a-z0-9]+[A-Z])[A-Za-z][\w-]*(?![\w-]|/)")

HINTS = {
    "blame": ("describe the action and the conditions that made it possible (e.g. 'the restart command accepted a "
              "primary node without confirmation'), not the person's character",
              "描述具体操作以及让它得以发生的条件（如「重启命令未经确认就接受了主节点」），而不是评价个人"),
    "hindsight": ("describe what happened and what was known at the time; move what would help next time to Lessons "
                  "Learned or Action Items",
                  "描述当时发生了什么、当时掌握哪些信息；把「下次怎样更好」移到经验教训或改进行动项"),
    "omission": ("make the system the subject: what did the process or tool not check or prompt for? (e.g. 'no check "
                 "required X before Y')",
                 "以系统为主语：流程或工具缺少了什么检查或提示？（如「发布流程没有强制预发验证」）"),
    "fault": ("make the system the subject: what did the action do, and what let it through? (e.g. 'the change "
              "reached production without a canary; nothing in the pipeline required one')",
              "以系统为主语：这个操作造成了什么，是什么让它通过了？（如「变更未经灰度直接上线，流水线没有强制灰度」）"),
    "normative": ("describe the action neutrally and name the gap in the process or tooling",
                  "中性地描述操作，并指出流程或工具上的缺口"),
    "careful": ("name a change to the system (a guard-rail, automation or check) instead of asking people to be "
                "more careful", "提出对系统的改进（防护、自动化或校验），而不是要求人更小心"),
    "emotive": ("state the facts and their impact in neutral words", "用中性的语言陈述事实和影响"),
    "root": ("name the conditions and system gaps that allowed the action; a person is never a root cause",
             "写出让该操作得以发生的条件和系统缺口；人不是根因"),
    "question": ("ask about the conditions, not the person: what did the people involved see then, and what would "
                 "have helped them? (e.g. 'what did the dashboard show between 14:05 and 14:40?')",
                 "问条件而不是问人：当时他们看到了什么，什么能帮到他们？（如「14:05 到 14:40 之间看板显示了什么？」）"),
    "punitive": ("keep the review about learning; record follow-up owners in the action items instead",
                 "复盘关注改进而不是追责；后续负责人写在行动项中"),
}
_MESSAGES = {
    "PM301": ("blames or judges a person: '{m}'", "指责或评价个人：「{m}」"),
    "PM302": ("counterfactual or hindsight wording: '{m}'", "反事实或事后诸葛亮式表述：「{m}」"),
    "PM303": ("normative wording about people: '{m}'", "对人的评判性表述：「{m}」"),
    "PM304": ("emotive wording: '{m}'", "情绪化表述：「{m}」"),
    "PM305": ("names a person as the cause: '{m}'", "把人作为原因：「{m}」"),
    "PM306": ("punitive wording: '{m}'", "惩罚性表述：「{m}」"),
}


def _people(doc) -> set[str]:
    people = set()
    field = doc.field("authors")
    if field:
        people.update(p.strip() for p in re.split(r"[,，、;/]| and ", field.value) if p.strip())
    for item in doc.action_items:
        owner = item.text("owner").strip()
        if owner and len(owner.split()) <= 2:
            people.add(owner)
    people.update(_HANDLE.findall(doc.text))
    return people


# r"\b(?:the|our|a|an|its|their)\s+([A-Z][a-z]+)\b" as one pattern per word, each word's leading \b moved
# after it ("the(?<!\wthe)" is "\bthe"): a pattern that starts with a literal lets re jump from one to the next,
# where one that starts with a choice of letters stops at every t, o, a and i. No match can start inside
# another's, so the four find the same names as the one.
_DETERMINED = tuple(re.compile(word + r"\s+([A-Z][a-z]+)\b")
                    for word in (r"the(?<!\wthe)(?:ir)?", r"our(?<!\wour)", r"a(?<!\wa)n?", r"its(?<!\wits)"))
_BACKTICKED = re.compile(r"`([A-Z][a-z]+)`")


# "on a Friday", "the December freeze": a day or month is never a thing that failed
_CALENDAR = frozenset("Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May "
                      "June July August September October November December".split())


def _systems(doc) -> set[str]:
    """Capitalised words the document uses as things: 'the Scheduler', `Vault`."""
    systems = set()
    for determined in _DETERMINED:
        systems.update(determined.findall(doc.text))
    systems.update(_BACKTICKED.findall(doc.text))
    return systems - _CALENDAR


def people_and_systems(doc, more_people=(), more_systems=()) -> tuple[set[str], frozenset[str]]:
    """Who the document names as people and what as things, with what .postmortem.yaml adds (the trainer
    reads each labelled sentence through this, as validate reads it). A name that is both is a person."""
    people = _people(doc) | set(more_people)
    return people, frozenset((_systems(doc) | set(more_systems)) - people)


def _blank(m) -> str:
    return " " * len(m.group(0))


# "人为因素：…", "Human factors: …": the name of an analysis dimension, not a verdict on anyone
_LABEL = re.compile(r"^\s*(?:\*\*)?(?:人为因素(?:分析)?|人的因素|human factors?)(?:\*\*)?\s?[:：]", re.I)
# a label that says what follows is a cause or an answer, not who said it: "Root cause: the DBA"
_NOT_A_SPEAKER = lazy(r"(?:root )?causes?|reasons?|why|because|answer|trigger|根因|原因|根本原因|为什么|触发",
                            re.I)


def _blank_speaker(m) -> str:
    label = m.group(0).strip(" *:：")
    return m.group(0) if _NOT_A_SPEAKER.fullmatch(label) else _blank(m)


class _OnFirstUse:
    """A set computed when first asked about: most documents never need their people or systems."""
    __slots__ = ("_make", "_items")

    def __init__(self, make):
        self._make, self._items = make, None

    def resolved(self):
        if self._items is None:
            self._items = self._make()
        return self._items

    def __contains__(self, item) -> bool:
        return item in self.resolved()

    def __iter__(self):
        return iter(self.resolved())


def hits(doc, ctx):
    """All language hits of a document, computed once per document (doc.cache): [(rule, sentence, matched, hint)]."""
    cached = doc.cache.get("language")
    if cached is not None and cached[0] is ctx:
        return cached[1]
    # .postmortem.yaml extra_phrases: {people: [...], systems: [...]} name who is a person and what is a thing
    both = _OnFirstUse(lambda: people_and_systems(doc, ctx.phrases("people"), ctx.phrases("systems")))
    people = _OnFirstUse(lambda: both.resolved()[0])
    systems = _OnFirstUse(lambda: both.resolved()[1])
    extra = _extra_patterns(ctx)
    word_kind = lexicon.word_kind(people, systems)
    header_lines = {f.line for f in doc.header.values()}
    timeline, whys = doc.timeline.section, _whys_section(doc)
    where: dict = {}  # section -> (inside the timeline, inside the 5 whys)
    result, judged = [], []
    live = [sentence for sentence in doc.sentences if _SKIP.isdisjoint(sentence.flags)]
    cue_sets = lexicon.cues_en([sentence.text for sentence in live])
    forced = ctx.language
    for sentence, cues in zip(live, cue_sets):
        text = sentence.text
        # blanking (below) only removes cue words, except a placeholder's: "was[TODO]" reads "was " once blanked
        cue = cues is None or cues or "TODO" in text or "?" in text
        flags = sentence.flags
        section = sentence.section
        places = where.get(section)
        if places is None:
            places = where[section] = (_within(section, timeline), _within(section, whys))
        in_timeline, in_whys = places
        lang = forced or sentence.lang
        forward = "forward" in flags
        # the judge reads a narrative sentence as a whole; not timeline rows (terse events), a 5 whys chain
        # (its questions are not rhetorical; its end is _five_whys's) or plans, which it was not trained on
        narrative = not (forward or in_timeline or in_whys)
        if not (cue or narrative or lang == "zh" or extra):
            continue  # nothing to find in it
        if "TODO" in text:
            text = _PLACEHOLDER.sub(_blank, text)
        if ":" in text or "：" in text:  # "Human factors: …" (a label ends in a colon)
            # (both patterns start with ^: a match at 0 is what sub(count=1) replaces, without a try at each place)
            m = _LABEL.match(text)
            if m is not None:
                text = _blank(m) + text[m.end():]
            if ("table" in flags or in_timeline) and (":" in text or "：" in text):  # `speaker: message`
                m = _SPEAKER.match(text)
                if m is not None:
                    text = _blank_speaker(m) + text[m.end():]
        items = (list(lexicon.find_zh(text, forward)) if lang == "zh" else
                 list(lexicon.find_en(text, forward, people, systems, cues=cues if text is sentence.text else None))
                 if cue else [])
        verdict = None
        if narrative and _is_prose(text, lang, sentence, header_lines) and \
                (items or judge.may_name_people(text, lang, word_kind)):
            floor = judge.threshold(lang)
            probability, verdict = judge.assess(text, lang, sorted({item[0] for item in items}), word_kind,
                                                floor=floor)
            if items and probability < judge.veto(lang):
                # the phrase lists matched, but nothing in the sentence blames anyone; unless the clause that
                # matched does, read alone ("The job failed to write a snapshot, and the engineer failed to notice")
                items = [item for item in items if item[3] in _UNVETOED or _of_manner(item)
                         or lexicon.english().person_only_faults.fullmatch(item[2])
                         or _fault_owned_by_people(item, people, systems)
                         or _clause_blames(text, item[1], lang, word_kind)]
            if probability < floor:
                verdict = None
        seen = ()
        if items or extra:
            seen = set()
            for rule_id, _start, matched, hint in items:
                if rule_id not in seen:
                    seen.add(rule_id)
                    result.append((rule_id, sentence, matched, hint, lang, lexicon.rewrite(text, lang, hint)))
            for rule_id, pattern in extra.items():
                m = pattern.search(text)
                if m and rule_id not in seen:
                    seen.add(rule_id)
                    result.append((rule_id, sentence, m.group(0), _DEFAULT_HINT.get(rule_id, "blame"), lang, None))
        if verdict and not seen:
            rule_id = judge.RULE_OF_CLASS[verdict]
            words = " … ".join(judge.cues(text, lang, verdict, word_kind)) or sentence.display
            judged.append((rule_id, sentence, words, _DEFAULT_HINT[rule_id], lang, None))
    whys = _five_whys(doc, people)
    # a 5-whys chain that ends at a person is reported once, as that
    result += [hit for hit in judged if not any(hit[1] is why[1] for why in whys)] + whys
    doc.cache["language"] = (ctx, result)
    return result


# a question asked in anger ("what exactly was the release manager doing …?") is blame however the model reads the
# rest: the judge scores such questions as plain (it was trained on few)
_UNVETOED = frozenset(("question",))
# …and so are the faults only a person commits, said of one (en.json person_only_faults: "Mike overlooked the
# warning in the deploy log")


def _of_manner(item) -> bool:
    """A normative adverb of manner said of a person's act stands too: "the engineers handled the alerts poorly"
    judges how they worked, however plain the rest reads."""
    return item[3] == "normative" and item[2].lower().endswith("ly")


_OWNER = re.compile(r"^(.+?)['’]s?\s")


def _fault_owned_by_people(item, people, systems) -> bool:
    """So is a fault named as people's own: "it was the maintainers' blunder", "Dana's mistake" (not "the
    parser's error")."""
    if item[3] != "blame":
        return False
    m = _OWNER.match(item[2])
    return m is not None and lexicon.names_someone(m.group(1), people, systems)


_CLAUSE_BREAK = re.compile(r"[,;:，；：—–]\s*")


def _clause_blames(text: str, start: int, lang: str, word_kind) -> bool:
    """Whether the clause holding a phrase-list match, from its start to the end of the sentence, is scored
    at or above the veto on its own."""
    cut = 0
    for m in _CLAUSE_BREAK.finditer(text, 0, start):
        cut = m.end()
    if cut == 0:
        return False
    return judge.assess(text[cut:], lang, (), word_kind)[0] >= judge.veto(lang)


_WORDS_EN = re.compile(r"[A-Za-z][\w'’-]*")
# len(_WORDS_EN.findall(text)) >= 6 without finding them all: each word read to its end, as findall reads it
_SIX_WORDS_EN = re.compile(r"(?:[^A-Za-z]*[A-Za-z][\w'’-]*(?![\w'’-])){6}")
_HAN = lazy(r"[\u4e00-\u9fff]")


def _is_prose(text: str, lang: str, sentence, header_lines) -> bool:
    """A sentence the judge can read: not a header field, nor a fragment of a few words (a table cell such as
    'Owner' or 'n/a DONE'), which it was not trained on."""
    if sentence.line in header_lines or ("\n" in text and all(map(_FIELD_LINE.match, text.split("\n")))):
        return False  # lines of `key: value` (front matter without its fences, 'title: …', 'author: …')
    if sentence.section is None and "table" in sentence.flags:
        return False  # a table above the first section is the header's: 'Responders | Arjun (investigation), …'
    return len(_HAN.findall(text)) >= 10 if lang == "zh" else _SIX_WORDS_EN.match(text) is not None


_FIELD_LINE = re.compile(r"\s*[\w-]+(?: [\w-]+)?\s*[:：]")


def _extra_patterns(ctx) -> dict:
    """The user's extra phrases (`.postmortem.yaml` extra_phrases) as one pattern per rule: a phrase in Latin
    script matches on word boundaries ("lazy" is not found in "lazyload"), one in Chinese as written."""
    return _compiled_extra(tuple((rule_id, tuple(phrases)) for rule_id, phrases in ctx.extra_phrases().items()))


@lru_cache(maxsize=8)
def _compiled_extra(extra: tuple) -> dict:
    compiled = {}
    for rule_id, phrases in extra:
        alternatives = [re.escape(p.strip()) if re.search(r"[\u3000-\u9fff]", p)
                        else r"(?<!\w)" + r"\s+".join(map(re.escape, p.split())) + r"(?!\w)"
                        for p in phrases if p.strip()]
        if alternatives:
            compiled[rule_id] = re.compile("|".join(alternatives), re.I)
    return compiled


_DEFAULT_HINT = {"PM301": "blame", "PM302": "hindsight", "PM303": "normative", "PM304": "emotive", "PM305": "root",
                 "PM306": "punitive"}


def _whys_section(doc):
    return next((s for s in doc.all_sections if s.matches("5 whys analysis") or "whys" in s.key or "为什么" in s.key),
                None)


def _five_whys(doc, people):
    section = _whys_section(doc)
    if section is None:
        return []
    # the chain's last sentence, looked for from the end
    last = next((s for s in reversed(doc.sentences) if section.line < s.line <= section.end and not s.flags & _SKIP),
                None)
    if last is None:
        return []
    if lexicon.answer_about_person(last.text, last.lang, people):
        return [("PM305", last, last.display[:60], "root", last.lang, None)]
    return []


def _findings(rule_id):
    def check(doc, ctx):
        for hit_rule, sentence, matched, hint, lang, rewritten in hits(doc, ctx):
            if hit_rule == rule_id:
                en, zh = _MESSAGES[rule_id]
                snippet = " ".join(matched.split())[:60]
                advice = HINTS[hint]
                if rewritten:  # the sentence itself, rewritten with the system as subject, then the question
                    advice = (f"write it about the system, e.g. {rewritten}", f"以系统为主语改写，例如：{rewritten}")
                yield found(lang, rule_id, sentence.line, sentence.column, (en.format(m=snippet), zh.format(m=snippet)),
                            advice)
    return check


rule(RULES, id="PM301", name="blame", category="language", severity="error",
     summary="blames or judges a person: an evaluation (careless, lazy), or a fault or omission pinned on someone",
     doc="A postmortem explains how the system let an action cause harm. 'Human error', 'careless', 'Bob broke "
     "production' or 'the reviewer didn't run the tests' stop the analysis at a person and teach people to hide "
     "what they did. Verbs a system can have too ('failed to', 'broke', 'didn't run') count only when their "
     "subject is a person, a role or a group of people; 'the job failed to start' is fine, and so is a plain "
     "account of what someone did ('Bob restarted the primary at 04:10'). Self-blame counts too. Chinese: "
     "人为失误, 误操作, 粗心, 小王没有按流程操作 …. Beyond the phrase lists, a model trained on thousands of labelled "
     "sentences reads each narrative sentence as a whole (rules/judge.py) and quotes the words that weighed most. An "
     "error by default.",
     bad="Due to careless ignorance, the operator ran the turn-up twice.",
     good="The turn-up tool accepted a second run on a rack whose first run had stalled.")(_findings("PM301"))
rule(RULES, id="PM302", name="counterfactual", category="language", severity="warning",
     summary="counterfactual or hindsight wording about what people should have done",
     doc="'Should have caught', 'if X had …', 'obviously' describe a world that did not happen and judge people "
     "with knowledge they did not have (Bergström's counterfactual trap). 'Should/could have' + participle said "
     "of people is flagged in every section, What Could Be Improved included; plans ('a soak test should run "
     "every migration') and 'it could have been worse' are not. Other hindsight wording is allowed in "
     "forward-looking sections. Chinese: 本应, 本该, 早该, 如果…就不会, 显然 ….",
     bad="The on-call engineer should have rolled back at 09:20.",
     good="At 09:20 the dashboard showed no link between the deploy and the errors; the rollback began at 09:41.")(
    _findings("PM302"))
rule(RULES, id="PM303", name="normative", category="language", severity="warning",
     summary="normative wording about people (improperly, inadequately, be more careful)",
     doc="Words like 'inappropriately' or 'poorly' make the writer a judge. 'Be more careful' is not a fix: care "
     "is not a control. About systems ('improperly configured probes') they are fine.",
     bad="The engineers need to be more careful with production credentials.",
     good="Production credentials are long-lived and shared; the action items replace them with short-lived tokens.")(
    _findings("PM303"))
rule(RULES, id="PM304", name="emotive", category="language", severity="warning",
     summary="emotive or animated wording (ridiculous, a mess, !!!)",
     doc="Animated language distracts from the facts and reads as blame. Keep the tone neutral.",
     bad="The response was a mess!!!",
     good="Three teams worked the same alert for 20 minutes before one incident channel was opened.")(_findings("PM304"))
rule(RULES, id="PM305", name="person-as-cause", category="language", severity="error",
     summary="a person is named as the (root) cause or blamed for the outcome, or a 5-whys chain ends at a person",
     doc="An individual's action is never a root cause (Cook); 'the outage is on Jordan', 'the fault of the "
     "DBA' and a 5-whys chain that ends at 'the developer' stop one why too early. Ask what made the action "
     "reasonable at the time. Chinese: 人员原因, 根因是某人, 都怪, 是…的责任. An error by default.",
     bad="Why #5: the developer was unfamiliar with the codebase.",
     good="Why #5: the connection-pool API returns a pooled client only through a wrapper that nothing enforces.")(
    _findings("PM305"))
rule(RULES, id="PM306", name="punitive", category="language", severity="warning",
     summary="punitive wording (disciplinary action, 追责, 问责, 背锅)",
     doc="A blameless review is about learning. Punishment talk makes the next incident's facts harder to get. "
     "定责 / 责任人 as a neutral follow-up owner is fine.",
     bad="这次的问题要追责到具体个人。",
     good="改进行动项写明负责人和截止日期，由评审会跟进。")(_findings("PM306"))


_OWNER_COLUMN = ("责任人", "责任方", "肇事人", "负责人员")


@rule(RULES, id="PM307", name="timeline-owner-column", category="language", severity="warning",
      summary="the timeline table has a 责任人 (person responsible) column",
      doc="A timeline records what happened and what was known, not whose fault each step was. A 责任人 column "
      "in 时间线 (common in Chinese templates) turns every row into an attribution and invites 追责. Name "
      "the role or the acting party instead (角色 / 执行方); follow-up owners belong in 改进行动项, where "
      "负责人 is a neutral field.",
      bad="`| 时间 | 事件 | 责任人 |` under `## 时间线`",
      good="`| 时间 | 事件 | 执行方 |` under `## 时间线`")
def timeline_owner_column(doc, ctx):
    from postmortem_skill.helper.model.vocabulary import normalize_title

    section = doc.timeline.section
    if section is None:
        return
    for block in section.all_blocks():
        if block.kind != "table" or not block.rows:
            continue
        for cell in block.rows[0]:
            if normalize_title(cell.text) in _OWNER_COLUMN:
                name = cell.text.strip()
                yield found(doc.lang, "PM307", cell.number, cell.column,
                            (f"the timeline has a '{name}' (person responsible) column: "
                             "rows read as attributions of blame",
                             f"时间线表格有「{name}」列：逐行记人容易变成追责"),
                            ("name the role or acting party (角色 / 执行方); put follow-up owners in the action items",
                             "改为「角色」或「执行方」；后续负责人写在改进行动项中"))


_NOT_A_NAME = re.compile(r"\b(?:teams?|groups?|squads?|on-?call|sre|ops|support|platform|engineers?|leads?|"
                         r"managers?|commanders?|owners?|rotation|desk|customers?|vendors?)\b|"
                         r"组|团队|值班|部门|平台|中心|小组|负责人|同学", re.I)


def _person_names(doc) -> set[str]:
    """Names of people the document itself declares (authors, action owners) and @handles: a full name
    and each of its parts ('Dana Whitfield', 'Dana', 'Whitfield'). Teams and roles are not names."""
    candidates = []
    field = doc.field("authors")
    if field:
        candidates += re.split(r"[,，、;/]| and ", field.value)
    candidates += [item.text("owner") for item in doc.action_items]
    names = set(_HANDLE.findall(doc.text))
    for raw in (c.strip() for c in candidates):
        if not raw or _NOT_A_NAME.search(raw):
            continue
        if re.fullmatch(r"[A-Z][a-z'’-]+(?: [A-Z][a-z'’-]+){0,2}", raw):
            names.add(raw)
            names.update(part for part in raw.split() if len(part) > 2)
        elif re.fullmatch(r"[" + lexicon.data("zh")["surnames"] + r"][\u4e00-\u9fff]{1,2}", raw):
            names.add(raw)
    return names


def _within(section, outer) -> bool:
    while section is not None:
        if section is outer:
            return True
        section = section.parent
    return False


@rule(RULES, id="PM308", name="person-named", category="language", severity="info",
      summary="a person is named in the narrative sections (summary, analysis, detection, response, impact)",
      doc="In the narrative, name roles rather than people: 'the on-call engineer', 'the author of the "
      "change'. A name in the analysis makes the review about that person, and readers outside the team "
      "learn nothing from it. The record keeps its names: the timeline (rows keep their speaker and actor), "
      "the header (and the 复盘's 基本信息), the action items and the forward-looking sections (Lessons Learned, "
      "Open Questions) are not checked. People named here are the document's own authors, action owners and @handles.",
      bad="`Dana ran the cleanup script with --all-partitions, which deleted the live partitions.` in Root Cause",
      good="`The cleanup script ran with --all-partitions and deleted the live partitions.` in Root Cause")
def person_named(doc, ctx):
    names = _person_names(doc)
    if not names:
        return
    header_lines = {f.line for f in doc.header.values()}
    timeline = doc.timeline.section
    basics = doc.section("基本信息")  # the 复盘's record of who took part, as the header is the English one's

    def alternative(name: str) -> str:  # Chinese has no spaces between words: no word boundaries there
        chinese_name = may_hold_cjk(name) and _HAN.search(name)
        return re.escape(name) if chinese_name else r"(?<![\w@])" + re.escape(name) + r"(?!\w)"

    pattern = re.compile("|".join(alternative(n) for n in sorted(names, key=len, reverse=True)))
    for sentence in doc.sentences:
        if sentence.flags & (_SKIP | {"forward"}) or sentence.line in header_lines:
            continue
        if any(outer is not None and _within(sentence.section, outer) for outer in (timeline, basics)):
            continue
        hit = pattern.search(sentence.raw)
        if hit:
            yield found(sentence.lang, "PM308", sentence.line, sentence.column,
                        (f"names a person: '{hit.group(0)}'", f"点名个人：「{hit.group(0)}」"),
                        ("refer to the role instead (the on-call engineer, the author of the change)",
                         "改用角色称呼（如“值班工程师”“变更的提交人”）"))
