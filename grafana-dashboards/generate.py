#!/usr/bin/env python3
"""Writes the dashboards in this directory (*.json) from one description, so every dashboard shares the same
variables, links and panel conventions. Run it after an edit: python3 grafana-dashboards/generate.py

The JSON files are what users import and what the tests check (DashboardConventionsTest, DashboardThresholdsTest,
DashboardQueriesOnRealPrometheusTest); this script is only the authoring tool. Alert thresholds written here are
checked against alerts/*.rules.yml by DashboardThresholdsTest: change a rule, and that test tells you which panel
to change here.
"""
import json
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

# ---------------------------------------------------------------- alert runbooks (read from the rule files)


def read_runbooks():
    runbooks = {}
    for name in sorted(os.listdir(os.path.join(REPO, "alerts"))):
        if not name.endswith(".rules.yml"):
            continue
        alert = None
        with open(os.path.join(REPO, "alerts", name), encoding="utf-8") as f:
            for line in f:
                m = re.match(r"\s*- alert:\s*(\S+)", line)
                if m:
                    alert = m.group(1)
                m = re.match(r'\s*runbook_url:\s*"([^"]+)"', line)
                if m and alert:
                    runbooks[alert] = m.group(1)
    return runbooks


RUNBOOKS = read_runbooks()
RUNBOOK_INDEX = "https://github.com/openim-exporter/openim-exporter/blob/main/docs/runbooks/README.md"

# ---------------------------------------------------------------- selectors and variables

# every query filters on these; with "All" each is .*, which also matches series without the label
SEL = 'cluster=~"$cluster", namespace=~"$namespace", job=~"$job", instance=~"$instance"'
# ALERTS keep only the labels a rule keeps (no job/instance once aggregated)
ALERT_SEL = 'cluster=~"$cluster", namespace=~"$namespace"'
DEP = "cluster, namespace"  # labels that tell deployments apart, kept by every aggregation; set by scripts/deployment-labels.sh
RI = "$__rate_interval"
# metrics that name the jobs the variables offer: the exporter, and OpenIM's processes (v3.8.3 registers each
# family only in its own process, main registers every family everywhere)
VAR_METRICS = ("openim_exporter_build_info|online_user_num|api_count|rpc_count|msg_insert_mongo_success_total"
               "|msg_offline_push_failed_total|single_chat_msg_process_success_total")


def s(extra=""):
    return "{" + (extra + ", " if extra else "") + SEL + "}"


def var_query(name, label, depends):
    sel = '{__name__=~"%s"%s}' % (VAR_METRICS, "".join(", %s=~\"$%s\"" % (d, d) for d in depends))
    q = "label_values(%s, %s)" % (sel, name)
    return {
        "name": name, "label": label, "type": "query",
        "datasource": {"type": "prometheus", "uid": "${datasource}"},
        "query": {"query": q, "refId": "PrometheusVariableQueryEditor-VariableQuery"},
        "refresh": 2,  # on time range change
        "includeAll": True, "allValue": ".*", "multi": True,
        "current": {"selected": True, "text": ["All"], "value": ["$__all"]},
        "options": [], "regex": "", "sort": 1, "hide": 0,
        "description": "Empty when series carry no %s label: All (.*) then matches them." % name,
    }


def variables():
    return [
        {"name": "datasource", "label": "Data source", "type": "datasource", "query": "prometheus",
         "options": [], "refresh": 1, "regex": "", "hide": 0, "includeAll": False, "multi": False},
        var_query("cluster", "cluster", []),
        var_query("namespace", "namespace", ["cluster"]),
        var_query("job", "job", ["cluster", "namespace"]),
        var_query("instance", "instance", ["cluster", "namespace", "job"]),
    ]


# ---------------------------------------------------------------- panels

DS = {"type": "prometheus", "uid": "${datasource}"}
GREEN, YELLOW, ORANGE, RED, BLUE = "green", "yellow", "orange", "red", "blue"


def target(expr, legend="", instant=False, fmt=None, ref=None):
    t = {"datasource": DS, "expr": expr, "legendFormat": legend or "__auto", "refId": ref or "A"}
    if instant:
        t["instant"] = True
        t["range"] = False
    if fmt:
        t["format"] = fmt
    return t


def steps(*pairs):
    """steps(GREEN, (ORANGE, 1000)) -> base green, orange from 1000."""
    out = [{"color": pairs[0], "value": None}]
    for color, value in pairs[1:]:
        out.append({"color": color, "value": value})
    return {"mode": "absolute", "steps": out}


def mapping(values):
    """values: {value: (text, color)}"""
    return [{"type": "value", "options": {str(k): {"text": t, "color": c, "index": i}
                                          for i, (k, (t, c)) in enumerate(values.items())}}]


def link(title, url, new_tab):
    """A panel link, with every field @grafana/schema's DashboardLink lists."""
    return {"title": title, "url": url, "targetBlank": new_tab, "type": "link", "icon": "external link",
            "tooltip": "", "tags": [], "asDropdown": False, "includeVars": False, "keepTime": False}


def links(*alerts, extra=()):
    out = [link("Runbook: " + a, RUNBOOKS[a], True) for a in alerts]
    # the URL itself carries time range and variables (panel links do not honour keepTime/includeVars)
    out += [link(title, "/d/%s?${__url_time_range}&${__all_variables}" % uid, False) for title, uid in extra]
    return out


def panel(kind, title, desc, unit, exprs, w=8, h=8, thresholds=None, mappings=None, alerts=(), drill=(),
          options=None, custom=None, overrides=None):
    targets = []
    for i, e in enumerate(exprs):
        if isinstance(e, dict):
            targets.append(dict(e, refId=chr(65 + i)))
        elif isinstance(e, tuple):
            targets.append(target(e[0], e[1], ref=chr(65 + i)))
        else:
            targets.append(target(e, ref=chr(65 + i)))
    defaults = {"unit": unit, "thresholds": thresholds or steps(GREEN), "mappings": mappings or []}
    if thresholds or mappings:
        defaults["color"] = {"mode": "thresholds"}
    if custom:
        defaults["custom"] = custom
    p = {"type": kind, "title": title, "description": desc, "datasource": DS, "targets": targets,
         "fieldConfig": {"defaults": defaults, "overrides": overrides or []},
         "options": options or {}, "links": links(*alerts, extra=drill), "_w": w, "_h": h}
    return p


def ts(title, desc, unit, exprs, **kw):
    kw.setdefault("options", {"legend": {"displayMode": "table", "placement": "bottom", "calcs": ["lastNotNull", "max"]},
                              "tooltip": {"mode": "multi", "sort": "desc"}})
    custom = kw.pop("custom", {})
    if kw.get("thresholds"):
        custom.setdefault("thresholdsStyle", {"mode": "line+area" if kw.pop("area", False) else "line"})
    kw.pop("area", None)
    custom.setdefault("fillOpacity", 10)
    custom.setdefault("showPoints", "never")
    return panel("timeseries", title, desc, unit, exprs, custom=custom, **kw)


