import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { openOciLayout } from "../../../source/oci-layout.js";
import type { ImageConfig } from "../../../source/source.js";
import type { ControlResult, ControlStatus } from "../../control.js";
import { evaluatePosture } from "../../engine.js";
import { loadControlSet } from "../../load.js";
import type { PostureTarget } from "../../target.js";
import { dockerfileSettings } from "./facts.js";
import { collectors, findDockerfiles } from "./index.js";
import { stepOfHistory, stepsOfDockerfile } from "./steps.js";

const here = import.meta.dirname;
const CONTROLS = join(here, "../../controls/dockerfile.yaml");
const DF = "Dockerfile bad/Dockerfile";
const ALPINE = "Dockerfile bad/Containerfile.alpine";
const IMAGE = "image bad:1.0";

/**
 * Every control of dockerfile.yaml: its status on the good inputs (good/Dockerfile and the good image's
 * config) and the subjects that fail it on the bad ones (two Dockerfiles and an image built by the legacy
 * builder). Controls that need what history does not keep (base images, ADD of local files) apply to
 * Dockerfiles only. A control that is not listed here fails the test.
 */
const EXPECTED: Record<string, { good: ControlStatus; bad: string[] }> = {
  "dockerfile-user": { good: "pass", bad: [DF, ALPINE, IMAGE] },
  "dockerfile-healthcheck": { good: "pass", bad: [DF, ALPINE, IMAGE] },
  "dockerfile-update-alone": { good: "pass", bad: [DF, ALPINE, IMAGE] },
  "dockerfile-add-instead-of-copy": { good: "pass", bad: [DF] },
  "dockerfile-add-remote": { good: "pass", bad: [DF, IMAGE] },
  "dockerfile-secret-env": { good: "pass", bad: [DF, IMAGE] },
  "dockerfile-secret-arg": { good: "pass", bad: [DF, IMAGE] },
  "dockerfile-base-image-tag": { good: "pass", bad: [DF, ALPINE] },
  "dockerfile-base-image-digest": { good: "pass", bad: [DF, ALPINE] },
  "dockerfile-apt-no-install-recommends": { good: "pass", bad: [DF, IMAGE] },
  "dockerfile-apt-lists-cleaned": { good: "pass", bad: [DF, IMAGE] },
  "dockerfile-apk-no-cache": { good: "pass", bad: [ALPINE] },
  "dockerfile-curl-pipe-shell": { good: "pass", bad: [DF, IMAGE] },
  "dockerfile-unverified-downloads": { good: "pass", bad: [DF, IMAGE] },
  "dockerfile-sudo": { good: "pass", bad: [DF, ALPINE, IMAGE] },
  "dockerfile-ssh-port": { good: "pass", bad: [DF, IMAGE] },
  "dockerfile-copy-whole-context": { good: "pass", bad: [DF, IMAGE] },
};

async function target(side: "good" | "bad"): Promise<PostureTarget> {
  const dir = join(here, "testdata", side);
  const names = side === "good" ? ["Dockerfile"] : ["Dockerfile", "Containerfile.alpine"];
  const dockerfiles = await Promise.all(
    names.map(async (n) => ({ path: `${side}/${n}`, content: await readFile(join(dir, n), "utf8") })),
  );
  const config = JSON.parse(await readFile(join(dir, "image-config.json"), "utf8")) as ImageConfig;
  return { name: side, dockerfiles, image: { name: `${side}:1.0`, config } };
}

