import {
  allCollectors,
  evaluatePosture,
  loadBuiltinControls,
  openPostureTarget,
  postureDocument,
} from "@rampart/engine";
import { Compile } from "typebox/compile";
import { describe, expect, it } from "vitest";
import { testdata } from "../../../../test/fixtures/testdata.js";
import { PostureContent } from "./sensor-upload.js";

describe("a sensor's posture upload", () => {
  it("accepts the engine's whole document for a Debian host, where a requirement maps 100+ controls", async () => {
    // What a sensor on this host would upload: the built-in controls over a debootstrapped root.
    const opened = await openPostureTarget({ kind: "directory", path: testdata("rootfs-bookworm") });
    const report = await evaluatePosture(loadBuiltinControls(), opened.target, allCollectors);
    const doc = postureDocument(report);
    const widest = Math.max(...doc.frameworks.flatMap((f) => f.requirements.map((r) => r.controls.length)));
    expect(widest).toBeGreaterThan(64);
    const check = Compile(PostureContent);
    expect([...check.Errors(doc)].slice(0, 3)).toEqual([]);
    expect(check.Check(doc)).toBe(true);
  });
});
