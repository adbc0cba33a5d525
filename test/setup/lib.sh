# Helpers for the test-setup scripts. Source this file.
# RAMPART_TESTDATA: where the large test inputs go (root filesystems, images, registries) — never the repo.
set -o pipefail
export RAMPART_TESTDATA=${RAMPART_TESTDATA:-/tmp/rampart-testdata}
TD=$RAMPART_TESTDATA
SETUP=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$TD"
export DEBIAN_FRONTEND=noninteractive
MIRROR=${MIRROR:-$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null)}
MIRROR=${MIRROR:-http://deb.debian.org/debian}

# step LABEL cmd args... : runs cmd, prints how long it took
step() {
  local label=$1 t0 rc; shift
  t0=$(date +%s.%N)
  "$@"; rc=$?
  awk -v l="$label" -v a="$t0" -v b="$(date +%s.%N)" -v r="$rc" 'BEGIN{printf "setup: %-44s %6.1f s%s\n", l, b-a, (r ? " FAILED rc=" r : "")}' >&2
  return $rc
}

apt_install() {
  [ -f "$TD/.apt-updated" ] || { apt-get update -q >>"$TD/apt.log" 2>&1 && touch "$TD/.apt-updated"; }
  apt-get install -y -q --no-install-recommends --no-upgrade -o DPkg::Lock::Timeout=900 "$@" >>"$TD/apt.log" 2>&1 || { tail -20 "$TD/apt.log"; return 1; }
}

# Private apt root for another Debian suite (bullseye + bullseye-security), leaving the host's sources alone.
suite_download() { # SUITE DIR pkg[=ver]...
  local su=$1 d=$2 A SEC; shift 2
  SEC=$(dirname "$MIRROR")/debian-security
  A=$TD/apt-$su; mkdir -p "$A/lists/partial" "$A/cache/archives/partial"
  cat >"$A/sources.list" <<S
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $MIRROR $su main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $SEC $su-security main
S
  [ -f "$A/status" ] || : >"$A/status"
  local SAPT=(-o Dir::Etc::SourceList="$A/sources.list" -o Dir::Etc::SourceParts=/nonexistent -o Dir::State::Lists="$A/lists"
    -o Dir::Cache="$A/cache" -o Dir::State::status="$A/status" -o APT::Get::List-Cleanup=0)
  [ -f "$A/.updated" ] || { apt-get "${SAPT[@]}" update -q >>"$TD/apt-$su.log" 2>&1 && touch "$A/.updated"; }
  (cd "$d" && apt-get "${SAPT[@]}" download -q "$@" >>"$TD/apt-$su.log" 2>&1)
}