def stat(title, desc, unit, exprs, **kw):
    kw.setdefault("w", 4)
    kw.setdefault("h", 5)
    kw.setdefault("options", {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                              "colorMode": "background", "graphMode": "none", "textMode": "auto"})
    exprs = [target(e[0], e[1], instant=True) if isinstance(e, tuple) else e for e in
             [(e, "") if isinstance(e, str) else e for e in exprs]]
    return panel("stat", title, desc, unit, exprs, **kw)


def table(title, desc, unit, exprs, **kw):
    kw.setdefault("w", 12)
    kw.setdefault("options", {"showHeader": True, "cellHeight": "sm"})
    exprs = [target(e, "", instant=True, fmt="table") for e in exprs]
    return panel("table", title, desc, unit, exprs, **kw)


def timeline(title, desc, unit, exprs, **kw):
    kw.setdefault("w", 24)
    kw.setdefault("options", {"mergeValues": True, "showValue": "never", "alignValue": "left", "rowHeight": 0.8,
                              "legend": {"showLegend": True, "displayMode": "list", "placement": "bottom"}})
    return panel("state-timeline", title, desc, unit, exprs, custom={"lineWidth": 0, "fillOpacity": 80}, **kw)


def text(title, md, w=24, h=4):
    return {"type": "text", "title": title,
            "description": "How to read this part of the page; no query.",
            "options": {"mode": "markdown", "content": md},
            "fieldConfig": {"defaults": {"unit": "none"}, "overrides": []}, "_w": w, "_h": h}


def row(title):
    return {"type": "row", "title": title, "collapsed": False, "panels": [], "_w": 24, "_h": 1}


def layout(panels):
    """Places panels left to right, wrapping at 24 columns; a row starts a new line."""
    x = y = line_h = 0
    out = []
    for i, p in enumerate(panels, start=1):
        w, h = p.pop("_w"), p.pop("_h")
        if p["type"] == "row" or x + w > 24:
            y += line_h
            x, line_h = 0, 0
        p["gridPos"] = {"x": x, "y": y, "w": w, "h": h}
        p["id"] = i
        out.append(p)
        x += w
        line_h = max(line_h, h)
        if p["type"] == "row":
            y += 1
            x, line_h = 0, 0
    return out


UIDS = {
    "overview": "openim-overview",
    "discovery": "openim-discovery",
    "kafka": "openim-kafka",
    "seq": "openim-seq",
    "logs": "openim-logs",
    "exporter": "openim-exporter-self",
}


def dashboard(key, title, description, panels):
    return {
        "uid": UIDS[key],
        "title": title,
        "description": description,
        "tags": ["openim", "openim-exporter"],
        "editable": True,
        "graphTooltip": 1,
        "schemaVersion": 39,
        "version": 1,
        "refresh": "30s",
        "time": {"from": "now-3h", "to": "now"},
        "timepicker": {},
        "timezone": "",
        "fiscalYearStartMonth": 0,
        "liveNow": False,
        "weekStart": "",
        "annotations": {"list": [{
            "builtIn": 1, "datasource": {"type": "grafana", "uid": "-- Grafana --"}, "enable": True, "hide": True,
            "iconColor": "rgba(0, 211, 255, 1)", "name": "Annotations & Alerts", "type": "dashboard"}]},
        "links": [{"title": "OpenIM dashboards", "type": "dashboards", "tags": ["openim"], "asDropdown": True,
                   "includeVars": True, "keepTime": True, "icon": "external link", "targetBlank": False,
                   "tooltip": "", "url": ""},
                  {"title": "Runbooks", "type": "link", "url": RUNBOOK_INDEX, "icon": "doc", "targetBlank": True,
                   "asDropdown": False, "includeVars": False, "keepTime": False, "tags": [], "tooltip": ""}],
        "templating": {"list": variables()},
        "panels": layout(panels),
    }


# ---------------------------------------------------------------- shared pieces

KAFKA_STATUS = mapping({0: ("OK", GREEN), 1: ("WARN", YELLOW), 2: ("STALL", RED), 3: ("STOP", RED),
                        4: ("REWIND", ORANGE)})
LANE = mapping({0: ("OK", GREEN), 1: ("pending", YELLOW), 2: ("warning", ORANGE), 3: ("critical", RED)})
UP = mapping({0: ("down", RED), 1: ("up", GREEN)})

DRILL = {k: ("%s dashboard" % k, uid) for k, uid in UIDS.items()}


def lane(name, selectors):
    """0 OK, 1 an alert pending, 2 a warning firing, 3 a critical firing: the alerts' own conditions, via ALERTS."""
    def alerts(extra):
        return " or ".join('ALERTS{%s, %s, %s}' % (sel, ALERT_SEL, extra) for sel in selectors)
    expr = ('(3 * max(%s)) or (2 * max(%s)) or max(%s) or vector(0)'
            % (alerts('alertstate="firing", severity="critical"'), alerts('alertstate="firing", severity="warning"'),
               alerts('alertstate="pending", severity=~"critical|warning"')))
    return target(expr, name)


def lag_panels(group_re, label, w=8):
    sel = 'group=~"%s"' % group_re
    return [
        ts("%s lag (messages)" % label,
           "Messages the consumer group has not committed yet (max over exporter replicas). Normal: near 0, short "
           "bursts during large group chats. Orange from 1000 (OpenIMKafkaConsumerLagHigh fires after 10 min): "
           "check the consumer's logs and the Kafka dashboard.",
           "short", [("max by (%s, group, topic) (openim_kafka_consumergroup_lag_sum%s)" % (DEP, s(sel)),
                      "{{group}} {{topic}} {{namespace}}")],
           thresholds=steps(GREEN, (ORANGE, 1000)), alerts=("OpenIMKafkaConsumerLagHigh",), drill=(DRILL["kafka"],),
           w=w),
        ts("%s lag (seconds)" % label,
           "Age of the oldest message the group has not handled. Normal: 0-a few seconds. Red from 60 s "
           "(OpenIMKafkaConsumerLagSecondsHigh, critical after 5 min): users see messages that late.",
           "s", [("max by (%s, group, topic) (openim_kafka_consumergroup_lag_seconds%s)" % (DEP, s(sel)),
                  "{{group}} {{topic}} {{namespace}}")],
           thresholds=steps(GREEN, (RED, 60)), alerts=("OpenIMKafkaConsumerLagSecondsHigh",),
           drill=(DRILL["kafka"],), w=w),
    ]


def group_stats(group_re, label, w=4, h=5):
    sel = 'group=~"%s"' % group_re
    return [
        stat("%s status" % label,
             "Burrow-style verdict over the exporter's window: OK, WARN (lag not falling), STALL/STOP (lag and no "
             "commit: red, OpenIMKafkaConsumerStalled), REWIND. Normal: OK.",
             "none", [("max by (%s, group) (openim_kafka_consumergroup_status%s)" % (DEP, s(sel)), "{{group}}")],
             thresholds=steps(GREEN, (RED, 2)), mappings=KAFKA_STATUS, alerts=("OpenIMKafkaConsumerStalled",), w=w, h=h),
        stat("%s members" % label,
             "Consumers in the group. 0 (red) means nothing consumes the topic (OpenIMKafkaConsumerGroupEmpty): "
             "check that msgtransfer / push runs.",
             "short", [("max by (%s, group) (openim_kafka_consumergroup_members%s)" % (DEP, s(sel)), "{{group}}")],
             mappings=mapping({0: ("0 members", RED)}), alerts=("OpenIMKafkaConsumerGroupEmpty",), w=w, h=h),
    ]


