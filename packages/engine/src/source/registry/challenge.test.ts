import { describe, expect, it } from "vitest";
import { parseChallenges } from "./challenge.js";

describe("parseChallenges", () => {
  it("reads a Docker Hub style bearer challenge", () => {
    expect(
      parseChallenges(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"',
      ),
    ).toEqual([
      {
        scheme: "bearer",
        params: {
          realm: "https://auth.docker.io/token",
          service: "registry.docker.io",
          scope: "repository:library/alpine:pull",
        },
      },
    ]);
  });

  it("splits several challenges and keeps quoted commas and escapes", () => {
    expect(
      parseChallenges(['Basic realm="a, \\"b\\""', 'Bearer realm=https://t/token,error="insufficient_scope"']),
    ).toEqual([
      { scheme: "basic", params: { realm: 'a, "b"' } },
      { scheme: "bearer", params: { realm: "https://t/token", error: "insufficient_scope" } },
    ]);
  });

  it("gives nothing for an empty or missing header", () => {
    expect(parseChallenges(undefined)).toEqual([]);
    expect(parseChallenges("")).toEqual([]);
  });
});
