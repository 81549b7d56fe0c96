"""The words of the situation, compliance and alert-summary reports, in Chinese and English.

One table: key -> (中文, English). Builders call :func:`words` once and index the result, so a
missing key fails at once (KeyError) rather than printing a blank heading. ATT&CK tactic names
follow MITRE's Chinese renderings in common use by CNCERT and vendors' reports.
"""

from __future__ import annotations

from typing import Final

from govsoc.core.inventory import ATTRIBUTION

__all__ = ["LEVEL_WORDS", "TACTICS", "WORDS", "shown_status", "shown_zone", "words"]

WORDS: Final[dict[str, tuple[str, str]]] = {
    # titles
    "situation_title": ("网络安全态势感知报告", "Security situation report"),
    "compliance_title": ("合规状况报告", "Compliance report"),
    "alerts_title": ("安全告警报告", "Security alert report"),
    # sections
    "overview": ("总体态势", "Overview"),
    "events_by_source": ("各数据集事件", "Events by dataset"),
    "events_by_zone": ("各网络区域事件", "Events by zone"),
    "alerts_by_level": ("告警级别分布", "Alerts by severity"),
    "alerts_by_status": ("告警处置状态", "Alerts by status"),
    "trend": ("趋势", "Trends"),
    "rules": ("高频告警规则", "Top rules"),
    "assets": ("受攻击资产与单位", "Most attacked assets and agencies"),
    "sources": ("主要攻击来源", "Top attack sources"),
    "attack": ("ATT&CK 战术与技术", "ATT&CK tactics and techniques"),
    "network": ("网络流量概况", "Network overview"),
    "compliance": ("合规状况", "Compliance status"),
    "mipin": ("商用密码应用安全性评估（密评）", "Commercial cryptography assessment (CCA, GB/T 39786)"),
    "inventory": ("数据分类分级清单", "Data classification inventory"),
    "djbh": ("等保控制点与密评要求的告警", "Alerts per MLPS control and CCA item"),
    "incidents": ("重要安全事件", "Notable incidents"),
    "recommendations": ("处置建议", "Recommendations"),
    "log_audit": ("等保日志审计", "Log audit (MLPS 2.0)"),
    "collection": ("日志采集", "Sources collected"),
    "retention": ("日志留存", "Retention held"),
    "gaps": ("采集与检测缺口", "Gaps in collection and detection"),
    "latest_alerts": ("最新告警", "Latest alerts"),
    # figures and columns
    "events": ("事件", "Events"),
    "event_total": ("事件总数", "Events"),
    "alert_total": ("告警总数", "Alerts"),
    "high_alerts": ("高危及以上告警", "High and critical alerts"),
    "open_alerts": ("待处置告警", "Open alerts"),
    "systems_affected": ("涉及信息系统", "Systems affected"),
    "sources_count": ("本期有事件的数据集", "Datasets with events in the period"),
    "new_alerts": ("新出现告警", "New alerts"),
    "recurring_alerts": ("复现告警", "Recurring alerts"),
    "new_note": ("规则在本期之前从未告警", "rule never fired before the period"),
    "recurring_note": ("规则在本期之前已告警", "rule fired before the period too"),
    "alerts": ("告警", "Alerts"),
    "source": ("数据源", "Source"),
    "zone": ("网络区域", "Zone"),
    "first": ("最早", "First"),
    "last": ("最晚", "Last"),
    "level": ("级别", "Severity"),
    "status": ("状态", "Status"),
    "rule": ("规则", "Rule"),
    "system": ("信息系统", "System"),
    "agency": ("单位", "Agency"),
    "host": ("主机", "Host"),
    "account": ("账号", "Account"),
    "address": ("地址", "Address"),
    "tactic": ("战术", "Tactic"),
    "technique": ("技术", "Technique"),
    "control": ("控制点", "Control"),
    "item": ("评估项", "Item"),
    "flows": ("流数", "Flows"),
    "bytes": ("字节", "Bytes"),
    "protocol": ("协议", "Protocol"),
    "port": ("端口", "Port"),
    "service": ("服务", "Service"),
    "share": ("占比", "Share"),
    "flow_total": ("流总数", "Flows"),
    "byte_total": ("流量（字节）", "Traffic (bytes)"),
    "cleartext_share": ("明文协议流量占比", "Cleartext traffic share"),
    "weak_tls_share": ("弱加密会话占比", "Weak-crypto session share"),
    "cleartext_services": ("明文协议服务", "Cleartext services"),
    "weak_crypto": ("弱密码算法与协议", "Weak cryptography"),
    "traffic_by_zone": ("各区域流量", "Traffic by zone"),
    "traffic_by_protocol": ("各协议流量", "Traffic by protocol"),
    "zone_protocol": ("各区域分协议流量（字节）", "Traffic by zone and protocol (bytes)"),
    "encrypted_sessions": ("加密会话（TLS/TLCP/SSH）", "Encrypted sessions (TLS/TLCP/SSH)"),
    "weak_versions": ("弱协议版本会话（SSL、TLS 1.0/1.1、SSH-1）",
                      "Sessions on weak versions (SSL, TLS 1.0/1.1, SSH-1)"),
    "weak_ciphers": ("弱密码套件会话", "Sessions on weak cipher suites"),
    "weak_ssh": ("SSH 弱算法会话", "SSH sessions on weak algorithms"),
    "protocol_other": ("其他或未识别", "other or not identified"),
    "cipher": ("密码套件", "Cipher suite"),
    "external_sources": ("外部来源（事件）", "External sources (events)"),
    "alert_sources": ("告警来源地址", "Alerting source addresses"),
    "accounts_targeted": ("涉及账号", "Accounts involved"),
    "score": ("得分", "Score"),
    "verdict": ("结论", "Verdict"),
    "high_risks": ("高风险项", "High risks"),
    "grade": ("等保级别", "Level"),
    "evaluated": ("评估时间", "Evaluated"),
    "missing_evidence": ("缺少证据", "Missing evidence"),
    "undetermined": ("需人工判定", "to be decided by an evaluator"),
    "last_conclusive": ("（上次有证据的结论：{verdict}，{total} 分，{at}）",
                        " (last conclusion on evidence: {verdict}, {total}, {at})"),
    "system_units": ("{system}（{n}）", "{system} ({n})"),
    "failed_before": ("（上次有证据的结论）", " (last conclusion on evidence)"),
    "not_evaluated": ("本期未评估", "not evaluated in this period"),
    "evaluated_later": ("（仅有本期之后的评估：{t}）", "(evaluated only after the period: {t})"),
    "not_evaluated_text": ("该系统在本期结束前没有保存的密评结果；最近一次评估在本期之后（{t}），见该期报告。",
                           "No CCA result of this system was saved before the period's end; its newest evaluation "
                           "is later ({t}): see that period's report."),
    "unknown_time": ("时间未记录", "time not recorded"),
    "never_evaluated": ("从未评估（资产清单中的系统，无保存的密评结果）",
                        "never evaluated (a system of the asset inventory with no saved CCA result)"),
    "never_evaluated_text": ("资产清单中以下系统没有保存的密评结果，本报告无法判定其密码应用：{names}。",
                             "These systems of the asset inventory have no saved CCA result, so this report cannot "
                             "judge their use of cryptography: {names}."),
    "evaluation_stale": ("（距本期结束已超过一年，应重新评估）", " (over a year before the period's end: due again)"),
    "tables": ("数据表", "Tables"),
    "fields": ("字段", "Fields"),
    "tagged": ("敏感字段", "Sensitive fields"),
    "pipl": ("个人敏感信息字段", "PIPL-sensitive fields"),
    "top_level": ("最高级别", "Highest level"),
    "important": ("重要数据候选", "Important-data candidates"),
    "data_source": ("数据来源", "Data source"),
    "oldest": ("最早事件", "Oldest event"),
    "newest": ("最新事件", "Newest event"),
    "days_held": ("已留存天数", "Days held so far"),
    "meets_180": ("满足 180 天", "Meets 180 days"),
    "history_growing": ("留存策略满足，历史数据尚不足 180 天", "policy meets it; history under 180 days so far"),
    "retention_policy": ("留存策略：store.retention_days = {days} 天；满足 180 天要求：{verdict}。"
                         "下表为各数据集目前已留存的天数。",
                         "Retention policy: store.retention_days = {days} days; meets the 180-day requirement: "
                         "{verdict}. The table gives the days each source holds so far."),
    "retention_policy_unknown": ("留存策略未知（未给出 store.retention_days），下表按已留存的数据判定。",
                                 "Retention policy not known (store.retention_days not given): the table judges "
                                 "the data held."),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "silent_since": ("静默自", "Silent since"),
    "collected_files": ("文件采集源", "File sources"),
    "receivers": ("日志与流量接收器（syslog、NetFlow/IPFIX）", "Receivers (syslog, NetFlow/IPFIX)"),
    "transport": ("传输方式", "Transport"),
    "listen": ("监听地址", "Listening on"),
    "records": ("读取记录", "Records read"),
    "stored": ("已入库", "Stored"),
    "rejected": ("拒收", "Rejected"),
    "updated": ("最近更新", "Last updated"),
    "received": ("接收消息", "Received"),
    "unit": ("计数单位", "Unit"),
    "records_decoded": ("解析记录", "Records decoded"),
    "events_stored": ("已入库事件", "Events stored"),
    "unit_message": ("消息", "messages"),
    "unit_datagram": ("数据报", "datagrams"),
    "unit_ipfix message": ("IPFIX 消息", "IPFIX messages"),
    "rules_cover": ("有规则覆盖", "Covered by rules"),
    "no_rule_datasets": ("无检测规则覆盖的数据集", "Datasets no rule reads"),
    "silent_sources": ("已静默的数据集", "Datasets that went silent"),
    "silent_devices": ("已静默的主机与设备", "Hosts and devices that went silent"),
    "datasets_stored": ("已采集的数据集（截至期末）", "Datasets collected (up to the period's end)"),
    "source_kind": ("类型", "Kind"),
    "dataset": ("数据集", "Dataset"),
    "kind_host.name": ("主机", "Host"),
    "kind_observer.name": ("网络设备", "Network device"),
    "device_name": ("名称", "Name"),
    "time": ("时间", "Time"),
    "end": ("结束", "End"),
    "count": ("数量", "Count"),
    "period": ("统计周期", "Period"),
    "none": ("无", "none"),
    "unregistered_zone": ("未登记（不属于任何已登记区域）", "unregistered (in no registered zone)"),
    # alert statuses (govsoc.core.alert.STATUSES) and the zones the inventory names itself
    "status_open": ("待处置", "open"),
    "status_acknowledged": ("已确认", "acknowledged"),
    "status_closed": ("已关闭", "closed"),
    "status_false_positive": ("误报", "false positive"),
    "zone_internet": ("互联网", "internet"),
    "attribution": ATTRIBUTION,
    "zone_unknown": ("区域未知（所属系统未登记地址）", "zone unknown (its system lists no address)"),
    # paragraphs
    "no_flows": ("本期无流量数据（pcap / NetFlow）。", "No flow data (pcap / NetFlow) in the period."),
    "no_mipin": ("尚无保存的密评结果：运行 govsoc crypto-eval。",
                 "No saved CCA (GB/T 39786) results: run govsoc crypto-eval."),
    "no_inventory": ("尚无保存的数据分类分级清单：运行 govsoc classify。",
                     "No saved classification inventory: run govsoc classify."),
    "no_djbh": ("本期无带等保控制点或密评要求标签（djbh.*、mipin.*）的告警。",
                "No alert tagged with an MLPS control or CCA item (djbh.*, mipin.*) in the period."),
    "incidents_more": ("另有 {n} 条严重或高危规则有待处置的告警（未展开证据；按级别、告警数排序）",
                       "{n} more critical or high rules with pending alerts (evidence not shown; by level, "
                       "then alerts)"),
    "incidents_cut": ("；每个级别最多列出 {n} 条", "; at most {n} per level listed"),
    "no_incidents": ("本期无待处置的高危告警。", "No open high or critical alert in the period."),
    "no_zone_note": ("事件未标注网络区域：在 inventory.yaml 中登记区域网段（zones）后采集的事件按区域统计。",
                     "Events carry no zone: list the zones' address ranges in inventory.yaml (zones) and events "
                     "collected afterwards are counted per zone."),
    "cleartext_note": ("按目的端口统计的明文协议：", "Cleartext protocols by destination port: "),
    "retention_note": ("《网络安全法》第二十一条要求网络日志留存不少于六个月（按 180 天计）；"
                       "等保 2.0 安全审计要求保护并定期备份审计记录。",
                       "The Cybersecurity Law (art. 21) requires network logs to be kept for at least six months "
                       "(counted as 180 days); MLPS 2.0 (GB/T 22239) security audit requires audit records to be "
                       "protected and backed up."),
    "silence_note": ("已静默：截至期末超过 24 小时未收到事件。数据集按 event.dataset 计（与“已采集的数据集”同一口径）；"
                     "主机与设备按 host.name / observer.name 计，另列一表（其数据集可能仍有其他来源的事件）。",
                     "Silent: no event for more than 24 hours before the period's end. Datasets are counted by "
                     "event.dataset (as the datasets collected are); hosts and devices by host.name / observer.name, "
                     "in a table of their own (their dataset may still have events from other senders)."),
    # recommendations
    "rec_high_open": ("尽快研判并处置 {n} 条待处置的高危及以上告警", "Triage the {n} open high and critical alerts"),
    "rec_high_open_text": ("使用 govsoc alerts --level high 逐条确认、分派并关闭。",
                           "Work through them with govsoc alerts --level high: acknowledge, assign, close."),
    "rec_cleartext": ("停用明文协议（{names}）", "Retire cleartext protocols ({names})"),
    "rec_cleartext_text": ("以 SSH、HTTPS/TLCP、SFTP 替代 Telnet、HTTP、FTP 等明文协议"
                           "（等保 2.0 三级 8.1.2.2、密评 8.2）。",
                           "Replace Telnet, HTTP, FTP and the like with SSH, HTTPS/TLCP and SFTP (MLPS 2.0 level 3 "
                           "8.1.2.2, CCA 8.2)."),
    "rec_weak_tls": ("升级弱加密会话（{n} 个）", "Upgrade the {n} weak-crypto sessions"),
    "rec_weak_tls_text": ("停用 SSL/TLS 1.0/1.1 及 RC4、DES、3DES、NULL、EXPORT 套件，"
                          "优先采用 TLCP 或 TLS 1.3 国密套件。",
                          "Disable SSL/TLS 1.0/1.1 and RC4, DES, 3DES, NULL and EXPORT suites; prefer TLCP or "
                          "TLS 1.3 with SM suites."),
    "rec_mipin": ("整改密评未通过的系统（{names}）", "Remediate the systems that failed the CCA ({names})"),
    "rec_mipin_text": ("按密评报告的高风险项与整改建议逐项整改后复评。",
                       "Fix the high risks the CCA report lists, then evaluate again."),
    "rec_mipin_incomplete": ("{n} 个系统密评证据不足，无法判定（括号内为缺少证据的测评单元数：{names}）",
                             "{n} systems lack CCA evidence, no conclusion (units without evidence in brackets: "
                             "{names})"),
    "rec_mipin_incomplete_text": ("核实端点是否在线、探测是否被防火墙拦截、资产清单是否列全端点，补齐证据后重新评估；"
                                  "缺少证据的测评单元按0分计，不作为符合或基本符合的依据。",
                                  "Check that the endpoints are up, that no firewall drops the probe and that the "
                                  "inventory lists every endpoint, then evaluate again; units without evidence score "
                                  "0 and never support a compliant or basically compliant conclusion."),
    "rec_silent": ("恢复已静默数据集的采集（{names}）", "Restore collection of the silent datasets ({names})"),
    "rec_silent_devices": ("恢复 {n} 台已静默主机与设备的日志发送（{names}）",
                           "Restore logging from {n} silent hosts and devices ({names})"),
    "rec_silent_text": ("检查设备的 syslog 配置、网络连通性与 govsoc status 的接收计数。",
                        "Check the devices' syslog settings, the network path and the counters of govsoc status."),
    "rec_retention": ("日志留存不足 180 天（{names}）", "Logs held for less than 180 days ({names})"),
    "rec_retention_text": ("调整 store.retention_days 与存储容量，确保满足六个月留存要求。",
                           "Set store.retention_days and the storage so that six months are kept."),
    "rec_retention_policy": ("日志留存策略仅 {days} 天，不满足六个月（180 天）要求",
                             "The log retention policy keeps {days} days, short of six months (180 days)"),
    "rec_short_history": ("部分数据集已留存的历史尚不足 180 天（{names}）",
                          "Some sources hold less than 180 days of history so far ({names})"),
    "rec_short_history_text": ("留存策略已满足要求；如为新部署，随时间自然满足；"
                               "如有更早的日志，请用 govsoc ingest 导入或确认备份。",
                               "The policy meets the requirement: a new deployment fills up with time; import older "
                               "logs with govsoc ingest, or check their backups, if they exist."),
    "rec_uncovered": ("为无检测规则覆盖的数据集补充规则（{names}）",
                      "Add rules for the sources no rule reads ({names})"),
    "rec_uncovered_text": ("这些数据集已采集但没有任何规则读取，其中的攻击不会告警；"
                           "govsoc rules check 列出各规则的日志源。",
                           "They are collected but no rule reads them, so attacks in them raise no alert; "
                           "govsoc rules check lists each rule's log source."),
    "rec_inventory": ("在资产清单中登记网络区域与信息系统", "Record zones and systems in the asset inventory"),
    "rec_inventory_text": ("未登记时无法按区域、单位与系统统计态势。",
                           "Without them the situation cannot be counted per zone, agency and system."),
    "rec_top_rule": ("查明并消除本期告警最多的规则“{rule}”（{n} 条告警）的成因",
                     "Find and remove the cause of the period's most frequent rule, \"{rule}\" ({n} alerts)"),
    "rec_top_rule_text": ("查看其证据与涉及的系统（govsoc alerts --rule），整改根因（如在 URL 中传递个人信息的接口、"
                          "暴露的服务），确属误报的调整规则或关闭。",
                          "Read its evidence and the systems it concerns (govsoc alerts --rule), fix the cause (an "
                          "interface passing personal data in URLs, an exposed service), or tune the rule if it "
                          "is a false positive."),
    "rec_none": ("本期未发现需要立即处置的问题", "Nothing in the period calls for immediate action"),
    "rec_no_sources": ("尚未采集任何日志，等保日志审计无从判定",
                       "No log has been collected: the MLPS log audit cannot be judged"),
    "rec_no_sources_text": ("使用 govsoc ingest 导入日志文件，或在配置中启用 syslog 接收。",
                            "Import log files with govsoc ingest, or enable the syslog receivers."),
    "rec_never_evaluated": ("资产清单中 {n} 个第三级及以上系统从未进行密评（{names}）",
                            "{n} systems of level 3 and above in the asset inventory were never evaluated for CCA "
                            "({names})"),
    "rec_never_evaluated_text": ("运行 govsoc crypto-eval --system 名称 评估这些系统；"
                                 "第三级及以上系统每年至少评估一次。",
                                 "Run govsoc crypto-eval --system NAME on them; systems of level 3 and above are "
                                 "evaluated at least once a year."),
    # no evaluation period is set down here for levels 1 and 2 (shared/reference/crypto-eval.md
    # names the yearly rule for level 3 and above only): the text says the rule does not cover
    # them, and names no period of its own (R49a-9)
    "rec_never_evaluated_low": ("资产清单中 {n} 个第三级以下系统尚无密评结果（{names}）",
                                "{n} systems below level 3 in the asset inventory have no CCA result ({names})"),
    "rec_never_evaluated_low_text": ("“第三级及以上系统每年至少评估一次”的要求不适用于这些系统。govsoc crypto-eval "
                                     "--system 名称 按第三级要求评分，其结论不是这些系统的密评结论，仅供参考。",
                                     "The rule that systems of level 3 and above are evaluated at least once a year "
                                     "does not cover them. govsoc crypto-eval --system NAME scores them against "
                                     "level 3: its verdict is for reference only, not their CCA conclusion."),
    "rec_no_mipin": ("尚无密评结果，密码应用无从判定", "No CCA result yet: cryptography use cannot be judged"),
    "rec_no_mipin_text": ("运行 govsoc crypto-eval 评估资产清单中的信息系统。",
                          "Run govsoc crypto-eval on the systems of the asset inventory."),
    "rec_no_inventory": ("尚无数据分类分级清单，数据安全无从判定",
                         "No data classification inventory yet: data security cannot be judged"),
    "rec_no_inventory_text": ("运行 govsoc classify 对数据源分类分级。", "Run govsoc classify on the data sources."),
}