def sig_rate(signature_re, by="service"):
    return ("sum by (%s, %s) (rate(openim_log_signature_total%s[%s]))"
            % (DEP, by, s('signature=~"%s"' % signature_re), RI))


BROKEN_PIPE_RATIO = ('sum by (%s) (rate(openim_log_signature_total%s[%s])) / clamp_min(sum by (%s) (online_user_num%s), 1)'
                     % (DEP, s('signature="broken_pipe"'), RI, DEP, s()))


def broken_pipe_ratio_panel(w=8):
    return ts("Broken pipes per online user",
              "msggateway's \"write: broken pipe\" per second divided by online users. A client that goes away "
              "causes one, so some is normal (guide 2.5: usually not a server fault). Orange from 0.002/s per user "
              "(OpenIMBrokenPipeSpike also needs > 1/s in total): check load balancer idle timeouts and gateway load.",
              "short", [(BROKEN_PIPE_RATIO, "{{namespace}}")], thresholds=steps(GREEN, (ORANGE, 0.002)),
              alerts=("OpenIMBrokenPipeSpike",), drill=(DRILL["logs"],), w=w)


def lease_panel(w=8):
    return ts("Lowest etcd lease TTL per service",
              "OpenIM keeps 30 s leases alive about every 10 s, so 20-30 s is normal. Red below 10 s "
              "(OpenIMEtcdLeaseExpiring after 5 min): keep-alives fail; check etcd latency and the service's logs.",
              "s", [("min by (%s, service) (openim_discovery_lease_ttl_seconds%s)" % (DEP, s()), "{{service}}")],
              thresholds=steps(RED, (GREEN, 10)), alerts=("OpenIMEtcdLeaseExpiring",), w=w)


def addresses_panel(w=8):
    return ts("Addresses per service",
              "Addresses a gRPC client resolves per registry and service. 0 (red) is the \"produced zero addresses\" "
              "outage (OpenIMServiceZeroAddresses): restart or re-register the service, see the runbook.",
              "short", [("max by (%s, registry, service) (openim_discovery_endpoints%s)" % (DEP, s()),
                         "{{registry}} {{service}}")],
              mappings=mapping({0: ("zero addresses", RED)}), alerts=("OpenIMServiceZeroAddresses",),
              drill=(DRILL["discovery"],), w=w)


def seq_state_stat(state, alert, color):
    return stat("Conversations %s" % state,
                "Conversations the seq check classifies %s (max over replicas). Normal: 0. From 1 the %s alert "
                "builds up; the seq dashboard lists the worst conversations." % (state, alert),
                "short", [("max by (%s) (openim_seq_conversations%s)" % (DEP, s('state="%s"' % state)), "{{namespace}}")],
                thresholds=steps(GREEN, (color, 1)), alerts=(alert,), drill=(DRILL["seq"],))


# ---------------------------------------------------------------- overview

