"""Word lists and patterns for the language rules (English and Chinese), and who-is-the-subject logic.

Sources: docs/rules.md and the reference lexicon (Google SRE Workbook ch.10, PagerDuty, Etsy, Bergström).
`find(sentence_text, lang, names)` returns (rule id, start, matched text, hint key) tuples; the rules
module turns them into findings. Matching is on text whose code spans and quotes are already blanked.
"""
from __future__ import annotations

import re
from functools import cache

# --- English -----------------------------------------------------------------------------------
ROLE_EN = (r"on-?call(?:ers?)?(?: (?:engineer|person|sre)s?)?|engineers?|developers?|devs?|operators?|sres?|admins?|"
           r"administrators?|reviewers?|contractors?|responders?|interns?|managers?|(?:team )?leads?|testers?|dbas?|"
           r"employees?|staff(?:ers?)?|humans?|people|person|colleagues?|teammates?|author|committer|deployer|"
           r"incident commander|new hires?|juniors?|someone|somebody|anyone|anybody|no one|nobody|everyone|"
           r"he|she|i|we|you|they|(?:\w+ )?team")
_PERSON_EN = re.compile(r"(?:@[\w.-]+|\b[a-z][\w.]*@(?!\w)|\b(?:" + ROLE_EN + r")\b)", re.I)
SYSTEM_EN = set((
    "tool tools script scripts job jobs service services system systems alert alerts alerting monitor monitors "
    "monitoring check checks test tests pipeline pipelines deploy deploys deployment deployments build builds "
    "config configuration configurations cache caches server servers node nodes database databases db cluster "
    "clusters process processes probe probes rollback migration migrations query queries request requests api "
    "endpoint endpoints proxy balancer automation queue queues worker workers pod pods container containers "
    "certificate certificates code change changes release releases commit commits canary stage function module "
    "library dns network disk host hosts instance instances replica replicas page pager bot cron tooling "
    "dashboard command commands rule rules ruleset rulesets flag flags scheduler orchestrator controller "
    "runbook playbook checklist editor orm index daemon agent firewall gateway router switch link backup backups "
    "snapshot snapshots restore job cronjob workflow action hook webhook key keys value values field fields setting "
    "settings option options input inputs message messages warning warnings it this that which"
).split())
_BOUNDARY_EN = re.compile(r"[,;:()\u2014\u2013]|\b(?:because|since|when|while|and|but|so|which|that|after|before|although|"
                          r"though|if|as|until|unless|where|then|due to)\b", re.I)
_STOP_CAPS = set("The A An This That These Those Our We It There Then At On In After Before During When While If "
                 "Once Since As By For From To Of With Without No Nothing None All Each Every Some Most Many Both "
                 "However Meanwhile Later Finally First Next Also Because Although Today Yesterday What Who How Why Where Which".split())

BLAME_EN = re.compile(
    r"\b(?:human|operator|user|pilot|personnel) errors?\b|\bcareless(?:ly|ness)?\b|\bnegligen(?:t|ce|tly)\b|"
    r"\bincompeten(?:t|ce|cy)\b|\bbad apples?\b|\blaz(?:y|iness|ily)\b|\bslopp(?:y|ily|iness)\b|\bstupid(?:ity)?\b|"
    r"\bidiot(?:s|ic)?\b|\bignoran(?:t|ce)\b|\breckless(?:ly|ness)?\b|\birresponsib(?:le|ly|ility)\b|"
    r"\b(?:his|her|their|my|your|someone's|somebody's|[A-Za-z]+'s) fault\b|\bto blame\b|\bculprits?\b|"
    r"\bdropped the ball\b|\bfat[- ]finger(?:ed|s)?\b|\bcowboy\b|\bscrew(?:ed)? up\b|\bblunder(?:ed|s)?\b|"
    r"\brookie (?:mistake|error|move)s?\b|\bamateur(?:ish)?\b|\bnewbie\b|\bnoob\b|"
    r"\b(?:[A-Z][a-z]+|his|her|their|(?:the|our) (?:" + ROLE_EN + r")|@[\w.-]+)['’]s? (?:mistake|error|oversight|"
    r"incompetence|negligence|carelessness|laziness)\b", re.I)