describe("dockerfile controls", async () => {
  const set = loadControlSet(
    await readFile(CONTROLS, "utf8"),
    "dockerfile.yaml",
    new Set(collectors.map((c) => c.name)),
  );
  const results: Record<"good" | "bad", Map<string, ControlResult>> = { good: new Map(), bad: new Map() };
  const warnings: string[] = [];
  beforeAll(async () => {
    for (const side of ["good", "bad"] as const) {
      const report = await evaluatePosture(set.controls, await target(side), collectors);
      warnings.push(...report.warnings);
      for (const r of report.results) results[side].set(r.control.id, r);
    }
  });

  it("has at least 15 controls, each in the expectation table", () => {
    expect(set.controls.length).toBeGreaterThanOrEqual(15);
    expect(set.controls.map((c) => c.id).sort()).toEqual(Object.keys(EXPECTED).sort());
    expect(warnings).toEqual([]);
  });

  it.each(Object.entries(EXPECTED))("%s: passes on good, fails on exactly the bad subjects", (id, want) => {
    const good = results.good.get(id);
    expect({ status: good?.status, reason: good?.reason, violations: good?.violations }).toMatchObject({
      status: want.good,
      violations: [],
    });
    const bad = results.bad.get(id);
    expect(bad?.status, bad?.reason).toBe("fail");
    expect(bad?.violations.map((v) => v.subject).sort()).toEqual([...want.bad].sort());
    for (const v of bad?.violations ?? []) expect(v.evidence.length, `${id} gives evidence`).toBeGreaterThan(0);
  });

  it("gives evidence with the line of the instruction, and never a secret's value", () => {
    const curl = results.bad.get("dockerfile-curl-pipe-shell")?.violations.find((v) => v.subject === DF);
    expect(curl?.evidence).toEqual(["line 11: RUN curl -fsSL https://get.example.com/install.sh | sudo bash"]);
    expect(curl?.location).toEqual({ path: "bad/Dockerfile" });
    const all = JSON.stringify([...results.bad.values()].map((r) => r.violations));
    for (const secret of ["0123456789abcdef", "hunter2", "ghp_notarealtoken"]) expect(all).not.toContain(secret);
    // GPG_KEY (a public key id in official images) is not a credential.
    expect(all).not.toContain("GPG_KEY");
  });

  it("is not applicable without Dockerfiles or an image", async () => {
    const r = await evaluatePosture(set.controls, { name: "none" }, collectors);
    expect(new Set(r.results.map((x) => x.status))).toEqual(new Set(["not-applicable"]));
  });
});