def overview():
    p = [row("Status: the guide's stages (ACK troubleshooting guide §2)")]
    p.append(text("How to read this page", (
        "Top to bottom this page follows the ACK troubleshooting guide §2: **API → RPC and discovery → Kafka "
        "toRedis → msgtransfer/Redis → toMongo/MongoDB → push → msggateway**. The timeline shows each stage: "
        "green OK, yellow an alert pending, orange a warning firing, red a critical alert firing (the alert rules' "
        "own conditions, read from `ALERTS`; the API lane uses http_count 5xx because no rule covers it). "
        "Start at the first stage that is not green, then open its row below.\n\n"
        "Drill-downs, keeping the time range and variables (also top right, *OpenIM dashboards*): "
        + " · ".join("[%s](/d/%s?${__url_time_range}&${__all_variables})" % (name, uid) for name, uid in (
            ("discovery", "openim-discovery"), ("kafka", "openim-kafka"), ("seq", "openim-seq"),
            ("logs", "openim-logs"), ("exporter", "openim-exporter-self")))
        + " · [runbooks](%s)" % RUNBOOK_INDEX), w=8, h=9))
    api_lane = target(
        '(3 * (sum(rate(http_count%s[%s])) / clamp_min(sum(rate(http_count%s[%s])), 1e-9) > 0.05)) '
        'or (0 * sum(rate(http_count%s[%s]))) or vector(0)'
        % (s('status=~"5.."'), RI, s(), RI, s(), RI), "API (2.1)")
    p.append(timeline("Stages of the guide", (
        "One lane per stage of the guide's flow. Green: no alert; yellow: an alert pending (its `for:` running); "
        "orange: a warning firing; red: a critical alert firing (API: over 5% HTTP 5xx). Needs the alert rules "
        "loaded in this Prometheus (ALERTS). The first non-green lane from the top is where to look."),
        "none", [
            api_lane,
            lane("RPC and discovery (2.2)", ['alertname=~"OpenIMServiceZeroAddresses|OpenIMServiceNoHealthyEndpoints|'
                                             'OpenIMRegisteredEndpointDown|OpenIMRegistryDrift|OpenIMEtcdLeaseExpiring|'
                                             'OpenIMDiscoveryFlapping|OpenIMResolverZeroAddressesLogged"']),
            lane("Kafka toRedis (2.3)", ['alertname=~"OpenIMKafka.*", group="redis"',
                                         'alertname="OpenIMKafkaConsumeErrors", service=~".*transfer.*"']),
            lane("msgtransfer / Redis (2.4)", ['alertname="OpenIMSeqAllocatorAhead"',
                                               'alertname="OpenIMMsgPersistErrors", signature="redis_insert_error"']),
            lane("toMongo / MongoDB (2.4)", ['alertname=~"OpenIMKafka.*", group="mongo"',
                                             'alertname=~"OpenIMSeqMongoBehind|OpenIMMsgInsertFailed|OpenIMSeqSweepStale"',
                                             'alertname="OpenIMMsgPersistErrors", signature="mongo_insert_error"']),
            lane("push (2.5)", ['alertname=~"OpenIMKafka.*", group=~"push|offlinePush"',
                                'alertname="OpenIMKafkaConsumeErrors", service=~".*push.*"']),
            lane("msggateway (2.5)", ['alertname="OpenIMBrokenPipeSpike"',
                                      'alertname="OpenIMResolverZeroAddressesLogged", service=~".*gateway.*"']),
        ], mappings=LANE, thresholds=steps(GREEN, (YELLOW, 1), (ORANGE, 2), (RED, 3)), w=16, h=9,
        drill=tuple(DRILL[k] for k in ("discovery", "kafka", "seq", "logs"))))
    p[-1]["links"].insert(0, link("Runbooks", RUNBOOK_INDEX, True))
    # the verdict of alerts/openim-pipeline.rules.yml, one value per stage in the guide's order
    # a recording rule keeps only cluster, namespace and stage: no job/instance to select on
    verdict = [("min by (%s) (openim:pipeline_stage_healthy{stage=\"%s\", %s})" % (DEP, st, ALERT_SEL), "%s (%s) {{namespace}}" % (st, step))
               for st, step in (("api", "2.1"), ("rpc", "2.2"), ("kafka", "2.3"), ("persistence", "2.4"), ("push", "2.5"))]
    p.append(stat("The guide's verdict, stage by stage", (
        "openim:pipeline_stage_healthy per stage in the guide's order: 1 healthy, 0 evidence of a fault. "
        "OpenIMPipelineBroken pages with the first stage at 0: fix that one first, the later ones are often its "
        "symptoms. api and push need OpenIM's own metrics; without them they read healthy. Needs "
        "alerts/openim-pipeline.rules.yml loaded in this Prometheus."), "none", verdict,
        mappings=mapping({1: ("healthy", GREEN), 0: ("broken", RED)}), thresholds=steps(RED, (GREEN, 1)),
        alerts=("OpenIMPipelineBroken",), w=24, h=4))
    alerts_table = table("OpenIM alerts (firing and pending)", (
        "Every OpenIM alert now firing or pending, from this Prometheus' ALERTS series. Empty is normal. Click an "
        "alert name for its runbook."), "none",
        ['max by (alertname, alertstate, severity, cluster, namespace, service, registry, group, topic, signature, '
         'source, check) (ALERTS{alertname=~"OpenIM.*", %s})' % ALERT_SEL], w=24, h=6,
        overrides=[{"matcher": {"id": "byName", "options": "alertname"}, "properties": [{"id": "links", "value": [
            {"title": "Runbook", "url": "https://github.com/openim-exporter/openim-exporter/blob/main/docs/runbooks/"
                                        "${__value.text}.md", "targetBlank": True}]}]}])
    alerts_table["links"] = [link("Runbooks", RUNBOOK_INDEX, True)]
    p.append(alerts_table)

    # 2.1 API
    p.append(row("2.1 API (openim-api)"))
    p.append(text("Guide 2.1", "`kubectl logs deploy/openim-api`: do login and send requests return 200? "
                  "`token invalid` or `rpc timeout` point at configuration or network first.", w=4, h=8))
    p.append(ts("HTTP requests by status",
                "OpenIM's http_count (openim-api) per HTTP status. Normal: nearly all 200. Many 5xx: the API cannot "
                "reach an RPC service (see 2.2) or a store.", "reqps",
                [("sum by (%s, status) (rate(http_count%s[%s]))" % (DEP, s(), RI), "{{status}}")], w=7))
    p.append(ts("API calls by OpenIM error code",
                "OpenIM's api_count per errCode (0 = success; 1501-1507 token problems, 1502 invalid token, "
                "1506 kicked). A rise of one code with the same path points at that API.", "reqps",
                [("sum by (%s, code) (rate(api_count%s[%s]))" % (DEP, s(), RI), "{{code}}")], w=7))
    p.append(stat("HTTP 5xx share",
                  "Share of openim-api responses with a 5xx status. Normal: 0. Orange from 5%: no alert covers this "
                  "stage yet; read the API's logs for the RPC it calls.", "percentunit",
                  [((" (sum by (%s) (rate(http_count%s[%s])) or vector(0)) / clamp_min(sum by (%s) (rate(http_count%s[%s])), 1e-9)"
                     % (DEP, s('status=~"5.."'), RI, DEP, s(), RI)).strip(), "{{namespace}}")],
                  thresholds=steps(GREEN, (ORANGE, 0.05)), w=3, h=8))
    p.append(stat("Logins per second",
                  "OpenIM's user_login_total (auth RPC). Normal: your users' usual rate; 0 while users are online "
                  "means logins fail before auth.", "ops",
                  [("sum by (%s) (rate(user_login_total%s[%s]))" % (DEP, s(), RI), "{{namespace}}")], w=3, h=8))

    # 2.2 RPC and discovery
    p.append(row("2.2 RPC and service discovery (openim-rpc-*)"))
    p.append(text("Guide 2.2", "`kubectl logs` of openim-rpc-msg and openim-rpc-group: `MsgToMongoMQ error`, `redis set "
                  "failed` mean the producer side fails. \"produced zero addresses\" means a service resolves to "
                  "nothing: see addresses per service.", w=4, h=8))
    p.append(ts("RPC calls by service",
                "OpenIM's rpc_count per service name (rpc_count{name,path,code}). Normal: steady; a service dropping "
                "to 0 while others go on is not being called or not registered.", "reqps",
                [("sum by (%s, name) (rate(rpc_count%s[%s]))" % (DEP, s(), RI), "{{name}}")], w=5))
    p.append(ts("RPC errors (code != 0)",
                "rpc_count answers with a gRPC status code other than 0 (OK), by service and code: 14 Unavailable, 4 "
                "DeadlineExceeded, -1 an error without a status. Normal: near 0; a steady code on one service is "
                "where to read logs.", "reqps",
                [("sum by (%s, name, code) (rate(rpc_count%s[%s]))" % (DEP, s('code!="0"'), RI), "{{name}} {{code}}")],
                w=5))
    p.append(addresses_panel(w=5))
    p.append(ts("Messages accepted by msg RPC",
                "OpenIM's single/group_chat_msg_process_{success,failed}_total (msg RPC, failed also counts push's "
                "failed writes to toOfflinePush). Normal: failed near 0; success follows your traffic.", "ops",
                [("sum by (%s) (rate(single_chat_msg_process_success_total%s[%s]))" % (DEP, s(), RI), "single ok"),
                 ("sum by (%s) (rate(group_chat_msg_process_success_total%s[%s]))" % (DEP, s(), RI), "group ok"),
                 ("sum by (%s) (rate(single_chat_msg_process_failed_total%s[%s]))" % (DEP, s(), RI), "single failed"),
                 ("sum by (%s) (rate(group_chat_msg_process_failed_total%s[%s]))" % (DEP, s(), RI), "group failed")],
                w=5))
    p.append(stat("Unanswering registered addresses",
                  "Registered addresses that fail the exporter's probe (stale registrations). Normal: 0. Red: "
                  "callers send part of their calls to a dead address (OpenIMRegisteredEndpointDown).", "short",
                  [("count by (%s) (max by (%s, registry, service, address) (openim_discovery_endpoint_up%s) == 0) or vector(0)"
                    % (DEP, DEP, s()), "{{namespace}}")],
                  thresholds=steps(GREEN, (RED, 1)), alerts=("OpenIMRegisteredEndpointDown",),
                  drill=(DRILL["discovery"],), w=12, h=4))
    p.append(stat("\"zero addresses\" log lines/s",
                  "Callers logging grpc's \"produced zero addresses\". Normal: 0. Red: a service resolves to nothing "
                  "from the callers' side (OpenIMResolverZeroAddressesLogged).", "ops",
                  [("sum by (%s) (rate(openim_log_signature_total%s[%s])) or vector(0)"
                    % (DEP, s('signature="zero_addresses"'), RI), "{{namespace}}")],
                  thresholds=steps(GREEN, (RED, 0.001)), alerts=("OpenIMResolverZeroAddressesLogged",), w=12, h=4))

    # 2.3 Kafka toRedis
    p.append(row("2.3 Kafka toRedis and consumers (msgtransfer group redis)"))
    p.append(text("Guide 2.3", "`kubectl logs deploy/openim-msgtransfer`: `consume err` / \"will retry in 5 seconds\" "
                  "is a real Kafka problem; \"Subscribe returned normally\" is normal. Lag: "
                  "`kafka-consumer-groups.sh --describe`, shown here.", w=4, h=8))
    p.extend(lag_panels("redis", "toRedis", w=5))
    p.append(ts("Kafka consumer errors logged",
                "consume err / historyConsumer err / subscribe err / \"will retry in 5 seconds\" per service. Normal: "
                "a few during a rebalance. Steady lines: OpenIMKafkaConsumeErrors; check the brokers and the "
                "consumer's network.", "ops",
                [(sig_rate("consume_error|kafka_retry"), "{{service}}")], alerts=("OpenIMKafkaConsumeErrors",), w=4))
    p.extend(group_stats("redis", "redis group", w=3, h=8))

    # 2.4 msgtransfer / Redis
    p.append(row("2.4 msgtransfer and Redis (seq allocation)"))
    p.append(text("Guide 2.4", "Take a conversationId and seq and look in Redis and Mongo. Redis missing the newest "
                  "seq means msgtransfer did not write it: back to the consumer logs. "
                  "`openim-exporter diagnose seq <cid>` does this check.", w=4, h=8))
    p.append(seq_state_stat("allocator_ahead", "OpenIMSeqAllocatorAhead", RED) | {"_w": 5, "_h": 8})
    p.append(stat("Conversations redis_missing",
                  "Conversations with no MALLOC_SEQ key in Redis. Alone no evidence of a fault (OpenIM rebuilds the "
                  "key from Mongo), so never red; rising together with toRedis lag means msgtransfer is not writing.",
                  "short", [("max by (%s) (openim_seq_conversations%s)" % (DEP, s('state="redis_missing"')), "{{namespace}}")],
                  thresholds=steps(BLUE), w=5, h=8))
    p.append(ts("Seq writes failed and Redis insert errors",
                "OpenIM's seq_set_failed_total (msgtransfer) and the log line \"batch data insert to redis err\" "
                "(the only trace of a Redis insert failure since v3.8.3). Normal: 0.", "ops",
                [("sum by (%s) (rate(seq_set_failed_total%s[%s]))" % (DEP, s(), RI), "seq_set_failed"),
                 (sig_rate("redis_insert_error"), "redis insert error {{service}}")],
                alerts=("OpenIMMsgInsertFailed", "OpenIMMsgPersistErrors"), w=10))

    # 2.4 toMongo / Mongo
    p.append(row("2.4 Kafka toMongo and MongoDB (msgtransfer group mongo)"))
    p.append(text("Guide 2.4", "History comes from MongoDB: a toMongo consumer that stalls leaves Redis ahead of Mongo "
                  "(mongo_behind), and clients pulling history miss messages.", w=4, h=8))
    p.extend(lag_panels("mongo", "toMongo", w=5))
    p.append(ts("Mongo inserts (msgtransfer)",
                "OpenIM's msg_insert_mongo_{success,failed}_total. Normal: failed 0 (OpenIMMsgInsertFailed fires on "
                "any), success follows traffic; success flat while lag grows means the consumer is stuck.", "ops",
                [("sum by (%s) (rate(msg_insert_mongo_success_total%s[%s]))" % (DEP, s(), RI), "success"),
                 ("sum by (%s) (rate(msg_insert_mongo_failed_total%s[%s]))" % (DEP, s(), RI), "failed"),
                 (sig_rate("mongo_insert_error"), "logged: {{service}}")],
                alerts=("OpenIMMsgInsertFailed", "OpenIMMsgPersistErrors"), w=4))
    p.append(seq_state_stat("mongo_behind", "OpenIMSeqMongoBehind", ORANGE) | {"_w": 3, "_h": 8})
    p.extend(group_stats("mongo", "mongo group", w=3, h=8)[:1])

    # 2.5 push
    p.append(row("2.5 push (groups push, offlinePush)"))
    p.append(text("Guide 2.5", "`kubectl logs deploy/push-rpc-server`: push RPC failures and timeouts; vendor "
                  "certificates and rate limits can hold pushes back.", w=4, h=8))
    p.extend(lag_panels("push|offlinePush", "push", w=5))
    p.append(ts("Offline push failures and slow pushes",
                "OpenIM's msg_offline_push_failed_total and msg_long_time_push_total (pushes over 10 s). Normal: near "
                "0; a steady rate points at the vendor push service or its certificates.", "ops",
                [("sum by (%s) (rate(msg_offline_push_failed_total%s[%s]))" % (DEP, s(), RI), "offline push failed"),
                 ("sum by (%s) (rate(msg_long_time_push_total%s[%s]))" % (DEP, s(), RI), "push > 10 s")], w=4))
    p.extend(group_stats("push|offlinePush", "push groups", w=3, h=8))

    # 2.5 msggateway
    p.append(row("2.5 msggateway (websocket gateway)"))
    p.append(text("Guide 2.5", "`kubectl logs deploy/messagegateway-rpc-server`: many `write: broken pipe` are usually "
                  "clients going away, not a server fault: judge them per online user.", w=4, h=8))
    p.append(ts("Online users",
                "OpenIM's online_user_num, summed over gateways (on main every process exports it, as 0 except the "
                "gateways). Normal: your usual daily curve; a cliff is a gateway restart or network cut.", "short",
                [("sum by (%s) (online_user_num%s)" % (DEP, s()), "{{namespace}}")], w=6))
    p.append(ts("Broken pipes per second",
                "\"write: broken pipe\" lines per second per service. Compare with online users; the ratio panel "
                "is what the alert judges.", "ops", [(sig_rate("broken_pipe"), "{{service}}")], w=7))
    p.append(broken_pipe_ratio_panel(w=7))

    # resources
    p.append(row("Resources (guide §5: kubectl top, Prometheus/Grafana CPU and memory)"))
    p.append(ts("CPU by pod (cAdvisor)",
                "container_cpu_usage_seconds_total per pod, in cores. Empty without cAdvisor (not Kubernetes): use "
                "the process CPU panel. A pod at its CPU limit delays every stage after it.", "short",
                [("sum by (%s, pod) (rate(container_cpu_usage_seconds_total{cluster=~\"$cluster\", namespace=~\"$namespace\", "
                  "container!=\"\", pod=~\".*openim.*\"}[%s]))" % (DEP, RI), "{{pod}}")], w=6))
    p.append(ts("Memory by pod (cAdvisor)",
                "container_memory_working_set_bytes per pod (what kubectl top shows and the OOM killer judges). "
                "Empty without cAdvisor.", "bytes",
                [("sum by (%s, pod) (container_memory_working_set_bytes{cluster=~\"$cluster\", namespace=~\"$namespace\", "
                  "container!=\"\", pod=~\".*openim.*\"})" % DEP, "{{pod}}")], w=6))
    p.append(ts("Container restarts (kube-state-metrics)",
                "Restarts in the window per pod, from kube-state-metrics. Normal: 0. Empty without "
                "kube-state-metrics. Restarts of msgtransfer or push show as consumer-group rebalances.", "short",
                [("sum by (%s, pod) (increase(kube_pod_container_status_restarts_total{cluster=~\"$cluster\", "
                  "namespace=~\"$namespace\", pod=~\".*openim.*\"}[$__range]))" % DEP, "{{pod}}")], w=4))
    p.append(ts("Process CPU (cores)",
                "process_cpu_seconds_total of every scraped OpenIM process and exporter, by job, in cores: works "
                "without Kubernetes. A process pinned at its CPU limit delays the stages after it.", "short",
                [("sum by (%s, job) (rate(process_cpu_seconds_total%s[%s]))" % (DEP, s(), RI), "{{job}} cpu")],
                overrides=[], w=4))
    p.append(ts("Process resident memory",
                "process_resident_memory_bytes by job (OpenIM's Go processes and the exporter). A steady climb "
                "without traffic growth is a leak.", "bytes",
                [("sum by (%s, job) (process_resident_memory_bytes%s)" % (DEP, s()), "{{job}}")], w=4))
    return dashboard("overview", "OpenIM / Overview",
                     "OpenIM health following the ACK troubleshooting guide's layered flow, with drill-downs.", p)


