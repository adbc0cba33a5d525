import { describe, expect, it } from "vitest";
import { apiHost, formatReference, manifestReference, parseReference } from "./reference.js";

describe("parseReference", () => {
  it.each([
    ["alpine", "docker.io", "library/alpine", "latest", undefined],
    ["registry://alpine:3.19", "docker.io", "library/alpine", "3.19", undefined],
    ["bitnami/redis", "docker.io", "bitnami/redis", "latest", undefined],
    ["docker.io/library/debian:bookworm", "docker.io", "library/debian", "bookworm", undefined],
    ["index.docker.io/nginx", "docker.io", "library/nginx", "latest", undefined],
    ["ghcr.io/org/team/app:v1.2.3", "ghcr.io", "org/team/app", "v1.2.3", undefined],
    ["127.0.0.1:5000/rampart/debian:bookworm", "127.0.0.1:5000", "rampart/debian", "bookworm", undefined],
    ["localhost/app", "localhost", "app", "latest", undefined],
    ["localhost:5000/app", "localhost:5000", "app", "latest", undefined],
    [`quay.io/app@sha256:${"a".repeat(64)}`, "quay.io", "app", undefined, `sha256:${"a".repeat(64)}`],
    [`app:1@sha256:${"b".repeat(64)}`, "docker.io", "library/app", "1", `sha256:${"b".repeat(64)}`],
  ])("%s", (input, registry, repository, tag, digest) => {
    const ref = parseReference(input);
    expect(ref).toEqual({ registry, repository, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) });
  });

  it("sends docker.io to its API host and asks for the digest before the tag", () => {
    const hub = parseReference("alpine");
    expect(apiHost(hub)).toBe("registry-1.docker.io");
    expect(formatReference(hub)).toBe("docker.io/library/alpine:latest");
    const pinned = parseReference(`127.0.0.1:5000/a:1@sha256:${"c".repeat(64)}`);
    expect(apiHost(pinned)).toBe("127.0.0.1:5000");
    expect(manifestReference(pinned)).toBe(`sha256:${"c".repeat(64)}`);
  });

  it.each([
    ["", /empty/],
    ["Alpine", /lowercase/],
    ["https://ghcr.io/org/app", /without a URL scheme/],
    ["app@sha256:1234", /digest/],
    ["app:bad tag", /tag/],
    ["host:5000/", /repository/],
  ])("rejects %j", (input, message) => {
    expect(() => parseReference(input)).toThrow(message);
  });
});
