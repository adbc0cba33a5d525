import { describe, expect, it } from "vitest";
import { SecretEngine } from "./engine.js";
import { testRules } from "./test-support.js";

const engine = new SecretEngine(testRules());
const GH = "ghp_4kTz9QwErTy1UiOpAsDfGhJkLzXcVbNm0123";
const AWS = "AKIAZ7Q2MV4XN3KD5RTW";
const found = (text: string) => engine.scanText("/app/settings.py", text).map((f) => `${f.line}:${f.ruleId}`);

describe("rampart:ignore comments", () => {
  it("on the same line drop every finding on it", () => {
    expect(found(`a = "${GH}" b = "${AWS}"  # rampart:ignore\nc = "${GH}"`)).toEqual(["2:github-pat"]);
  });

  it("with rule ids drop only those rules' findings", () => {
    expect(found(`x = "${GH}" y = "${AWS}"  // rampart:ignore github-pat`)).toEqual(["1:aws-access-key-id"]);
    expect(found(`x = "${GH}" y = "${AWS}"  // rampart:ignore github-pat, aws-access-key-id`)).toEqual([]);
    expect(found(`x = "${GH}"  # rampart:ignore aws-access-key-id`)).toEqual(["1:github-pat"]);
  });

  it("followed by free text apply to every rule", () => {
    expect(found(`x = "${GH}"  # rampart:ignore test fixture, rotated 2024-05`)).toEqual([]);
  });

  it("-next-line drops findings on the following line only", () => {
    expect(found(`# rampart:ignore-next-line\nx = "${GH}"\ny = "${GH}"`)).toEqual(["3:github-pat"]);
    expect(found(`/* rampart:ignore-next-line github-pat */\r\nx = "${GH}" y = "${AWS}"`)).toEqual([
      "2:aws-access-key-id",
    ]);
    // It does not apply to its own line.
    expect(found(`x = "${GH}" # rampart:ignore-next-line`)).toEqual(["1:github-pat"]);
  });

  it("need the exact marker", () => {
    expect(found(`x = "${GH}" # rampart:ignored`)).toEqual(["1:github-pat"]);
    expect(found(`x = "${GH}" # rampart ignore`)).toEqual(["1:github-pat"]);
  });

  it("on a multi-line secret go on its first line", () => {
    const body = "MIIEowIBAAKCAQEA1234567890abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV";
    const key = `-----BEGIN RSA PRIVATE KEY-----\n${body}\n${body}\n-----END RSA PRIVATE KEY-----`;
    expect(found(`${key}\n`)).toEqual(["1:private-key"]);
    expect(found(`# rampart:ignore-next-line\n${key}\n`)).toEqual([]);
  });
});