# ---------------------------------------------------------------- discovery

def discovery():
    p = [row("Addresses per service")]
    p.append(addresses_panel(w=12))
    p.append(table("Addresses now, per registry and service",
                   "The same count as a table. 0 is the outage; a service missing here is not watched "
                   "(check discovery.services / the generation).", "short",
                   ["max by (%s, registry, service) (openim_discovery_endpoints%s)" % (DEP, s())],
                   mappings=mapping({0: ("zero addresses", RED)}), alerts=("OpenIMServiceZeroAddresses",)))
    p.append(row("Endpoint health"))
    p.append(table("Registered addresses that do not answer",
                   "Each registered address failing the exporter's TCP/gRPC probe (value 0). Normal: empty. A listed "
                   "address is a stale registration; all addresses of a service listed is "
                   "OpenIMServiceNoHealthyEndpoints.", "short",
                   ["max by (%s, registry, service, address) (openim_discovery_endpoint_up%s) == 0" % (DEP, s())],
                   mappings=UP, alerts=("OpenIMRegisteredEndpointDown", "OpenIMServiceNoHealthyEndpoints")))
    p.append(ts("Answering addresses per service",
                "Addresses answering the probe, per service. Falling to 0 while addresses are registered means "
                "every call fails (OpenIMServiceNoHealthyEndpoints).", "short",
                [("sum by (%s, registry, service) (max by (%s, registry, service, address) (openim_discovery_endpoint_up%s))"
                  % (DEP, DEP, s()), "{{registry}} {{service}}")],
                mappings=mapping({0: ("none answers", RED)}), alerts=("OpenIMServiceNoHealthyEndpoints",), w=12))
    p.append(row("Registries: drift, leases, changes"))
    p.append(ts("Addresses registered in one registry only",
                "Addresses of a service present only in the registry named by only_in (etcd vs ZooKeeper). Normal: "
                "0 or no series; non-zero during a ZooKeeper-to-etcd migration (OpenIMRegistryDrift).", "short",
                [("max by (%s, service, only_in) (openim_discovery_drift_endpoints%s)" % (DEP, s()),
                  "{{service}} only in {{only_in}}")], alerts=("OpenIMRegistryDrift",)))
    p.append(lease_panel())
    p.append(ts("Registration changes in 15 min",
                "Registrations plus deregistrations per service over 15 minutes, the alert's own window. A rolling "
                "restart of N pods makes 2N; OpenIMDiscoveryFlapping needs more than 10 and 3 per address.", "short",
                [("max by (%s, registry, service) (increase(openim_discovery_changes_total%s[15m]))" % (DEP, s()),
                  "{{registry}} {{service}}")], alerts=("OpenIMDiscoveryFlapping",)))
    p.append(ts("Invalid registry entries",
                "Entries that resolve to no address (unparsable value, empty data). Normal: 0.", "short",
                [("max by (%s, registry, service) (openim_discovery_invalid_entries%s)" % (DEP, s()),
                  "{{registry}} {{service}}")]))
    p.append(table("Watched registries",
                   "Registries the exporter watches and the OpenIM generation whose service names it checks. "
                   "ZooKeeper in this list is OpenIMZooKeeperDiscoveryInUse (info): migrate to etcd.", "none",
                   ["max by (%s, registry, generation) (openim_discovery_registry_info%s)" % (DEP, s())],
                   alerts=("OpenIMZooKeeperDiscoveryInUse",), w=8))
    p.append(ts("\"produced zero addresses\" logged, by caller",
                "Callers logging grpc's resolver error: discovery seen from the callers' side. Normal: 0.", "ops",
                [(sig_rate("zero_addresses"), "{{service}}")], alerts=("OpenIMResolverZeroAddressesLogged",)))
    return dashboard("discovery", "OpenIM / Discovery",
                     "Service discovery as OpenIM's gRPC clients see it: addresses, health, drift, leases.", p)


