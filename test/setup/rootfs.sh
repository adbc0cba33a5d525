#!/bin/bash
# Debian root filesystems built with debootstrap: $TD/rootfs-<suite>/ and $TD/rootfs-<suite>.tar.
# Also records what dpkg itself says is installed ($TD/rootfs-<suite>.dpkg-query.tsv): the tests' reference.
. "$(dirname "$0")/lib.sh"
for s in ${*:-bookworm bullseye}; do
  dest=$TD/rootfs-$s
  if ! [ -x "$dest/bin/sh" ] || ! [ -f "$dest/etc/os-release" ]; then
    rm -rf "$dest"
    step "debootstrap minbase $s" debootstrap --variant=minbase "$s" "$dest" "$MIRROR" >"$TD/debootstrap-$s.log" 2>&1 || { tail -20 "$TD/debootstrap-$s.log"; exit 1; }
  fi
  [ -f "$TD/rootfs-$s.tar" ] || step "tar rootfs $s" tar --numeric-owner -C "$dest" -cf "$TD/rootfs-$s.tar" .
  chroot "$dest" dpkg-query -W -f '${Package}\t${Version}\t${source:Package}\t${source:Version}\t${Architecture}\n' >"$TD/rootfs-$s.dpkg-query.tsv"
done
