#!/usr/bin/env bash
# End to end with a real Prometheus server: it scrapes the exporter, which polls the mock, and
# the stored series answer the queries a dashboard would ask.
#   prometheus_scrape.sh EXPORTER MOCK
set -euo pipefail
exporter=$1 mock=$2
source "$(dirname "$0")/lib.sh"

E2E_WORK=$(mktemp -d)
E2E_PIDS=()
trap 'stop_processes; rm -rf "$E2E_WORK"' EXIT
work=$E2E_WORK

start_stack "$exporter" "$mock" 30 1h

cat >"$work/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: engage-voice
    static_configs:
      - targets: ["$E2E_ADDRESS"]
YAML
# Prometheus cannot report a port it picked itself, so try random ones until one is free.
prometheus_ready() {
    curl -sf "http://127.0.0.1:$prometheus_port/-/ready"
}
for attempt in 1 2 3 4 5; do
    prometheus_port=$((20000 + RANDOM % 20000))
    start_process "$work/prometheus.log" prometheus --config.file "$work/prometheus.yml" \
        --storage.tsdb.path "$work/tsdb" --web.listen-address "127.0.0.1:$prometheus_port"
    if wait_for 15 "Prometheus to start" prometheus_ready; then
        break
    fi
    [ "$attempt" -lt 5 ] || fail "Prometheus did not start"
done

# query EXPR: the first value of an instant query, or nothing.
query() {
    curl -sf --get "http://127.0.0.1:$prometheus_port/api/v1/query" --data-urlencode "query=$1" |
        sed -n 's/.*"value":\[[0-9.]*,"\([^"]*\)"\].*/\1/p'
}
scraped() {
    [ "$(query 'up{job="engage-voice"}')" = "1" ]
}
wait_for 30 "Prometheus to scrape the exporter" scraped || fail "no scrape"

up=$(query 'engagevoice_up{account_id="15300002"}')
agents=$(query 'count(engagevoice_agent_login_seconds)')
logged_in=$(query 'count(engagevoice_agent_info * on(account_id, agent_id) group_left engagevoice_agent_logged_in)')
utilization=$(query 'max(engagevoice_agent_login_utilization_ratio)')
echo "engagevoice_up=$up agents=$agents agents_with_info=$logged_in max_utilization=$utilization"

[ "$up" = "1" ] || fail "engagevoice_up is not 1 in Prometheus"
[ -n "$agents" ] && [ "$agents" -ge 15 ] || fail "Prometheus holds too few agents: $agents"
[ "$logged_in" = "$agents" ] || fail "agent_info does not join every agent's series"
awk -v u="$utilization" 'BEGIN { exit !(u > 0 && u <= 1) }' || fail "utilization out of 0..1"
echo "ok: Prometheus scrapes the exporter and stores every agent"