# ---------------------------------------------------------------- kafka

def kafka():
    p = [row("Lag per group and topic")]
    p.extend(lag_panels(".*", "All groups", w=12))
    p.append(row("Status, members, state"))
    p.append(timeline("Group status over time",
                      "Burrow-style status per group: OK, WARN, STALL and STOP (red: lag with no commits, "
                      "OpenIMKafkaConsumerStalled), REWIND.", "none",
                      [("max by (%s, group) (openim_kafka_consumergroup_status%s)" % (DEP, s()), "{{group}}")],
                      mappings=KAFKA_STATUS, thresholds=steps(GREEN, (RED, 2)), alerts=("OpenIMKafkaConsumerStalled",),
                      w=12, h=8))
    p.append(ts("Members per group",
                "Consumers in each group. 0 (red) on redis, mongo, push or offlinePush means msgtransfer or push does "
                "not consume (OpenIMKafkaConsumerGroupEmpty).", "short",
                [("max by (%s, group) (openim_kafka_consumergroup_members%s)" % (DEP, s()), "{{group}}")],
                mappings=mapping({0: ("0 members", RED)}), alerts=("OpenIMKafkaConsumerGroupEmpty",), w=6))
    p.append(table("Group state",
                   "Kafka's state of each group: Stable is normal, Empty has no members, Dead never existed (e.g. "
                   "offlinePush before v3.8.1), PreparingRebalance/CompletingRebalance are transitions.", "none",
                   ["max by (%s, group, state) (openim_kafka_consumergroup_state%s) == 1" % (DEP, s())], w=6))
    p.append(row("Partitions and topics"))
    p.append(ts("Partitions without a committed offset",
                "Partitions the group never committed: their lag is not counted. Normal: 0 once the group has run.",
                "short", [("max by (%s, group, topic) (openim_kafka_consumergroup_uncommitted_partitions%s)" % (DEP, s()),
                           "{{group}} {{topic}}")], w=6))
    p.append(ts("Partitions behind the log start",
                "Committed offset below the log start: retention deleted messages the group never read (lost "
                "messages). Normal: 0.", "short",
                [("max by (%s, group, topic) (openim_kafka_consumergroup_offset_out_of_range_partitions%s)" % (DEP, s()),
                  "{{group}} {{topic}}")], w=6))
    p.append(ts("Topic write rate",
                "Messages written per second per topic (rate of the summed log-end offsets): OpenIM's traffic into "
                "each stage.", "ops",
                [("max by (%s, topic) (rate(openim_kafka_topic_log_end_offset_sum%s[%s]))" % (DEP, s(), RI), "{{topic}}")],
                w=6))
    p.append(table("Worst partitions",
                   "The 10 partitions with most lag. One partition far ahead of the others: a poisoned message or a "
                   "hot key.", "short",
                   ["topk(10, max by (%s, group, topic, partition) (openim_kafka_consumergroup_lag%s))" % (DEP, s())],
                   w=6))
    p.append(ts("Broker read errors and dropped series",
                "openim_kafka_error (1 with a reason while the broker cannot be read) and partition series left out "
                "by kafka.maxSeries. Normal: no error series, 0 dropped.", "short",
                [("max by (%s, reason) (openim_kafka_error%s)" % (DEP, s()), "error {{reason}}"),
                 ("max by (%s) (openim_kafka_series_dropped%s)" % (DEP, s()), "dropped series")], w=12))
    p.append(ts("Where the lag in seconds comes from",
                "Lagging (group, partition) pairs whose lag in seconds is the age of the record at the committed offset "
                "(timestamp) or interpolated from the log-end history (interpolated), and why interpolated: deleted "
                "(by retention), unauthorized (the exporter's principal has no Read on the topic: see "
                "docs/kafka-lag.md for the ACLs), over_budget (more lagging partitions than kafka.lagTimestamps "
                "allows a cycle), no_record, error. Normal: timestamp only.", "short",
                [("max by (%s, source) (openim_kafka_lag_seconds_source%s)" % (DEP, s()), "{{source}}"),
                 ("max by (%s, reason) (openim_kafka_lag_seconds_fallback%s)" % (DEP, s()), "interpolated: {{reason}}")],
                w=12))
    p.append(ts("Kafka consumer errors logged",
                "Consumer loop errors per service from the logs (consume err, will retry in 5 seconds). \"Subscribe "
                "returned normally\" is normal and not counted here.", "ops",
                [(sig_rate("consume_error|kafka_retry"), "{{service}}")], alerts=("OpenIMKafkaConsumeErrors",), w=12))
    return dashboard("kafka", "OpenIM / Kafka",
                     "OpenIM's Kafka pipeline (toRedis, toMongo, toPush, toOfflinePush): lag, status, members.", p)


