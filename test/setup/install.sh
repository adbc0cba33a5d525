#!/bin/bash
# Debian packages the tests use: image tools (no Docker daemon needed), a registry, podman, Go, archivers,
# reference tools (version comparison, the yara CLI for the malware fallback and its benchmark), PostgreSQL
# (the console store tests run on it as well as on SQLite), iproute2, procps and python3 (the sensor tests
# make network namespaces with a server and a client in them, and look for processes with pgrep), chromium
# (the web UI's tests drive it with playwright-core: no browser download), OpenSCAP with the SCAP Security Guide
# and lynis (the posture comparison test and benchmark).
. "$(dirname "$0")/lib.sh"
PKGS=(debootstrap skopeo umoci docker-registry apache2-utils golang-go zip unzip zstd openssl openssh-client
  curl ca-certificates podman runc conmon containernetworking-plugins golang-github-containers-common catatonit
  iptables uidmap rpm binutils
  maven openjdk-17-jdk-headless python3-packaging ruby php-cli php-composer-semver golang-github-knqyf263-go-apk-version-dev
  yara postgresql-15 postgresql-client-15 iproute2 procps python3 chromium
  openscap-scanner openscap-utils ssg-debian lynis)
missing=()
for p in "${PKGS[@]}"; do dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] || step "apt-get install ${#missing[@]} packages" apt_install "${missing[@]}"
