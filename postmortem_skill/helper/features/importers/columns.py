"""Which column of a table's header row is which: the time, the text, the id, the status, the later times
(acknowledged, resolved, a change's end), who acknowledged, a change's planned window. No I/O.

Names are known by their exact form first (`created_at`, `告警名称`), then by their shape, so that the
headers of exports nobody wrote a list for are read too: Nightingale/Flashcat (规则名称, 首次触发时间,
认领人, 认领时间, 恢复时间), ARMS and 云监控 (告警名称, 告警等级, 发生时间, 确认时间), 华为云 AOM (首次发生时间,
清除时间), change lists (变更标题, 实际开始, 实际结束, 计划开始). A latest or last occurrence (最近发生时间,
最后触发时间, last seen) is not when anything started, and a duration (持续时长) is no time at all.

ServiceNow change_request lists come with field names or display labels: `start_date`/`end_date` (Planned
start date, Planned end date) are the planned window, `work_start`/`work_end` (Actual start, Actual end)
the actual one; `opened_at`, `sys_created_on`, `sys_updated_on` (Opened, Created, Updated) are the record's
own times, never the change's.
"""
from __future__ import annotations

import re

from postmortem_skill.helper.model.timeutil import zone_or_none

TIME_NAMES = ("time", "timestamp", "ts", "datetime", "date time", "time utc", "created at", "created on",
              "createdat", "@timestamp", "occurred at", "event time", "started at", "start time", "starts at",
              "deployed at", "finished at", "completed at",
              "window", "change window", "maintenance window", "planned window", "scheduled", "period", "date",
              "when", "时间", "发生时间", "时间点", "告警时间", "触发时间", "开始时间", "变更时间", "变更窗口",
              "时间窗口", "计划时间", "实施时间", "执行时间", "操作时间", "窗口", "日期")
TEXT_NAMES = ("event", "message", "summary", "text", "alert", "alert name", "alertname", "short description",
              "description", "title",
              "details", "note", "notes", "content", "change", "action", "what", "内容", "事件", "描述", "标题",
              "告警", "告警内容", "告警名称", "消息", "说明", "变更内容", "操作", "摘要")
ID_NAMES = ("id", "issue key", "alert id", "incident id", "incident number", "number", "tinyid", "tiny id", "change id",
            "change", "ticket", "key", "ref", "fingerprint", "编号", "单号", "变更单", "变更单号", "变更编号", "工单",
            "工单号", "告警id", "告警编号")
STATUS_NAMES = ("status", "state", "level", "severity", "priority", "urgency", "状态", "级别", "告警级别", "优先级")
LATER_NAMES = {"acknowledged at": "acknowledged", "acknowledged on": "acknowledged", "resolved at": "resolved",
               "resolved on": "resolved", "closed at": "closed", "ended at": "resolved", "end time": "end",
               "确认时间": "acknowledged", "恢复时间": "resolved", "结束时间": "end"}

_NOT_A_START = re.compile(r"最近|最后|最新|上次|末次|持续|时长|计划|预计|"
                          r"\blast\b|\blatest\b|duration|planned|scheduled")
_START = re.compile(r"^(?:告警|事件|故障|变更)?(?:首次|初次)?"
                    r"(?:触发|发生|产生|开始|创建|上报|告警|实施|执行)(?:时间|时刻)$|"
                    r"^实际开始(?:时间)?$|"
                    r"^(?:first|actual) (?:triggered|fired|seen|occurred|start)(?: at| time| date)?$|"
                    r"^change start(?: date| time)?$|"
                    r"^(?:triggered|fired) at$")
_LATER = (("acknowledged", re.compile(r"^(?:告警)?(?:认领|确认|受理|响应)(?:时间|时刻)$|^(?:acked|claimed) at$")),
          ("resolved", re.compile(r"^(?:告警|故障)?(?:恢复|清除|解决|消除)(?:时间|时刻)$|^(?:recovered|cleared) at$")),
          ("closed", re.compile(r"^(?:告警|工单)?关闭(?:时间|时刻)$")),
          ("end", re.compile(r"^实际结束(?:时间)?$|^(?:变更)?结束(?:时间|时刻)$|"
                             r"^(?:actual|change) (?:end|completion)(?: time| date)?$")))