# ---------------------------------------------------------------- seq

def seq():
    p = [row("States")]
    p.append(seq_state_stat("allocator_ahead", "OpenIMSeqAllocatorAhead", RED) | {"_h": 8})
    p.append(seq_state_stat("mongo_behind", "OpenIMSeqMongoBehind", ORANGE) | {"_h": 8})
    p.append(stat("Conversations redis_missing",
                  "No MALLOC_SEQ key in Redis: rebuilt lazily from Mongo, so no fault alone (never red).", "short",
                  [("max by (%s) (openim_seq_conversations%s)" % (DEP, s('state="redis_missing"')), "{{namespace}}")],
                  thresholds=steps(BLUE), h=8))
    p.append(ts("Conversations by state",
                "Conversations per seq state over time (max over replicas). ok is the bulk; allocator_ahead (Redis "
                "above Mongo seq.max_seq) and mongo_behind (not persisted) are faults; stalled means CURR did not move "
                "while messages were sent.", "short",
                [("max by (%s, state) (openim_seq_conversations%s)" % (DEP, s('state!="ok"')), "{{state}}")],
                alerts=("OpenIMSeqMongoBehind", "OpenIMSeqAllocatorAhead"), w=12))
    p.append(row("Worst conversations"))
    p.append(table("Worst conversations",
                   "The K worst conversations with their gap (CURR minus highest persisted seq, or minus seq.max_seq). "
                   "Run `openim-exporter diagnose seq <conversation_id>` on one of them.", "short",
                   ["topk(20, max by (%s, conversation_id, kind) (openim_seq_gap%s))" % (DEP, s())], w=12))
    p.append(ts("Largest gap by kind",
                "The largest gap of any conversation per kind. Growing: messages pile up unpersisted.", "short",
                [("max by (%s, kind) (openim_seq_gap_max%s)" % (DEP, s()), "{{kind}}")], w=12))
    p.append(row("Sweep and Redis budget"))
    p.append(ts("Sweep progress",
                "Share of the current full sweep done (1 when idle after one). Stuck below 1: a store error or a "
                "budget too small for the key count.", "percentunit",
                [("min by (%s, instance) (openim_seq_sweep_progress_ratio%s)" % (DEP, s()), "{{instance}}")]))
    p.append(ts("Time since the last full sweep",
                "Seconds since a replica last completed its full sweep. Red from 2 h (OpenIMSeqSweepStale): the long "
                "tail of conversations is not checked.", "s",
                [("time() - max by (%s, instance) (openim_seq_sweep_last_completed_timestamp_seconds%s)" % (DEP, s()),
                  "{{instance}}")], thresholds=steps(GREEN, (ORANGE, 7200)), alerts=("OpenIMSeqSweepStale",)))
    p.append(ts("Conversations checked per second (Redis reads)",
                "Conversations read from Redis and checked against Mongo per second: what the seq check spends of "
                "its operations-per-second budget (seq.budget). Flat at the budget with a sweep that never "
                "completes: raise the budget or shard.", "ops",
                [("sum by (%s, instance) (rate(openim_seq_scanned_total%s[%s]))" % (DEP, s(), RI), "{{instance}}")]))
    p.append(ts("Sweep duration and tracked conversations",
                "Duration of the last full sweep; conversations kept in memory and re-checked every cycle.", "s",
                [("max by (%s, instance) (openim_seq_sweep_duration_seconds%s)" % (DEP, s()), "sweep {{instance}}")],
                w=12))
    p.append(ts("Tracked conversations",
                "Conversations re-checked every cycle (non-ok ones and the hot set), at most seq.maxTracked.", "short",
                [("max by (%s, instance) (openim_seq_tracked_conversations%s)" % (DEP, s()), "{{instance}}")], w=12))
    return dashboard("seq", "OpenIM / Seq consistency",
                     "Redis seq allocator against MongoDB per conversation (guide step 2.4).", p)


