#!/usr/bin/env bash
# Real OCI registries on loopback for the registry source's tests (Debian's docker-registry, distribution 2.8).
#
#   registry.sh start   start the registries (idempotent: a port that already answers is left alone)
#   registry.sh push    start them if needed, push the test images, stop what this call started
#   registry.sh stop    stop the registries that `start` started (by the pids it recorded)
#   registry.sh status  print which ports answer
#
# Everything lives under $RAMPART_TESTDATA/registry (default /tmp/rampart-testdata/registry):
#   :5000  open registry, plain HTTP
#   :5001  htpasswd basic auth (user "rampart", password in auth/password), HTTPS with a self-signed cert
#   :5002  token auth (`auth: token`), plain HTTP; its realm is the token server on :5003
#          (registry-token-server.mjs), which signs JWTs with token.key; the registry trusts token.crt
# The three registries share one storage directory, so images are pushed once and served by all three.
#
# Images pushed (from the docker-archives in $RAMPART_TESTDATA/images):
#   rampart/debian:bookworm, rampart/debian:bullseye  Docker v2 schema 2 manifests
#   rampart/vuln-app:1.0                              OCI manifest
#   rampart/multi:latest                              OCI index: linux/amd64 → bookworm, linux/arm64 → bullseye
#                                                     (the arm64 entry is fake: it points at the amd64 bullseye)
set -euo pipefail

TESTDATA="${RAMPART_TESTDATA:-/tmp/rampart-testdata}"
DIR="$TESTDATA/registry"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OPEN_PORT=5000
BASIC_PORT=5001
TOKEN_PORT=5002
TOKEN_SERVER_PORT=5003
SERVICE=rampart-test-registry
ISSUER=rampart-test-token-server

log() { echo "[registry] $*" >&2; }

# Any HTTP answer (even 401) means the server is up; 000 means nothing listens.
answers() {
  local code
  code="$(curl -sk -o /dev/null -m 2 -w '%{http_code}' "$1" || true)"
  [[ "$code" != "000" ]]
}

wait_for() {
  local url="$1" name="$2"
  for _ in $(seq 1 100); do
    if answers "$url"; then return 0; fi
    sleep 0.1
  done
  log "$name did not come up; see $DIR/logs/$name.log"
  tail -n 20 "$DIR/logs/$name.log" >&2 || true
  return 1
}

make_secrets() {
  mkdir -p "$DIR/auth" "$DIR/tls" "$DIR/storage" "$DIR/config" "$DIR/run" "$DIR/logs"
  if [[ ! -s "$DIR/auth/password" ]]; then
    openssl rand -hex 16 >"$DIR/auth/password"
    chmod 600 "$DIR/auth/password"
  fi
  if [[ ! -s "$DIR/auth/htpasswd" ]]; then
    htpasswd -Bbc "$DIR/auth/htpasswd" rampart "$(cat "$DIR/auth/password")" 2>/dev/null
  fi
  if [[ ! -s "$DIR/tls/registry.crt" ]]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=127.0.0.1" \
      -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
      -keyout "$DIR/tls/registry.key" -out "$DIR/tls/registry.crt" 2>/dev/null
  fi
  if [[ ! -s "$DIR/token.crt" ]]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=$ISSUER" \
      -keyout "$DIR/token.key" -out "$DIR/token.crt" 2>/dev/null
  fi
}

write_config() {
  local name="$1" port="$2" extra="$3"
  cat >"$DIR/config/$name.yml" <<EOF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $DIR/storage
  cache:
    blobdescriptor: inmemory
  delete:
    enabled: false
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:$port
  secret: rampart-test-$name
$extra
EOF
}

write_configs() {
  write_config open "$OPEN_PORT" ""
  write_config basic "$BASIC_PORT" "  tls:
    certificate: $DIR/tls/registry.crt
    key: $DIR/tls/registry.key
auth:
  htpasswd:
    realm: rampart-test
    path: $DIR/auth/htpasswd"
  write_config token "$TOKEN_PORT" "auth:
  token:
    realm: http://127.0.0.1:$TOKEN_SERVER_PORT/token
    service: $SERVICE
    issuer: $ISSUER
    rootcertbundle: $DIR/token.crt"
}

# start_one NAME URL COMMAND...: starts COMMAND in its own session unless URL already answers.
start_one() {
  local name="$1" url="$2"
  shift 2
  if answers "$url"; then
    log "$name already answers at $url"
    return 0
  fi
  setsid nohup "$@" >"$DIR/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$DIR/run/$name.pid"
  wait_for "$url" "$name"
  log "$name up at $url (pid $(cat "$DIR/run/$name.pid"))"
}

start() {
  command -v docker-registry >/dev/null || { log "docker-registry is not installed (apt-get install docker-registry)"; exit 1; }
  make_secrets
  write_configs
  start_one token-server "http://127.0.0.1:$TOKEN_SERVER_PORT/" node "$HERE/registry-token-server.mjs" "$DIR" "$TOKEN_SERVER_PORT"
  start_one open "http://127.0.0.1:$OPEN_PORT/v2/" docker-registry serve "$DIR/config/open.yml"
  start_one basic "https://127.0.0.1:$BASIC_PORT/v2/" docker-registry serve "$DIR/config/basic.yml"
  start_one token "http://127.0.0.1:$TOKEN_PORT/v2/" docker-registry serve "$DIR/config/token.yml"
}

