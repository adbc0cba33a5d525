import { describe, expect, it } from "vitest";
import type { Collector } from "./collectors/collector.js";
import { evaluatePosture } from "./engine.js";
import { ControlSetError, loadControlSet, mergeControlSets } from "./load.js";

/** A collector over a list the test hands it: the engine's behaviour without any real target. */
const listCollector = (subjects: Array<{ id: string; facts: Record<string, unknown> }> | undefined): Collector => ({
  name: "thing",
  platform: "linux",
  description: "things under test",
  collect: async () => subjects,
});

const FILE = `version: 1
controls:
  - id: thing-small
    title: Things are small
    platform: linux
    severity: high
    rationale: Big things break.
    remediation: Shrink them.
    input: thing
    applies: thing.?kind.orValue("") != "ghost"
    check: thing.size <= 10 && modeAtMost(thing.mode, "0644")
    evidence: '"size " + string(thing.size) + " mode " + octal(thing.mode)'
    frameworks: { cis: ["1.1"], pci: ["2.2.6"], nist: ["CM-6"] }
  - id: thing-named
    title: Things have names
    platform: linux
    severity: low
    rationale: r
    remediation: r
    input: thing
    check: has(thing.name)
    frameworks: { pci: ["2.2.6"] }
`;
const names = new Set(["thing"]);

describe("posture engine", () => {
  const set = loadControlSet(FILE, "test.yaml", names);

  it("fails a control when any subject fails, with evidence, and maps requirements to framework scores", async () => {
    const r = await evaluatePosture(set.controls, { name: "t" }, [
      listCollector([
        { id: "a", facts: { size: 5, mode: 0o644, name: "a" } },
        { id: "b", facts: { size: 50, mode: 0o666, name: "b" } },
        { id: "ghost", facts: { kind: "ghost", size: 99, mode: 0o777 } },
      ]),
    ]);
    const small = r.results.find((x) => x.control.id === "thing-small");
    expect(small?.status).toBe("fail");
    expect(small?.subjects).toBe(2);
    expect(small?.violations).toEqual([{ subject: "b", evidence: ["size 50 mode 0666"] }]);
    expect(r.results.find((x) => x.control.id === "thing-named")?.status).toBe("fail");
    const pci = r.frameworks.find((f) => f.id === "pci");
    expect(pci?.requirements).toEqual([{ id: "2.2.6", status: "fail", controls: ["thing-small", "thing-named"] }]);
    expect(pci?.score).toBe(0);
    expect(r.frameworks.find((f) => f.id === "cis")?.requirements[0]?.id).toBe("Debian Linux 12 1.1");
  });

  it("passes when every applicable subject passes; not applicable when the target has no such thing", async () => {
    const pass = await evaluatePosture(set.controls, { name: "t" }, [
      listCollector([{ id: "a", facts: { size: 1, mode: 0o600, name: "a" } }]),
    ]);
    expect(pass.results.map((x) => x.status)).toEqual(["pass", "pass"]);
    expect(pass.frameworks.find((f) => f.id === "nist")?.score).toBe(100);
    const none = await evaluatePosture(set.controls, { name: "t" }, [listCollector(undefined)]);
    expect(none.results.map((x) => x.status)).toEqual(["not-applicable", "not-applicable"]);
    expect(none.frameworks.find((f) => f.id === "pci")?.score).toBeUndefined();
  });

  it("reports an expression that fails at run time as an error, never a pass", async () => {
    const r = await evaluatePosture(set.controls, { name: "t" }, [
      listCollector([{ id: "odd", facts: { mode: 0o600 } }]),
    ]);
    expect(r.results[0]?.status).toBe("error");
    expect(r.results[0]?.reason).toMatch(/^odd: /);
  });

  it("filters by framework and leaves disabled controls out", async () => {
    const c = listCollector([{ id: "a", facts: { size: 1, mode: 0o600, name: "a" } }]);
    const cis = await evaluatePosture(set.controls, { name: "t" }, [c], { framework: "cis" });
    expect(cis.results.map((x) => x.control.id)).toEqual(["thing-small"]);
    expect(cis.frameworks.map((f) => f.id)).toEqual(["cis"]);
    const off = await evaluatePosture(set.controls, { name: "t" }, [c], { disabled: ["thing-small"] });
    expect(off.results.map((x) => x.control.id)).toEqual(["thing-named"]);
  });

  it("user files replace by id and switch controls off", () => {
    const user = loadControlSet("version: 1\ncontrols:\n  - id: thing-named\n    disabled: true\n", "mine.yaml", names);
    expect(mergeControlSets(set.controls, user).map((c) => c.id)).toEqual(["thing-small"]);
  });

  it("rejects a bad file with every problem, each with its line", () => {
    const bad = `version: 1
controls:
  - id: Bad_Id
    title: t
    platform: mainframe
    severity: high
    rationale: r
    remediation: r
    input: nothing
    check: "thing.size <="
    frameworks: { iso: ["1"] }
`;
    try {
      loadControlSet(bad, "bad.yaml", names);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ControlSetError);
      const problems = (e as ControlSetError).problems.join("\n");
      for (const m of ["kebab-case", "platform must be", 'input "nothing"', "check:", 'unknown framework "iso"'])
        expect(problems).toContain(m);
      expect(problems).toContain("bad.yaml:3");
    }
    expect(() => loadControlSet("version: 2\ncontrols: []\n", "v.yaml", names)).toThrow(/version 2/);
  });
});