# ---------------------------------------------------------------- logs

def logs():
    p = [row("Signatures")]
    p.append(ts("Signature lines per second, by service",
                "Lines per second holding each of the guide's strings, per OpenIM service. subscribe_returned_normally "
                "is normal (ACK guide §4); the others are faults when steady.", "ops",
                [(sig_rate(".+", by="service, signature"), "{{service}} {{signature}}")], w=24))
    p.append(broken_pipe_ratio_panel(w=12))
    p.append(ts("Persist errors logged",
                "\"batch data insert to mongo/redis err\", \"Msg To MongoDB MQ error\" per service. Normal: 0; "
                "OpenIMMsgPersistErrors fires on more than 3 in 5 min.", "ops",
                [(sig_rate("mongo_insert_error|redis_insert_error", by="service, signature"), "{{service}} {{signature}}")],
                alerts=("OpenIMMsgPersistErrors",), w=12))
    p.append(row("Lines and sources"))
    p.append(ts("Lines by level",
                "Log lines per second per service and level. A jump in ERROR lines with no signature is worth a look "
                "in the log itself.", "ops",
                [("sum by (%s, service, level) (rate(openim_log_lines_total%s[%s]))" % (DEP, s(), RI),
                  "{{service}} {{level}}")], w=12))
    p.append(ts("Seconds since the last line",
                "Per followed source. Normal: seconds. Orange from 30 min (OpenIMLogsSilent): OpenIM stopped writing "
                "or the exporter reads the wrong place.", "s",
                [("time() - max by (%s, source) (openim_log_last_line_timestamp_seconds%s)" % (DEP, s()), "{{source}}")],
                thresholds=steps(GREEN, (ORANGE, 1800)), alerts=("OpenIMLogsSilent",), w=12))
    p.append(ts("Files followed",
                "Files matching each source. 0 (red) means no file matches (OpenIMLogsSilent).", "short",
                [("max by (%s, source) (openim_log_files_followed%s)" % (DEP, s()), "{{source}}")],
                mappings=mapping({0: ("no file", RED)}), alerts=("OpenIMLogsSilent",)))
    p.append(ts("Read errors and bytes read",
                "Files or directories that could not be read per second (normal 0), and bytes read per second.",
                "ops",
                [("sum by (%s, source) (rate(openim_log_read_errors_total%s[%s]))" % (DEP, s(), RI), "errors {{source}}")]))
    p.append(ts("Bytes read",
                "Bytes of whole lines read per second from each source.", "Bps",
                [("sum by (%s, source) (rate(openim_log_bytes_read_total%s[%s]))" % (DEP, s(), RI), "{{source}}")]))
    return dashboard("logs", "OpenIM / Logs",
                     "The troubleshooting guides' log strings, counted as rates per OpenIM service.", p)


# ---------------------------------------------------------------- exporter

def exporter():
    p = [row("Sources and checks")]
    p.append(ts("Source up",
                "1 when the source (etcd, zookeeper, kafka, redis, mongo, logs) answered in the last cycle. 0 (red): "
                "the checks reading it publish nothing (OpenIMExporterSourceDown after 5 min).", "none",
                [("max by (%s, source) (openim_exporter_source_up%s)" % (DEP, s()), "{{source}}")],
                mappings=UP, alerts=("OpenIMExporterSourceDown",), w=12))
    p.append(ts("Seconds since each check's last success",
                "Per exporter instance and check. Normal: about one interval (15 s default). Orange from 300 s "
                "(OpenIMExporterCheckStale).", "s",
                [("time() - max by (%s, instance, check) (openim_exporter_last_success_timestamp_seconds%s)" % (DEP, s()),
                  "{{instance}} {{check}}")], thresholds=steps(GREEN, (ORANGE, 300)),
                alerts=("OpenIMExporterCheckStale",), w=12))
    p.append(ts("Check duration",
                "Duration of each check's last cycle. Compare with the check's timeout in the exporter config "
                "(discovery.timeout etc., not exported as a metric): near it, cycles start timing out.", "s",
                [("max by (%s, instance, check) (openim_exporter_check_duration_seconds%s)" % (DEP, s()),
                  "{{instance}} {{check}}")]))
    p.append(ts("Check errors per second",
                "Cycles that failed, timed out or found a source down. Normal: 0.", "ops",
                [("sum by (%s, instance, check) (rate(openim_exporter_check_errors_total%s[%s]))" % (DEP, s(), RI),
                  "{{instance}} {{check}}")]))
    p.append(ts("Check runs per second",
                "Cycles run per second per check: 1/interval when healthy.", "ops",
                [("sum by (%s, instance, check) (rate(openim_exporter_check_runs_total%s[%s]))" % (DEP, s(), RI),
                  "{{instance}} {{check}}")]))
    p.append(row("Scrape and JVM"))
    p.append(ts("Scrape size and duration",
                "Samples per scrape of the exporter (Prometheus' scrape_samples_scraped). A jump means a label "
                "exploded (many partitions, services, conversations).", "short",
                [('max by (%s, instance) (scrape_samples_scraped{%s} and on (instance, job) openim_exporter_build_info{%s})'
                  % (DEP, SEL, SEL), "{{instance}}")]))
    p.append(ts("Scrape duration",
                "How long Prometheus takes to scrape the exporter. Collection runs in the background, so this "
                "stays in milliseconds; growth means a very large /metrics.", "s",
                [('max by (%s, instance) (scrape_duration_seconds{%s} and on (instance, job) openim_exporter_build_info{%s})'
                  % (DEP, SEL, SEL), "{{instance}}")]))
    p.append(ts("JVM heap and process memory",
                "jvm_memory_used_bytes (heap) and process_resident_memory_bytes of the exporter. bin/openim-exporter "
                "caps the heap at 96 MB; RSS about 120 MB idle.", "bytes",
                [("sum by (%s, instance) (jvm_memory_used_bytes%s)" % (DEP, s('area="heap"')), "heap {{instance}}"),
                 ("max by (%s, instance) (process_resident_memory_bytes%s and on (instance, job) openim_exporter_build_info%s)"
                  % (DEP, s(), s()), "rss {{instance}}")]))
    p.append(table("Versions",
                   "openim-exporter version per instance.", "none",
                   ["max by (%s, job, instance, version) (openim_exporter_build_info%s)" % (DEP, s())], w=24, h=5))
    return dashboard("exporter", "OpenIM / Exporter",
                     "openim-exporter's own health: sources, checks, staleness, scrape size, JVM memory.", p)


def main():
    for key, build in (("overview", overview), ("discovery", discovery), ("kafka", kafka), ("seq", seq),
                       ("logs", logs), ("exporter", exporter)):
        path = os.path.join(HERE, "openim-%s.json" % key)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(build(), f, indent=2, ensure_ascii=False)
            f.write("\n")
        print("wrote", os.path.relpath(path, REPO))


if __name__ == "__main__":
    main()