_NEGATION_EN = re.compile(r"\b(?:not|no|never|without|rather than|instead of|isn't|wasn't|avoid|blameless|nor)\b[^.]{0,25}$", re.I)

HINDSIGHT_EN = re.compile(
    r"\bcould(?:n't| not)? have (?:been )?(?:seen|known|caught|prevented|avoided|noticed|spotted|stopped|predicted|"
    r"foreseen)\b|\b(?:would|might)(?: have|'ve) (?:caught|prevented|avoided|detected|spotted|stopped|flagged|"
    r"blocked|limited|shortened|saved)\b|\bwould (?:never |not )?have (?:happened|occurred|been (?:avoided|prevented|caught))\b|\bif only\b|"
    r"\bif\b[^.;]{1,80}?\bhad(?:n't| not)?\b(?! been (?:able|possible))[^.;]{0,80}?\b(?:would|could|might)(?:n't)?\b|"
    r"\b(?:would|could)(?: never| not)? have\b[^.;]{0,80}\bif\b[^.;]{0,60}\bhad\b|\bobvious(?:ly)?\b|"
    r"^\s*had\b[^,;.]{1,80}[,;][^.]{0,80}\b(?:would|could|might)(?:n't)? have\b|"
    r"\bit was (?:obvious|evident) that\b|\b(?:was|were) clearly\b|"
    r"\bclearly (?=(?:a|an|the|wrong|not|did|should|lazy|careless|his|her|their)\b)|"
    r"\b(?:simply|just) (?:had|needed) to\b|\bshould(?:'ve| have) known\b", re.I)
MODAL_EN = re.compile(r"\bshould(?:n't| not)? have\b|\bshould've\b|\bought to have\b|\bcould have\b|\bmight have\b", re.I)
OMISSION_EN = re.compile(
    r"\b(?:failed|neglected|forgot|omitted) to\b|\b(?:did not|didn't|did n't|never) (?:bother|check|follow|notice|"
    r"verify|read|test|review|escalate|wait|reali[sz]e|catch|look|consider|validate|confirm|respond|communicate|"
    r"document|think|ask|care|pay attention|double-check|update|see|heed|inform|tell|notify|report|investigate)\b", re.I)
_OUTCOME = re.compile(r"\s+(?:meet|reach|achieve|hit|deliver|maintain|keep|uphold|provide|serve|honou?r)\b", re.I)
HUMAN_ONLY_EN = re.compile(r"\b(?:overlooked|ignored|forgot|neglected|disregarded)\b", re.I)
MISSED_EN = re.compile(r"\bmissed\b", re.I)
NORMATIVE_EN = re.compile(
    r"\b(?:inappropriate(?:ly)?|mismanag(?:ed|ement)|mishandl(?:ed|ing)|improper(?:ly)?|inadequate(?:ly)?|poor(?:ly)?|"
    r"hast(?:y|ily)|lax|rushed|unprofessional(?:ly)?|wrong(?:ly)?|properly)\b", re.I)
CAREFUL_EN = re.compile(
    r"\b(?:needs?|had|have|has|must|should|ought) to be (?:more )?careful\b|\b(?:be|being) more careful\b|"
    r"\bshould(?:'ve| have)? known better\b|\bnot careful enough\b|\b(?:was|were) not careful\b|\bpay more attention\b",
    re.I)
EMOTIVE_EN = re.compile(
    r"!{2,}|\bridiculous(?:ly)?\b|\bcan(?:'t|not|’t) believe\b|\bwhat a mess\b|\b(?:a|total|complete|utter) (?:mess|"
    r"fiasco|shambles|joke)\b|\babsurd\b|\bpathetic\b|\bembarrassing\b|\bshameful\b|\bdisgrace(?:ful)?\b|\binsane\b|"
    r"\bfrankly\b|\bwtf\b|\bfacepalm\b|\bunforgivable\b|\bclowns?\b", re.I)
