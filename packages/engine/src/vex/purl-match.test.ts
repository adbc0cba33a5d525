import { describe, expect, it } from "vitest";
import { type PurlKey, parsePurl, purlMatches, sameRelease } from "./purl-match.js";

const key = (purl: string): PurlKey => {
  const k = parsePurl(purl);
  if (!k) throw new Error(`${purl} does not parse`);
  return k;
};
const matches = (pattern: string, target: string) => purlMatches(key(pattern), key(target));

describe("purl matching", () => {
  const libssl = "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12";

  it("ignores qualifiers that vary in practice: arch, repository_url, a distro point release", () => {
    expect(matches("pkg:deb/debian/libssl3@3.0.11-1~deb12u2?distro=debian-12.13", libssl)).toBe(true);
    expect(matches("pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=arm64", libssl)).toBe(true);
    expect(matches("pkg:deb/debian/libssl3", libssl)).toBe(true);
    expect(
      matches(
        "pkg:oci/vuln-app@sha256%3Aabc?repository_url=docker.io/lab/vuln-app",
        "pkg:oci/vuln-app@sha256:abc?arch=amd64&repository_url=docker.io%2Flab%2Fvuln-app&tag=1.0",
      ),
    ).toBe(true);
  });

  it("still tells apart what identifies a package: name, namespace, version, release, epoch", () => {
    expect(matches("pkg:deb/debian/libssl3@3.0.11-1~deb12u1", libssl)).toBe(false);
    expect(matches("pkg:deb/ubuntu/libssl3", libssl)).toBe(false);
    expect(matches("pkg:deb/debian/libssl3-dev", libssl)).toBe(false);
    expect(matches("pkg:deb/debian/libssl3?distro=debian-11", libssl)).toBe(false);
    expect(matches("pkg:rpm/redhat/openssl@3.0.7?epoch=1", "pkg:rpm/redhat/openssl@3.0.7?epoch=2")).toBe(false);
    expect(matches("pkg:npm/lodash@4.17.15", "pkg:npm/lodash@4.17.21")).toBe(false);
    expect(matches("pkg:npm/lodash@4.17.15", "pkg:npm/lodash")).toBe(false);
  });

  it("folds case and normalises PyPI names; Go versions match with or without the v", () => {
    expect(matches("pkg:pypi/PyYAML@5.1", "pkg:pypi/pyyaml@5.1")).toBe(true);
    expect(matches("pkg:pypi/zope.interface", "pkg:pypi/zope-interface@5.4.0")).toBe(true);
    expect(matches("pkg:golang/golang.org/x/net@0.7.0", "pkg:golang/golang.org/x/net@v0.7.0")).toBe(true);
    expect(matches("pkg:npm/%40Babel/core", "pkg:npm/%40babel/core@7.0.0")).toBe(true);
  });

  it("compares releases at dot boundaries", () => {
    expect(sameRelease("alpine-3.19", "alpine-3.19.1")).toBe(true);
    expect(sameRelease("alpine-3.1", "alpine-3.19")).toBe(false);
    expect(sameRelease("debian-12", "debian-12")).toBe(true);
  });

  it("returns nothing for text that is no purl", () => {
    expect(parsePurl("lodash")).toBeUndefined();
    expect(parsePurl("pkg:/x")).toBeUndefined();
  });
});