#: Alert severities (Sigma levels), most severe first.
LEVEL_WORDS: Final[dict[str, tuple[str, str]]] = {
    "critical": ("严重", "critical"), "high": ("高危", "high"), "medium": ("中危", "medium"),
    "low": ("低危", "low"), "informational": ("提示", "informational"),
}

#: ATT&CK enterprise tactics: the tag spelling (SigmaHQ's) -> (中文, English).
TACTICS: Final[dict[str, tuple[str, str]]] = {
    "reconnaissance": ("侦察", "Reconnaissance"), "resource-development": ("资源开发", "Resource Development"),
    "initial-access": ("初始访问", "Initial Access"), "execution": ("执行", "Execution"),
    "persistence": ("持久化", "Persistence"), "privilege-escalation": ("权限提升", "Privilege Escalation"),
    "defense-evasion": ("防御规避", "Defense Evasion"), "credential-access": ("凭证访问", "Credential Access"),
    "discovery": ("发现", "Discovery"), "lateral-movement": ("横向移动", "Lateral Movement"),
    "collection": ("收集", "Collection"), "command-and-control": ("命令与控制", "Command and Control"),
    "exfiltration": ("数据渗出", "Exfiltration"), "impact": ("影响", "Impact"),
    # ATT&CK v18 split Defense Evasion into these two; SigmaHQ (and the bundled pack) use them
    "defense-impairment": ("防御削弱", "Defense Impairment"), "stealth": ("隐匿", "Stealth"),
}


def words(lang: str) -> dict[str, str]:
    """Every phrase in ``lang`` ("zh" or "en"), level names under ``level_<name>``."""
    index = 1 if lang == "en" else 0
    table = {key: pair[index] for key, pair in WORDS.items()}
    table.update({f"level_{key}": pair[index] for key, pair in LEVEL_WORDS.items()})
    return table


def shown_status(status: object, t: dict[str, str]) -> str:
    """An alert status in the report's language (unknown ones as they are)."""
    return t.get(f"status_{status}", str(status))


def shown_zone(zone: object, t: dict[str, str]) -> str:
    """A zone name: the inventory's own names as written, ``internet``/``unknown`` translated
    (govsoc.core.inventory gives those to addresses in no listed zone)."""
    return t.get(f"zone_{zone}", str(zone)) if zone in ("internet", "unknown") else str(zone)