# The person may carry up to two lower-case qualifiers ("the release engineer", "a new database admin"); a
# possessive ("the database team's migration") names what the person owns, which is the cause, not them.
ROOT_PERSON_EN = re.compile(r"\b(?:root cause|caused by|the cause)\b\W{0,4}(?:was|is|were)?\W{0,3}(?:that )?"
                            r"(?:the |a |an |our )?(?P<who>(?:(?:[a-z][\w-]* ){0,2}(?:" + ROLE_EN + r")|@[\w.-]+|[A-Z][a-z]+)\b)"
                            r"(?!['’]s\b)", re.I)
PUNITIVE_EN = re.compile(r"\b(?:disciplinary|punish(?:ed|ment)?|reprimand(?:ed)?|(?:was|were|be|been|being|get|gets|got|getting) fired|"
                         r"written up|hold (?:\w+ )?accountable)\b",
                         re.I)

# --- Chinese ----------------------------------------------------------------------------------
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
# A surname followed by a verb reads as a name (张伟没有…, 小王忘记…), but many words start with a surname
# character: 任务, 程序, 方案. Words for systems and these common ones are never names.
_COMMON_ZH = r"方案|周期|高峰|余额|金额|万一|于是|向量|白名单|黑名单|龙头|石油|江湖|毛利|钱包|史上"
_SYSTEM_ZH = re.compile(r"工具|脚本|系统|服务|告警|监控|任务|配置|集群|节点|数据库|进程|代码|接口|网关|缓存|流水线|平台|程序|机器|"
                        r"容器|检查|校验|镜像|组件|模块|探针|负载均衡|队列|作业|规则|开关|版本|变更|提交|请求")
_PERSON_ZH = re.compile(
    r"值班(?:同学|人员|工程师|的人)?|同学|工程师|开发(?:人员|同学|者)?|研发(?:人员|同学)?|运维(?:人员|同学)?|测试(?:人员|同学)?|"
    r"发布人员|操作人员|操作员|操作者|负责人|员工|新人|新同学|实习生|某人|有人|他们|他|她|同事|SRE|DBA|外包|"
    r"[小老](?!于|" + _SYSTEM_ZH.pattern + r")[" + SURNAMES + r"]|"
    r"(?!" + _SYSTEM_ZH.pattern + r"|" + _COMMON_ZH + r")[" + SURNAMES + r"][\u4e00-\u9fff]{1,2}"
    r"(?=粗心|没|未|忘|疏|误|把|在|又|私自|擅自|违规|操作|本|，|,)")
_BOUNDARY_ZH = re.compile(r"[，,；;。：:、（(）)]|因为|由于|导致|而且|但是|所以|并且|然后")
BLAME_ZH = re.compile(r"人为(?:失误|错误|原因|因素)|操作失误|误操作|操作不当|粗心|马虎|疏忽|疏漏|大意了|粗枝大叶|失职|渎职|"
                      r"不负责任?|低级的?(?:错误|失误)|能力不足|能力不行|水平不够|经验不足|违规操作|私自|擅自|没有认真|不认真|不够?细心|"
                      r"偷懒|懒惰|愚蠢")
_NEGATION_ZH = re.compile(r"(?:不是|并非|而非|不属于|避免|无责|不把|不归咎于?|不应归咎于?)[^。]{0,6}$")
HINDSIGHT_ZH = re.compile(r"本应|本该|本来应该|本可以|本来可以|早该|早就应该|理应|应该[^，。]{0,15}却|如果[^。]{1,40}?(?:就不会|就能|就可以|"
                          r"也不会|就会避免|就不至于)|要是[^。]{1,40}?就好了|假如[^。]{1,40}?就不会|显然|很明显|明显是|明摆着")
OMISSION_ZH = re.compile(r"没有及时|未及时|未能|没能|忘记|忘了|遗漏|没有注意|未注意|没注意|未按照?(?:规范|流程|要求|规定)|没有按照|没按|"
                         r"未遵守|没有遵守|没有检查|未检查|没有确认|未确认|没有验证|未验证")