_PLANNED = re.compile(r"^(?:计划|预计)开始(?:时间)?$|^(?:planned|scheduled) start(?: time| at| date)?$")
_PLANNED_END = re.compile(r"^(?:计划|预计)结束(?:时间)?$|^(?:planned|scheduled) end(?: time| at| date)?$")
_TEXT = re.compile(r"(?:名称|标题|主题|内容|描述|摘要)$|^(?:rule|alert|policy) (?:name|title)$|^subject$")
_ID = re.compile(r"(?:(?:^|[^a-z])id|编号|单号|流水号)$")
_WHO_ACKED = re.compile(r"^(?:认领|确认|受理)人$|^(?:acknowledged|acked|claimed) by$")
_STATUS = re.compile(r"(?:级别|等级|状态)$")
_CHANGE = re.compile(r"变更|工单|发布|\bchange\b|\bdeploy|\brelease\b")
# Load: how much is asked of the system, not how it answers. A rise is the evening peak or a sale, never the
# impact by itself; errors, latency, saturation and a business metric falling are.
_LOAD = re.compile(r"\b(?:qps|rps|tps|rpm|iops|ops|requests?|reqs?|hits|throughput|traffic|bandwidth|"
                   r"connected clients|clients|connections?|sessions|concurrency|in flight|pv|uv)\b|"
                   r"per sec|请求量|请求数|访问量|调用量|流量|并发|连接数|吞吐|在线人数")
_IMPACT = re.compile(r"err|fail|5xx|4xx|timeout|timed out|reject|drop|refus|latency|\bp\d{2,3}\b|duration|"
                     r"saturat|usage|utili|lag|queue|backlog|失败|错误|异常|超时|延迟|耗时|拒绝|丢弃|积压|使用率")


# Capacity: how many pods or replicas run. A deploy's surge or a scale-out moves it; it is an action's trace,
# never the impact (a fall in ready pods shows in the errors it causes).
_CAPACITY = re.compile(r"\b(?:pods?|replicas?|instances?|nodes?|containers?|workers?|hosts?)\b|副本|实例数|节点数")
_FAULT = re.compile(r"restart|crash|oom|evict|kill|fail|err|unhealthy|重启|失败")
# Resources: memory, heap, CPU, disk. Their rise is usually the cause building up (a leak after a deploy),
# impact only when nothing users see (errors, latency, failures, a backlog) moved.
_RESOURCE = re.compile(r"\b(?:mem(?:ory)?|heap|cpu|disk|gc|rss|working set|file descriptors|fds?|threads?)\b|"
                       r"内存|堆|磁盘")


def _plain(name: str) -> str:
    return re.sub(r"[\s_-]+", " ", name.strip().lower())


def is_load(name: str) -> bool:
    """`qps`, `ops_per_sec`, `connected_clients`, `请求量` → True; `error_rate_pct`, `failed_requests`,
    `latency_p99_ms`, `pool_usage` → False."""
    text = _plain(name)
    return bool(_LOAD.search(text)) and not _IMPACT.search(text)


# Business volume: orders, payments, sign-ups per minute. A rise is traffic (a campaign, a peak hour), a fall
# is impact (users could not order).
_VOLUME = re.compile(r"\b(?:orders?|checkouts?|purchases?|payments?|transactions?|sign-?ups?|logins?|bookings?|"
                     r"gmv|revenue|sales)\b|订单量|订单数|下单量|下单数|支付量|支付笔数|交易量|交易笔数|成交|销量|注册量|登录量")


def is_volume(name: str) -> bool:
    """`orders_per_min`, `订单量 (单/分钟)`, `GMV` → True; `failed_orders`, `下单成功率` → False."""
    text = _plain(name)
    return bool(_VOLUME.search(text)) and not _IMPACT.search(text) and "率" not in text


def is_capacity(name: str) -> bool:
    """`pods_ready`, `desired_replicas`, `instances` → True; `pod_restarts`, `oom_kills_per_node` → False."""
    text = _plain(name)
    return bool(_CAPACITY.search(text)) and not _FAULT.search(text)


def is_resource(name: str) -> bool:
    """`memory_pct_of_limit`, `heap_used_pct`, `cpu_usage` → True; `error_rate_pct`, `pool_usage` → False."""
    text = _plain(name)
    return bool(_RESOURCE.search(text)) and not _FAULT.search(text)


# ServiceNow's field names, read as the labels its list shows (`start_date` is the planned start); a header
# with any of the names only ServiceNow uses is its export.
_SERVICENOW = re.compile(r"^(?:sys (?:id|created on|updated on|class name)|short description|cmdb ci|"
                         r"work (?:start|end))$")
