#!/usr/bin/env bash
# End to end: --web.config.file with curl against the exporter. Client certificates from the
# right CA only, basic auth on every path, invalid files refused at start naming the file and
# key, a rotated certificate and a changed file picked up without a restart, a broken change
# logged and the running configuration kept.
#   web_config.sh EXPORTER FIXTURES_DIR
set -euo pipefail
exporter=$1 fixtures=$(cd "$2" && pwd)
source "$(dirname "$0")/lib.sh"

E2E_WORK=$(mktemp -d)
E2E_PIDS=()
trap 'stop_processes; rm -rf "$E2E_WORK"' EXIT
work=$E2E_WORK
tls=$fixtures/tls
password=scrape-secret
hash='$2y$10$aOcY4GiZd8Z8gG2cx1dJCeVHwcS42gBBgUYc8q/s2NfECXeFm5kpC'

# No upstream listens on port 9: polls fail, which does not concern the web server.
cat >"$work/config.yml" <<YAML
poll:
  interval: 15m
accounts:
  - account_id: "15300002"
    api_url: https://127.0.0.1:9/voice/api/v1
    timezone: UTC
    auth:
      mode: api_token
      token: e2e-token
YAML

# web_config USERS_YAML: the web configuration of the test, relative paths and all.
web_config() {
    cat >"$work/web.yml.tmp" <<YAML
tls_server_config:
  cert_file: cert.pem
  key_file: key.pem
  client_auth_type: RequireAndVerifyClientCert
  client_ca_file: $tls/client_ca_cert.pem
http_server_config:
  headers:
    X-Content-Type-Options: nosniff
basic_auth_users:
$1
YAML
    mv "$work/web.yml.tmp" "$work/web.yml"
}

# status CA CLIENT USER:PASSWORD: the status of GET /metrics, 000 when TLS failed.
status() {
    local ca=$1 client=$2 credentials=$3
    local args=(-s -o "$work/body" -D "$work/headers" -w '%{http_code}' --cacert "$ca"
        --max-time 10)
    if [ -n "$client" ]; then
        args+=(--cert "$tls/${client}_cert.pem" --key "$tls/${client}_key.pem")
    fi
    if [ -n "$credentials" ]; then
        args+=(-u "$credentials")
    fi
    curl "${args[@]}" "https://localhost:$port/metrics" || true
}

# Invalid files: exit 1 and one error line naming the file and the key; no password shown.
refused_at_start() {
    local name=$1 key=$2 out code=0
    out=$("$exporter" --config.file "$work/config.yml" --web.listen-address 127.0.0.1:0 \
        --web.config.file "$fixtures/web/invalid/$name" 2>&1) || code=$?
    [ "$code" = 1 ] || fail "$name: exit $code, want 1: $out"
    grep 'level=error' <<<"$out" | grep -qF "$fixtures/web/invalid/$name: $key: " ||
        fail "$name: the error does not name the file and $key: $out"
    ! grep -qF "$password" <<<"$out" || fail "$name: the password shows in the log"
    echo "ok: $name refused: $(grep 'level=error' <<<"$out" | sed 's/.*err=//')"
}
refused_at_start verify_without_ca.yml tls_server_config.client_ca_file
refused_at_start plain_password.yml basic_auth_users.prometheus
refused_at_start cert_file_missing.yml tls_server_config.cert_file
refused_at_start key_mismatch.yml tls_server_config.key_file

cp "$tls/localhost_cert.pem" "$work/cert.pem"
cp "$tls/localhost_key.pem" "$work/key.pem"
web_config "  prometheus: $hash"
start_process "$work/exporter.log" "$exporter" --config.file "$work/config.yml" \
    --web.listen-address 127.0.0.1:0 --web.config.file "$work/web.yml"
wait_for 20 "the exporter to listen" grep -Eq 'msg="?listening"? ' "$work/exporter.log" ||
    fail "no exporter"
port=$(listening_address "$work/exporter.log" | sed 's/.*://')
ca=$tls/localhost_cert.pem

# Client certificates: the right CA's passes, another CA's and none are refused.
[ "$(status "$ca" client "prometheus:$password")" = 200 ] || fail "the right user was refused"
grep -qi '^X-Content-Type-Options: nosniff' "$work/headers" || fail "no configured header"
grep -q '^engagevoice_exporter_build_info' "$work/body" || fail "no metrics page"
[ "$(status "$ca" other "prometheus:$password")" = 000 ] || fail "another CA's client passed"
[ "$(status "$ca" "" "prometheus:$password")" = 000 ] || fail "a client without certificate passed"
echo "ok: client certificates"

# Basic auth: a wrong or missing password gets 401 and the realm.
[ "$(status "$ca" client "prometheus:wrong")" = 401 ] || fail "a wrong password passed"
[ "$(status "$ca" client "")" = 401 ] || fail "no password passed"
grep -qi '^WWW-Authenticate: Basic realm="engage_voice_exporter"' "$work/headers" ||
    fail "no WWW-Authenticate on 401"
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$ca" --cert "$tls/client_cert.pem" \
    --key "$tls/client_key.pem" "https://localhost:$port/-/healthy")
[ "$code" = 401 ] || fail "/-/healthy answered $code without a password"
echo "ok: basic auth"

# A rotated certificate: new connections get it, without a restart.
mkdir "$work/new"
make_certificate "$work/new"
cp "$work/new/key.pem" "$work/key.pem.tmp" && mv "$work/key.pem.tmp" "$work/key.pem"
cp "$work/new/cert.pem" "$work/cert.pem.tmp" && mv "$work/cert.pem.tmp" "$work/cert.pem"
new_certificate_served() { [ "$(status "$work/new/cert.pem" client "prometheus:$password")" = 200 ]; }
wait_for 30 "the rotated certificate" new_certificate_served || fail "the new certificate is not served"
[ "$(status "$ca" client "prometheus:$password")" = 000 ] || fail "the old certificate is still served"
ca=$work/new/cert.pem
echo "ok: rotated certificate"

# A broken change is logged and the running configuration stays; a good one applies.
web_config "  prometheus: $password"
wait_for 30 "the refused change" grep -q 'cannot reload the web configuration' "$work/exporter.log" ||
    fail "no log line for the refused change"
grep 'cannot reload the web configuration' "$work/exporter.log" |
    grep -q 'basic_auth_users.prometheus' || fail "the log line does not name the key"
! grep -qF "$password" "$work/exporter.log" || fail "the password shows in the log"
[ "$(status "$ca" client "prometheus:$password")" = 200 ] || fail "the running users went"
web_config "  grafana: $hash"
grafana_passes() { [ "$(status "$ca" client "grafana:$password")" = 200 ]; }
wait_for 30 "the new users" grafana_passes || fail "the changed users did not apply"
[ "$(status "$ca" client "prometheus:$password")" = 401 ] || fail "a removed user still passes"
kill -0 "${E2E_PIDS[0]}" || fail "the exporter died"
echo "ok: web configuration changes"