NORMATIVE_ZH = re.compile(r"不当|不规范|不专业|草率|敷衍|不合理地")
CAREFUL_ZH = re.compile(r"(?:要|需要|应该|必须)(?:更加?)?(?:小心|细心|认真|谨慎)|提高(?:安全)?意识|引以为戒")
EMOTIVE_ZH = re.compile(r"！{2,}|!{2,}|离谱|荒唐|可笑|丢人|无语|奇葩|简直|太蠢")
ROOT_PERSON_ZH = re.compile(r"人员原因|(?:根本原因|根因|原因)(?:是|为|在于|：|:)(?:[^。，]{0,4})(?:" + _PERSON_ZH.pattern + ")")
PUNITIVE_ZH = re.compile(r"背锅|甩锅|追责|问责|惩责|处罚|扣绩效|通报批评|追究[^。]{0,6}责任|定责[^。]{0,10}(?:处罚|惩|扣)")


def subject_en(text: str, end: int, names: set[str], systems: frozenset = frozenset(), first: bool = False) -> str:
    """'person', 'system' or 'unknown' for the clause that ends at `end` (where the verb phrase starts).

    By default the word nearest to `end` decides (the subject of "the engineer failed to"); with `first`,
    the clause's first noun, skipping possessives: for an adverb at the end of a clause ("the engineers
    handled the alerts poorly") the subject is at the start, not the object next to the adverb."""
    start = 0
    for m in _BOUNDARY_EN.finditer(text, 0, end):
        if m.end() <= end:
            start = m.end()
    clause = text[start:end]
    tokens = re.findall(r"@?[\w'’.-]+@?", clause)
    if first:  # a possessive phrase ("the on-call engineer's runbook") names an owner, not the subject
        owner = [bool(re.search(r"['’]s?$", t)) for t in tokens] + [False]
        order = [t for i, t in enumerate(tokens) if not owner[i] and not owner[i + 1]]
    else:
        order = reversed(tokens)
    for token in order:
        kind = _word_kind(re.sub(r"['’]s$", "", token).strip("."), names, systems)
        if kind:
            return kind
    return "unknown"


def _word_kind(bare: str, names, systems) -> str | None:
    low = bare.lower()
    if low in SYSTEM_EN or (low.endswith("s") and low[:-1] in SYSTEM_EN):
        return "system"
    if _PERSON_EN.fullmatch(bare) or bare in names:
        return "person"
    if bare[:1].isupper() and bare[1:].islower() and bare.isalpha() and len(bare) > 1 and bare not in _STOP_CAPS \
            and bare not in systems:
        return "name"
    return None


def subject_zh(text: str, end: int) -> str:
    start = 0
    for m in _BOUNDARY_ZH.finditer(text, 0, end):
        if m.end() <= end:
            start = m.end()
    clause = text[start:]
    best, kind = -1, "unknown"
    for pattern, label in ((_PERSON_ZH, "person"), (_SYSTEM_ZH, "system")):
        for m in pattern.finditer(clause):
            if m.end() > best and m.end() <= end - start:
                best, kind = m.end(), label
    return kind


# Cheap prefilters, run on the lower-cased sentence: every match of a pattern family contains one of its
# cue words at a word start, and most sentences of a blameless document contain none ("error" alone is in most
# postmortems; blame needs "human error" or "X's error"). They only skip work; tests check that they never
# hide a hit.
_CUE_WORDS = {
    "blame": "human error|operator error|user error|pilot error|personnel error|rookie error|'s error|' error|"
             "’s error|’ error|rookie|amateur|newbie|noob|careless|negligen|incompeten|apple|laz|slopp|stupid|idiot|"
             "ignoran|reckless|irrespons|fault|blame|culprit|ball|finger|cowboy|screw|blunder|mistake|oversight",
    "careful": "careful|better|attention",
    "emotive": "!!|ridicul|believe|mess|fiasco|shambles|joke|absurd|pathetic|embarrass|shame|disgrace|insane|"
               "frankly|wtf|facepalm|unforgiv|clown",
    "punitive": "disciplin|punish|reprimand|fired|written up|accountable",
    "root": "cause",
    "hindsight": "had|hav|if|obvious|evident|clear|simply|just|'ve|’ve",
    "modal": "should|ought|could|might",
    "omission": "fail|neglect|forgot|omit|did|never",
    "missed": "missed",
    "human": "overlook|ignor|forgot|neglect|disregard",
    "normative": "inappropr|mismanag|mishandl|improper|inadequa|poor|hast|lax|rush|unprofessional|wrong|proper",
}


