#!/usr/bin/env bash
# End to end: reloading the configuration on SIGHUP and POST /-/reload, keeping the running one
# when the new file is bad, and stopping promptly on SIGTERM while a poll hangs.
#   reload.sh EXPORTER MOCK
set -euo pipefail
exporter=$1 mock=$2
source "$(dirname "$0")/lib.sh"

E2E_WORK=$(mktemp -d)
E2E_PIDS=()
trap 'stop_processes; rm -rf "$E2E_WORK"' EXIT
work=$E2E_WORK

start_stack "$exporter" "$mock" 20 1h
exporter_pid=${E2E_PIDS[1]}
cp "$work/config.yml" "$work/good.yml"

# on_page PATTERN: the exporter's page has a line matching PATTERN. (The page goes through a
# file: with pipefail, grep -q leaving early would fail curl's side of a pipe.)
on_page() {
    curl -sf "http://$E2E_ADDRESS/metrics" >"$work/page" && grep -q -- "$1" "$work/page"
}
reload_successful_is() { on_page "^engagevoice_config_last_reload_successful $1\$"; }

# A bad file on SIGHUP: refused, the old configuration goes on.
{ cat "$work/good.yml"; printf 'metrics:\n  agent_infos: false\n'; } >"$work/config.yml"
kill -HUP "$exporter_pid"
wait_for 20 "the refused reload" reload_successful_is 0 || fail "the bad reload is not reported"
grep -q 'reload failed; the running configuration stays' "$work/exporter.log" ||
    fail "no log line for the refused reload"
grep 'reload failed' "$work/exporter.log" | grep -q 'metrics.agent_infos: unknown key' ||
    fail "the log line does not name the key"
on_page '^engagevoice_up{account_id="15300002"} 1$' || fail "the running account stopped"
on_page '^engagevoice_agent_info{' || fail "the agents are no longer served"

# A good file on SIGHUP: applied (agent_info switched off).
{ cat "$work/good.yml"; printf 'metrics:\n  agent_info: false\n'; } >"$work/config.yml"
kill -HUP "$exporter_pid"
wait_for 20 "the reload" reload_successful_is 1 || fail "the good reload is not reported"
agent_info_gone() { ! on_page '^engagevoice_agent_info{'; }
wait_for 20 "agent_info to go" agent_info_gone || fail "the new configuration was not applied"
on_page '^engagevoice_agent_login_seconds{account_id="15300002"' ||
    fail "the agents went with the reload"

# The same over HTTP.
printf 'poll:\n  interval: 5s\n' >"$work/config.yml"
status=$(curl -s -o "$work/reload.out" -w '%{http_code}' -X POST "http://$E2E_ADDRESS/-/reload")
[ "$status" = 500 ] || fail "a bad reload over HTTP answered $status"
grep -q 'poll.interval: must be at least 15s' "$work/reload.out" ||
    fail "the HTTP answer does not say what is wrong: $(cat "$work/reload.out")"
cp "$work/good.yml" "$work/config.yml"
status=$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://$E2E_ADDRESS/-/reload")
[ "$status" = 200 ] || fail "a good reload over HTTP answered $status"
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://$E2E_ADDRESS/-/reload")" = 405 ] ||
    fail "GET /-/reload is not refused"

# SIGTERM while a poll hangs: a TLS server that accepts the request and never answers.
# Its standard input is a FIFO this script holds open, so it never sees an end of input.
mkfifo "$work/hang.in"
openssl s_server -accept 127.0.0.1:0 -cert "$work/cert.pem" -key "$work/key.pem" \
    <"$work/hang.in" >"$work/hang.log" 2>&1 &
E2E_PIDS+=("$!")
exec 7>"$work/hang.in"
wait_for 10 "the hanging server" grep -q '^ACCEPT' "$work/hang.log" || fail "no hanging server"
hang_port=$(sed -n -E 's/^ACCEPT .*:([0-9]+)$/\1/p' "$work/hang.log")
sed -E "s#https://localhost:[0-9]+/#https://localhost:$hang_port/#" "$work/good.yml" >"$work/config.yml"
status=$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://$E2E_ADDRESS/-/reload")
[ "$status" = 200 ] || fail "the reload to the hanging server answered $status"
wait_for 20 "the poll to reach the hanging server" grep -q '^POST ' "$work/hang.log" ||
    fail "the poll never reached the hanging server"
started=$(date +%s%N)
kill -TERM "$exporter_pid"
for _ in $(seq 100); do
    kill -0 "$exporter_pid" 2>/dev/null || break
    sleep 0.1
done
kill -0 "$exporter_pid" 2>/dev/null && fail "the exporter still runs 10 s after SIGTERM"
elapsed_ms=$((($(date +%s%N) - started) / 1000000))
echo "stopped ${elapsed_ms} ms after SIGTERM with a poll in flight"
grep -q 'exiting with a poll still in flight' "$work/exporter.log" ||
    fail "the exporter did not report the poll it left"
[ "$elapsed_ms" -le 5000 ] || fail "the exporter took ${elapsed_ms} ms to stop, more than 5 s"
echo "ok: reload keeps a bad file out, applies a good one, and SIGTERM stops a hung poll"
