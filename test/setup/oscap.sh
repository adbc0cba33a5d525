#!/bin/bash
# The SCAP Security Guide's Debian 12 datastream for the OpenSCAP comparison test and the posture benchmark.
# bookworm's ssg-debian carries Debian 10/11 content only; trixie's (architecture "all", XML only) carries
# ssg-debian12-ds.xml. Its .deb comes from the configured Debian mirror through a private apt state directory
# (the host's sources are left alone) and is unpacked, not installed, into $RAMPART_TESTDATA/ssg/.
# Idempotent: a datastream already extracted is kept.
. "$(dirname "$0")/lib.sh"
OUT=$TD/ssg
DS=$OUT/ssg-debian12-ds.xml
[ -s "$DS" ] && exit 0

SUITE=trixie
A=$TD/apt-$SUITE
mkdir -p "$A/lists/partial" "$A/cache/archives/partial" "$A/debs" "$OUT"
# main only: a -security suite is not needed for an XML-only package and need not be on every mirror.
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $MIRROR $SUITE main" >"$A/sources.list"
[ -f "$A/status" ] || : >"$A/status"
APT=(-o Dir::Etc::SourceList="$A/sources.list" -o Dir::Etc::SourceParts=/nonexistent -o Dir::State::Lists="$A/lists"
  -o Dir::Cache="$A/cache" -o Dir::State::status="$A/status" -o APT::Get::List-Cleanup=0)
LOG=$TD/apt-$SUITE.log
if [ ! -f "$A/.updated" ]; then
  apt-get "${APT[@]}" update -q >>"$LOG" 2>&1 || { tail -20 "$LOG" >&2; echo "oscap.sh: apt-get update for $SUITE failed" >&2; exit 1; }
  touch "$A/.updated"
fi
rm -f "$A"/debs/ssg-debian_*.deb
(cd "$A/debs" && apt-get "${APT[@]}" download -q ssg-debian >>"$LOG" 2>&1) ||
  { tail -20 "$LOG" >&2; echo "oscap.sh: downloading $SUITE's ssg-debian failed" >&2; exit 1; }
deb=$(ls "$A"/debs/ssg-debian_*_all.deb)
X=$(mktemp -d "$TD/ssg-extract.XXXXXX")
trap 'rm -rf "$X"' EXIT
dpkg-deb -x "$deb" "$X"
src=$X/usr/share/xml/scap/ssg/content/ssg-debian12-ds.xml
[ -s "$src" ] || { echo "oscap.sh: $(basename "$deb") has no ssg-debian12-ds.xml" >&2; exit 1; }
dpkg-deb -f "$deb" Version >"$OUT/VERSION"
# Rename into place last, so an interrupted run leaves no half-written datastream behind.
cp "$src" "$DS.tmp" && mv "$DS.tmp" "$DS"
echo "oscap.sh: $DS from ssg-debian $(cat "$OUT/VERSION") ($SUITE)" >&2