def _starts_any(words) -> str:
    """A regex for 'one of these words starts here', factored by shared prefixes so that re tries a few
    branches per position instead of every word (about three times faster). A word that is a prefix of
    another makes the longer one redundant."""
    tree: dict = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node) -> str:
        if "" in node:
            return ""
        branches = [re.escape(char) + emit(child) for char, child in sorted(node.items())]
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return emit(tree)


# One search finds every cue word at a word start (or "!!"); each word then names its families.
_CUES = re.compile(r"!!|\b" + _starts_any(w for words in _CUE_WORDS.values() for w in words.split("|") if w != "!!"))
ALL_FAMILIES = frozenset(_CUE_WORDS)


@cache
def _families_of(cue: str) -> frozenset:
    # the search stops at the shortest cue ("ignor" for "ignorant"), so a family whose word only
    # starts with it ("ignoran", blame) counts too: that can only let more work through
    return frozenset(family for family, words in _CUE_WORDS.items()
                     if any(word.startswith(cue) or cue.startswith(word) for word in words.split("|")))


def cue_families(text: str) -> frozenset:
    """The pattern families that could match an English sentence; empty for most sentences."""
    found = {m.group() for m in _CUES.finditer(text.lower())}
    return frozenset().union(*map(_families_of, found)) if found else frozenset()


def find_en(text: str, forward: bool, names: set[str], systems: frozenset = frozenset(),
            families: frozenset | None = None):
    """Yield (rule, start, matched, hint) for an English sentence; `families` (from cue_families) skips
    the patterns that cannot match."""
    cued = (cue_families(text) if families is None else families).__contains__

    for m in (BLAME_EN.finditer(text) if cued("blame") else ()):
        if not _NEGATION_EN.search(text[:m.start()]):
            yield "PM301", m.start(), m.group(0), "blame"
    for family, rule_id, hint in (("careful", "PM303", "careful"), ("emotive", "PM304", "emotive"),
                                  ("punitive", "PM306", "punitive")):
        if cued(family):
            for m in _FAMILIES[family].finditer(text):
                yield rule_id, m.start(), m.group(0), hint
    for m in (ROOT_PERSON_EN.finditer(text) if cued("root") else ()):
        who = m.group("who").split()[-1]
        if _PERSON_EN.fullmatch(who) or who in names or (who[0].isupper() and who not in _STOP_CAPS and who.isalpha()
                                                       and who.lower() not in SYSTEM_EN and who not in systems):
            yield "PM305", m.start(), m.group(0), "root"
    if forward:
        return
    for m in (HINDSIGHT_EN.finditer(text) if cued("hindsight") else ()):
        yield "PM302", m.start(), m.group(0), "hindsight"
        return
    for family, allowed in (("modal", ("person", "name")), ("omission", ("person", "name")),
                            ("missed", ("person", "name")), ("human", ("person", "name", "unknown"))):
        if not cued(family):
            continue
        pattern = _FAMILIES[family]
        for m in pattern.finditer(text):
            if pattern is HUMAN_ONLY_EN and re.search(r"\b(?:is|are|was|were|be|been|being|get|gets|got)\s+$", text[:m.start()]):
                continue  # passive: "unknown keys are ignored" describes a system
            if pattern is OMISSION_EN and _OUTCOME.match(text, m.end()):
                continue  # "we failed to meet the SLO" owns an outcome; it judges no one's action
            if subject_en(text, m.start(), names, systems) in allowed:
                yield "PM302", m.start(), m.group(0), "omission" if pattern is not MODAL_EN else "hindsight"
                return
    for m in (NORMATIVE_EN.finditer(text) if cued("normative") else ()):
        if _normative_about_person(text, m, names, systems):
            yield "PM303", m.start(), m.group(0), "normative"
            return


