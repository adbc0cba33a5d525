#!/usr/bin/env bash
# Regenerates the rpm database fixtures next to this script with rpm's own tools, and what rpm itself
# says is installed in them (the *.qa.tsv files the tests compare the parsers against).
#
#   rpmdb.sqlite     rpm 4.16+ SQLite backend (Fedora 33+, RHEL 9, Amazon Linux 2023)
#   Packages         Berkeley DB hash backend (RHEL ≤ 8, CentOS 7, Amazon Linux 2): Debian's rpm only
#                    reads BDB (bdb_ro), so the hash file is written with db5.3_load from the same header
#                    blobs and then read back by rpm to produce Packages.qa.tsv.
#
# Needs (Debian): apt-get install -y rpm db5.3-util gnupg
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
for tool in rpm rpmbuild db5.3_load gpg sqlite3; do
  command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install -y rpm db5.3-util gnupg sqlite3" >&2; exit 1; }
done

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
TOP="$WORK/rpmbuild"
mkdir -p "$TOP/SPECS"

# Three source packages, four binary packages: one with an Epoch, one source building two binaries,
# one arch-specific package with enough files that its header spans several Berkeley DB pages.
cat >"$TOP/SPECS/rampart-hello.spec" <<'SPEC'
Name: rampart-hello
Version: 1.0
Release: 1
Summary: Test package without epoch
License: MIT
BuildArch: noarch
%description
A tiny test package.
%files
SPEC

cat >"$TOP/SPECS/rampart-epoch.spec" <<'SPEC'
Name: rampart-epoch
Epoch: 2
Version: 3.1.4
Release: 5.el9
Summary: Test package with an epoch
License: GPL-2.0-or-later AND MIT
BuildArch: noarch
%description
A tiny test package with an epoch.
%files
SPEC

cat >"$TOP/SPECS/rampart-tools.spec" <<'SPEC'
%define debug_package %{nil}
Name: rampart-tools
Version: 1.2
Release: 3.fc39
Summary: Test package whose source builds two binaries
License: Apache-2.0
%description
The main package.
%package libs
Summary: Libraries of rampart-tools
License: Apache-2.0 OR BSD-3-Clause
%description libs
The library subpackage, built from the same source RPM.
%install
mkdir -p %{buildroot}/usr/share/rampart-tools
for i in $(seq 1 300); do echo "$i" > %{buildroot}/usr/share/rampart-tools/data-file-number-$i.txt; done
%files
/usr/share/rampart-tools
%files libs
SPEC

for spec in "$TOP"/SPECS/*.spec; do
  rpmbuild --quiet --define "_topdir $TOP" --target x86_64 -bb "$spec" >/dev/null
done

# A gpg-pubkey pseudo-package, which every RHEL-family rpmdb has and catalogers must skip.
export GNUPGHOME="$WORK/gnupg"
mkdir -m 700 "$GNUPGHOME"
gpg --batch --quiet --pinentry-mode loopback --passphrase '' \
  --quick-gen-key 'Rampart Test <test@rampart.invalid>' rsa2048 sign never
gpg --batch --quiet --armor --export >"$WORK/key.asc"

QF='%{NAME}\t%|EPOCH?{%{EPOCH}}:{}|\t%{VERSION}\t%{RELEASE}\t%{ARCH}\t%|SOURCERPM?{%{SOURCERPM}}:{}|\t%{LICENSE}\n'

# SQLite backend.
ROOT="$WORK/root"
mkdir -p "$ROOT"
rpm --define '_db_backend sqlite' --root "$ROOT" --dbpath /var/lib/rpm --initdb
rpm --define '_db_backend sqlite' --root "$ROOT" --dbpath /var/lib/rpm --import "$WORK/key.asc"
# Debian's rpm warns that it should not install packages (use alien): this only writes a test database.
rpm --define '_db_backend sqlite' --root "$ROOT" --dbpath /var/lib/rpm -i --nodeps --justdb --noscripts \
  --ignorearch --ignoreos "$TOP"/RPMS/*/*.rpm
DB="$ROOT/var/lib/rpm/rpmdb.sqlite"
# Fold the write-ahead log into the main file, as an image's rpmdb normally is, and keep it small.
sqlite3 "$DB" 'PRAGMA wal_checkpoint(TRUNCATE); VACUUM;' >/dev/null
cp "$DB" "$HERE/rpmdb.sqlite"
rpm --define '_db_backend sqlite' --root "$ROOT" --dbpath /var/lib/rpm -qa --qf "$QF" | sort >"$HERE/rpmdb.sqlite.qa.tsv"

# Berkeley DB hash backend, built from the same header blobs: key = header number (host byte order,
# as rpm wrote it), value = the header blob. Record 0 holds rpm's next-header-number counter.
BDB="$WORK/bdb"
mkdir -p "$BDB"
{
  printf 'VERSION=3\nformat=bytevalue\ntype=hash\ndb_pagesize=4096\nHEADER=END\n'
  next=$(sqlite3 "$DB" 'SELECT max(hnum) + 1 FROM Packages')
  printf ' 00000000\n %s\n' "$(printf '%08x' "$next" | sed -E 's/(..)(..)(..)(..)/\4\3\2\1/')"
  sqlite3 -separator ' ' "$DB" 'SELECT hnum, hex(blob) FROM Packages ORDER BY hnum' |
    while read -r hnum blob; do
      printf ' %s\n %s\n' "$(printf '%08x' "$hnum" | sed -E 's/(..)(..)(..)(..)/\4\3\2\1/')" "${blob,,}"
    done
  printf 'DATA=END\n'
} | db5.3_load -f /dev/stdin "$BDB/Packages"
cp "$BDB/Packages" "$HERE/Packages"
# (rpm warns that the index files next to Packages are missing; only Packages is needed.)
rpm --define '_db_backend bdb_ro' --dbpath "$BDB" -qa --qf "$QF" 2>/dev/null | sort >"$HERE/Packages.qa.tsv"

cmp "$HERE/rpmdb.sqlite.qa.tsv" "$HERE/Packages.qa.tsv"
echo "wrote $(wc -l <"$HERE/rpmdb.sqlite.qa.tsv") packages into rpmdb.sqlite and Packages"