stop() {
  local pidfile pid
  for pidfile in "$DIR"/run/*.pid; do
    [[ -e "$pidfile" ]] || continue
    pid="$(cat "$pidfile")"
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      log "stopped $(basename "$pidfile" .pid) (pid $pid)"
    fi
    rm -f "$pidfile"
  done
}

status() {
  local port
  for port in $OPEN_PORT $BASIC_PORT $TOKEN_PORT $TOKEN_SERVER_PORT; do
    if answers "http://127.0.0.1:$port/" || answers "https://127.0.0.1:$port/"; then echo "$port up"; else echo "$port down"; fi
  done
}

has_manifest() {
  local code
  code="$(curl -s -o /dev/null -w '%{http_code}' -I \
    -H 'Accept: application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' \
    "http://127.0.0.1:$OPEN_PORT/v2/$1/manifests/$2")"
  [[ "$code" == "200" ]]
}

push_archive() {
  local archive="$1" dest="$2"
  shift 2
  [[ -s "$archive" ]] || { log "missing $archive: run npm run test:setup"; exit 1; }
  # The archive's size and mtime when it was pushed: a rebuilt image is pushed again.
  local stamp="$DIR/pushed/${dest//[\/:]/_}" now
  now="$(stat -c '%s %Y' "$archive")"
  if has_manifest "${dest%%:*}" "${dest##*:}" && [[ "$(cat "$stamp" 2>/dev/null)" == "$now" ]]; then
    log "$dest already pushed"
    return 0
  fi
  log "pushing $dest"
  skopeo copy --quiet --dest-tls-verify=false "$@" "docker-archive:$archive" "docker://127.0.0.1:$OPEN_PORT/$dest"
  mkdir -p "$DIR/pushed"
  echo "$now" > "$stamp"
}

# An OCI layout whose tag "multi" is an image index of two platforms, pushed with `skopeo copy --all`.
push_multi() {
  if has_manifest rampart/multi latest; then
    log "rampart/multi:latest already pushed"
    return 0
  fi
  local layout="$DIR/multi-layout"
  rm -rf "$layout"
  local reg="docker://127.0.0.1:$OPEN_PORT"
  skopeo copy --quiet --src-tls-verify=false "$reg/rampart/debian:bookworm" "oci:$layout:amd64"
  skopeo copy --quiet --src-tls-verify=false "$reg/rampart/debian:bullseye" "oci:$layout:arm64"
  # Replace the layout's index.json by one tag, "multi", naming a nested image index of the two manifests.
  local digest
  digest="$(node - "$layout" <<'EOF_NODE'
const { createHash } = require("node:crypto");
const fs = require("node:fs");
const layout = process.argv[2];
const top = JSON.parse(fs.readFileSync(`${layout}/index.json`, "utf8"));
const byTag = (tag) => {
  const d = top.manifests.find((m) => m.annotations?.["org.opencontainers.image.ref.name"] === tag);
  if (!d) throw new Error(`no ${tag} in ${layout}`);
  const { annotations, ...rest } = d;
  return rest;
};
const index = Buffer.from(JSON.stringify({
  schemaVersion: 2,
  mediaType: "application/vnd.oci.image.index.v1+json",
  manifests: [
    { ...byTag("amd64"), platform: { architecture: "amd64", os: "linux" } },
    { ...byTag("arm64"), platform: { architecture: "arm64", os: "linux", variant: "v8" } },
  ],
}));
const hex = createHash("sha256").update(index).digest("hex");
fs.writeFileSync(`${layout}/blobs/sha256/${hex}`, index);
fs.writeFileSync(`${layout}/index.json`, JSON.stringify({
  schemaVersion: 2,
  manifests: [{
    mediaType: "application/vnd.oci.image.index.v1+json", digest: `sha256:${hex}`, size: index.length,
    annotations: { "org.opencontainers.image.ref.name": "multi" },
  }],
}));
process.stdout.write(`sha256:${hex}`);
EOF_NODE
)"
  log "pushing rampart/multi:latest (index $digest)"
  skopeo copy --quiet --all --dest-tls-verify=false "oci:$layout:multi" "$reg/rampart/multi:latest"
  rm -rf "$layout"
}

push() {
  local before
  before="$(ls "$DIR"/run/*.pid 2>/dev/null || true)"
  start
  push_archive "$TESTDATA/images/debian-bookworm.docker.tar" rampart/debian:bookworm
  push_archive "$TESTDATA/images/debian-bullseye.docker.tar" rampart/debian:bullseye
  push_archive "$TESTDATA/images/vuln-app-1.0.docker.tar" rampart/vuln-app:1.0 --format oci
  push_multi
  # Leave running only what was running before this call.
  if [[ -z "$before" ]]; then stop; fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  push) push ;;
  status) status ;;
  *)
    echo "usage: $0 start|push|stop|status" >&2
    exit 2
    ;;
esac