_FAMILIES = {"careful": CAREFUL_EN, "emotive": EMOTIVE_EN, "punitive": PUNITIVE_EN, "modal": MODAL_EN,
             "omission": OMISSION_EN, "missed": MISSED_EN, "human": HUMAN_ONLY_EN}


# Nouns for what people do: "a poor decision" judges a person, "poor visibility" or "the wrong alias" does not.
_CONDUCT_EN = re.compile(r"\s+(?:decisions?|judge?ments?|choices?|call|handling|communication|work|job|response|"
                         r"attitude|effort|performance|planning|execution|practices?|reviews?|testing|preparation|"
                         r"hand-?offs?|escalation|coordination|follow-?up|oversight)\b", re.I)


def _normative_about_person(text, m, names, systems) -> bool:
    if not _PERSON_EN.search(text[:m.start()]):
        return False
    word = m.group(0).lower()
    adjective = not word.endswith("ly") and not word.startswith("mis") and word != "rushed"
    if not adjective and re.search(r"\b(?:a|an|the|this|that|its|their|our|some|any|no)\s+$", text[:m.start()], re.I):
        return False  # "a poorly documented restore", "a rushed deploy": about a thing
    after = text[m.end():]
    if adjective and re.match(r"\s+[a-z]", after):
        # an adjective before a noun: about people only when the noun is conduct ("a hasty decision")
        return bool(_CONDUCT_EN.match(after)) and \
            subject_en(text, m.start(), names, systems) in ("person", "name")
    # an adverb, a verb or a predicate ("handled it poorly", "mishandled", "the review was inadequate"):
    # the clause's subject decides
    return subject_en(text, m.start(), names, systems, first=True) in ("person", "name")


def find_zh(text: str, forward: bool):
    for m in BLAME_ZH.finditer(text):
        if not _NEGATION_ZH.search(text[:m.start()]):
            yield "PM301", m.start(), m.group(0), "blame"
    for m in CAREFUL_ZH.finditer(text):
        yield "PM303", m.start(), m.group(0), "careful"
    for m in EMOTIVE_ZH.finditer(text):
        yield "PM304", m.start(), m.group(0), "emotive"
    for m in PUNITIVE_ZH.finditer(text):
        if not _NEGATION_ZH.search(text[:m.start()]):
            yield "PM306", m.start(), m.group(0), "punitive"
    for m in ROOT_PERSON_ZH.finditer(text):
        yield "PM305", m.start(), m.group(0), "root"
    if forward:
        return
    for m in HINDSIGHT_ZH.finditer(text):
        yield "PM302", m.start(), m.group(0), "hindsight"
        return
    for m in OMISSION_ZH.finditer(text):
        if subject_zh(text, m.start()) == "person":
            yield "PM302", m.start(), m.group(0), "omission"
            return
    for m in NORMATIVE_ZH.finditer(text):
        if subject_zh(text, m.start()) == "person":
            yield "PM303", m.start(), m.group(0), "normative"
            return


def person_in(text: str, lang: str, names: set[str] = frozenset()) -> bool:
    """Does the text name a person or role (for the 5-whys check)? `names`: the document's people
    (authors, owners, @handles)."""
    if any(re.search(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text) for name in names if len(name) > 1):
        return True
    if lang == "zh":
        return bool(_PERSON_ZH.search(text) or re.search(r"不熟悉|经验不足|人员|培训", text))
    return bool(re.search(r"@[\w.-]+|\b(?:engineer|developer|operator|reviewer|contractor|intern|on-?call|human|"
                          r"unfamiliar|inexperienced|didn't know|did not know|lack of training|not trained|forgot)\w*",
                          text, re.I))