_SERVICENOW_NAMES = {"start date": "planned start", "end date": "planned end", "work start": "actual start",
                     "work end": "actual end", "cmdb ci": "configuration item"}


def servicenow_names(names: list[str]) -> list[str]:
    """ServiceNow's field names as its labels (`work_start` → `actual start`), when the header is its
    export; other headers unchanged."""
    if not any(_SERVICENOW.match(n) for n in names):
        return names
    return [_SERVICENOW_NAMES.get(n, n) for n in names]


_ZONE_SUFFIX = re.compile(r"[\s_]*(?:[(（\[]\s*(?P<p>[^)）\]]{1,20}?)\s*[)）\]]|_(?P<u>utc|gmt))\s*$", re.I)


def header_name(cell: str) -> tuple[str, str | None]:
    """(normalised name, zone it names or None): `Time (UTC)` → ('time', 'UTC'); `time_utc` → ('time',
    'UTC'); `时间（北京时间）` → ('时间', '北京时间'); `@timestamp` → ('@timestamp', None)."""
    text = cell.strip().strip("*`").strip()
    text = re.sub(r"^custom ?field\s*\((.+)\)$", r"\1", text, flags=re.I)  # Jira: `Custom field (Actual start)`
    text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text)  # CamelCase: `AcknowledgedAt` is `acknowledged at`
    zone = None
    m = _ZONE_SUFFIX.search(text)
    if m and zone_or_none((m["p"] or m["u"] or "").replace(" ", "")) is not None:
        zone, text = (m["p"] or m["u"]).replace(" ", ""), text[:m.start()]
    return re.sub(r"[\s_-]+", " ", text.strip().lower()), zone


class Columns:
    """Which column is which, from a header row; `ok()` is False when the header names no time column."""

    def __init__(self, cells: list[str]):
        named = [header_name(c) for c in cells]
        self.names = servicenow_names([n for n, _ in named])
        self.shown = [c.strip() for c in cells]
        self.time = self._pick(TIME_NAMES)
        if self.time is None:
            self.time = self._shaped(_START, exclude=_NOT_A_START)
        self.planned = self._shaped(_PLANNED)  # a change's planned start: its time when it has no actual one
        self.planned_end = self._shaped(_PLANNED_END)
        planned_window = self.planned is not None or self.planned_end is not None
        self.only_planned = self.time is None and self.planned is not None  # a list of planned windows only
        if self.only_planned:
            self.time, self.planned = self.planned, None
        self.zone = zone_or_none(named[self.time][1]) if self.time is not None else None
        self.date = self._pick(("date", "日期", "day"), exclude={self.time})  # a day apart from the clock
        taken = {self.time, self.date, self.planned, self.planned_end}
        self.text = self._pick(TEXT_NAMES, exclude=taken)
        if self.text is None:
            self.text = self._shaped(_TEXT, exclude_at=taken)
        self.id = self._pick(ID_NAMES, exclude=taken | {self.text})
        if self.id is None:
            self.id = self._shaped(_ID, exclude_at=taken | {self.text})
        self.milestone = self._pick(("milestone", "里程碑"))
        self.source = self._pick(("source", "来源"))
        self.target = self._pick(("configuration item",))  # ServiceNow's CI: the service a change is on
        self.who_acked = self._shaped(_WHO_ACKED)
        self.status = [i for i, n in enumerate(self.names) if n in STATUS_NAMES or _STATUS.search(n)]
        self.later = [(i, self._later(n)) for i, n in enumerate(self.names)
                      if i not in taken and self._later(n)]
        # a change list: start and end are a window; a planned window is a change's (or a maintenance's)
        self.change = any(_CHANGE.search(n) for n in self.names) or planned_window

    @staticmethod
    def _later(name: str) -> str | None:
        if name in LATER_NAMES:
            return LATER_NAMES[name]
        return next((kind for kind, pattern in _LATER if pattern.search(name)), None)

    def _pick(self, names, exclude=frozenset()):
        for name in names:
            if name in self.names and self.names.index(name) not in exclude:
                return self.names.index(name)
        return None

    def _shaped(self, pattern, exclude=None, exclude_at=frozenset()):
        return next((i for i, n in enumerate(self.names) if i not in exclude_at and pattern.search(n)
                     and not (exclude and exclude.search(n))), None)

    def is_status(self, index: int) -> bool:
        """A status column (the state at export time), as opposed to a level or severity."""
        return self.names[index] in ("status", "state") or self.names[index].endswith("状态")

    def ok(self) -> bool:
        return self.time is not None and len(self.names) >= 2