describe("Dockerfile parsing", () => {
  it("knows the final stage; a heredoc's lines are not instructions", () => {
    const { steps, finalStage } = stepsOfDockerfile(
      "FROM golang:1.22 AS build\nRUN <<EOT\nUSER root\nEOT\nUSER builder\nFROM build AS test\nFROM scratch\nCOPY --from=build /out /app\nUSER 1000\n",
    );
    expect(finalStage).toBe(2);
    expect(steps.filter((s) => s.keyword === "USER").map((s) => [s.args, s.stage])).toEqual([
      ["builder", 0],
      ["1000", 2],
    ]);
    const froms = steps.filter((s) => s.from).map((s) => s.from);
    expect(froms.map((f) => [f?.image, f?.stageRef, f?.scratch])).toEqual([
      ["golang:1.22", -1, false],
      ["build", 0, false],
      ["scratch", -1, true],
    ]);
    expect(steps.find((s) => s.keyword === "COPY")?.flags).toEqual(["from=build"]);
  });

  it("gives a stage built FROM an earlier stage that stage's user and healthcheck", () => {
    const { steps, finalStage } = stepsOfDockerfile(
      "FROM debian:12 AS base\nUSER 1000\nHEALTHCHECK CMD true\nFROM base AS app\nRUN make\nFROM app\nEXPOSE 8080\n",
    );
    expect(dockerfileSettings(steps, finalStage)).toMatchObject({ user: "1000", healthcheck: true, exposed: ["8080"] });
    const other = stepsOfDockerfile("FROM debian:12 AS base\nUSER 1000\nFROM debian:12\nRUN make\n");
    expect(dockerfileSettings(other.steps, other.finalStage)).toMatchObject({ user: "", healthcheck: false });
  });

  it("joins continuation lines and skips comments inside them", () => {
    const { steps } = stepsOfDockerfile(
      "FROM debian:12\nRUN apt-get update \\\n# a comment\n && apt-get install -y curl\n",
    );
    expect(steps[1]).toMatchObject({
      keyword: "RUN",
      args: "apt-get update && apt-get install -y curl",
      where: "line 2",
    });
  });

  it("reads the history forms of the legacy builder, BuildKit and build arguments", () => {
    expect(stepOfHistory("/bin/sh -c #(nop)  USER app", 3)).toMatchObject({
      keyword: "USER",
      args: "app",
      where: "history 3",
    });
    expect(stepOfHistory("USER 10001:10001", 0)).toMatchObject({ keyword: "USER", args: "10001:10001" });
    expect(stepOfHistory("RUN /bin/sh -c apt-get update # buildkit", 0)).toMatchObject({
      keyword: "RUN",
      args: "apt-get update",
    });
    expect(stepOfHistory("/bin/sh -c apt-get install -y curl", 0)).toMatchObject({
      keyword: "RUN",
      args: "apt-get install -y curl",
    });
    expect(stepOfHistory("|2 TOKEN=abc MODE=x /bin/sh -c make", 0)).toMatchObject({
      keyword: "RUN",
      args: "make",
      names: ["TOKEN", "MODE"],
    });
    expect(stepOfHistory("RUN |1 NPM_TOKEN=abc /bin/sh -c npm ci # buildkit", 0)).toMatchObject({
      args: "npm ci",
      names: ["NPM_TOKEN"],
    });
    expect(stepOfHistory("/bin/sh -c #(nop)  ENV GPG_KEY A035C8C19219BA821ECEA86B64E628F8D684696D", 0)).toMatchObject({
      keyword: "ENV",
      names: ["GPG_KEY"],
      valued: ["GPG_KEY"],
    });
    expect(stepOfHistory("ENV A=1 B=two words C=", 0)).toMatchObject({ names: ["A", "B", "C"], valued: ["A", "B"] });
    expect(stepOfHistory("  ", 0)).toBeUndefined();
  });

  it("finds Dockerfiles and Containerfiles in a directory and warns on what is not one", async () => {
    const dir = await mkdtemp(join(tmpdir(), "rampart-dockerfiles-"));
    try {
      await mkdir(join(dir, "svc/node_modules/x"), { recursive: true });
      await writeFile(join(dir, "Dockerfile"), "FROM debian:12\n");
      await writeFile(join(dir, "svc/api.Dockerfile"), "FROM debian:12\n");
      await writeFile(join(dir, "svc/Containerfile"), "FROM debian:12\n");
      await writeFile(join(dir, "svc/node_modules/x/Dockerfile"), "FROM debian:12\n");
      await writeFile(join(dir, "svc/dockerfile.txt.bak"), Buffer.from([0, 1, 2]));
      await writeFile(join(dir, "svc/Dockerfile.notes"), "just some notes\n");
      const warnings: string[] = [];
      const found = await findDockerfiles(dir, (m) => warnings.push(m));
      expect(found.map((d) => d.path)).toEqual([
        join(dir, "Dockerfile"),
        join(dir, "svc/Containerfile"),
        join(dir, "svc/Dockerfile.notes"),
        join(dir, "svc/api.Dockerfile"),
      ]);
      expect(warnings).toEqual([`${join(dir, "svc/dockerfile.txt.bak")}: binary content, not a Dockerfile; skipped`]);
      const subjects = await collectors[0]?.collect({ name: "x", dockerfiles: found }, (m) => warnings.push(m));
      expect(subjects?.map((s) => s.id)).toHaveLength(3);
      expect(warnings.at(-1)).toBe(`${join(dir, "svc/Dockerfile.notes")}: no FROM instruction; not a Dockerfile`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("an image's config and history as its Dockerfile", () => {
  it("checks the test image vuln-app-1.0 like a Dockerfile (CIS Docker 4 on scan image)", async () => {
    const testdata = process.env.RAMPART_TESTDATA ?? "/tmp/rampart-testdata";
    const layout = join(testdata, "oci");
    if (!existsSync(join(layout, "index.json")))
      throw new Error(`${layout} is missing: run \`npm run test:setup\` to build the test images`);
    const image = await openOciLayout(layout, { ref: "vuln-app-1.0", platform: "linux/amd64" });
    try {
      const set = loadControlSet(
        await readFile(CONTROLS, "utf8"),
        "dockerfile.yaml",
        new Set(collectors.map((c) => c.name)),
      );
      const r = await evaluatePosture(
        set.controls,
        { name: "vuln-app", image: { name: "vuln-app:1.0", config: image.config } },
        collectors,
      );
      const status = Object.fromEntries(r.results.map((x) => [x.control.id, x.status]));
      const evidence = (id: string) => r.results.find((x) => x.control.id === id)?.violations[0]?.evidence;
      expect(status).toMatchObject({
        "dockerfile-user": "fail",
        "dockerfile-healthcheck": "fail",
        "dockerfile-secret-env": "fail",
        "dockerfile-apt-no-install-recommends": "fail",
        "dockerfile-apt-lists-cleaned": "fail",
        "dockerfile-ssh-port": "pass",
        "dockerfile-curl-pipe-shell": "pass",
        "dockerfile-copy-whole-context": "pass",
        // What only a Dockerfile says (its base images, ADD of local files) is not applicable to an image.
        "dockerfile-base-image-tag": "not-applicable",
        "dockerfile-add-instead-of-copy": "not-applicable",
      });
      expect(evidence("dockerfile-secret-env")).toEqual([
        "ENV DB_PASSWORD has a value",
        "ENV AWS_ACCESS_KEY_ID has a value",
      ]);
      expect(evidence("dockerfile-apt-no-install-recommends")).toEqual([
        "history 1: RUN apt-get install -y python3-yaml python3-requests python3-jinja2 curl ca-certificates",
      ]);
    } finally {
      await image.close();
    }
  });
});
