import { createReadStream, statSync } from "node:fs";
import type { InjectOptions, LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testdata } from "../../../../test/fixtures/testdata.js";
import { vulnDbDir } from "../../../../test/fixtures/vulndb.js";
import type { ConsoleApp } from "../http/app.js";
import { type TestConsole, testConsole } from "../http/test-support.js";
import { fastQueue, settledScan } from "../scans/test-support.js";
import { ENGINES } from "../store/test-support.js";

describe.each(ENGINES)("posture routes on %s", (engine) => {
  let c: TestConsole;
  let app: ConsoleApp;
  let admin: Record<string, string>;
  const inject = (o: InjectOptions) => app.inject(o) as unknown as Promise<LightMyRequestResponse>;

  const settled = (id: string) => settledScan(inject, id, admin);
  const upload = async (scanners: string[]) => {
    const archive = testdata("images", "vuln-app-1.0.docker.tar");
    const r = await inject({
      method: "POST",
      url: `/api/v1/scans/image-archive?name=lab/vuln-app&${scanners.map((s) => `scanners=${s}`).join("&")}`,
      headers: { ...admin, "content-type": "application/x-tar", "content-length": String(statSync(archive).size) },
      payload: createReadStream(archive),
    });
    expect(r.statusCode, r.body).toBe(202);
    return settled(r.json().id);
  };

  beforeAll(async () => {
    c = await testConsole(engine, {
      vulnDbDir: vulnDbDir(),
      jobs: ({ store, instance }) => fastQueue(store, instance),
    });
    await c.console.start();
    app = c.app;
    admin = c.auth(c.adminToken);
  });
  afterAll(async () => {
    await c?.close();
  });

  it("checks an uploaded image's config and history: failed controls are findings, every control is kept", async () => {
    const scan = await upload(["posture"]);
    expect(scan.state, scan.error).toBe("complete");
    expect(scan.scanners).toEqual(["posture"]);
    const summary = scan.summary.posture;
    // The test image runs as root with no HEALTHCHECK: both are CIS Docker 4.x failures.
    expect(summary.controls.fail).toBeGreaterThan(0);
    expect(summary.controls.pass).toBeGreaterThan(0);
    expect(scan.summary.byKind.posture).toBe(summary.controls.fail);

    const doc = (await inject({ method: "GET", url: `/api/v1/scans/${scan.id}/posture`, headers: admin })).json();
    const dockerfile = doc.controls.filter((x: { platform: string }) => x.platform === "dockerfile");
    expect(dockerfile.length).toBeGreaterThanOrEqual(15);
    const user = doc.controls.find(
      (x: { id: string; platform: string }) => /user/.test(x.id) && x.platform === "dockerfile",
    );
    expect(user?.status).toBe("fail");
    expect(user.violations[0].subject).toContain("lab/vuln-app");
    expect(doc.frameworks.find((f: { id: string }) => f.id === "cis").requirements.length).toBeGreaterThan(0);

    const findings = (await inject({ method: "GET", url: "/api/v1/findings?kind=posture", headers: admin })).json();
    const ids = findings.findings.map((f: { detail: { id: string } }) => f.detail.id);
    expect(ids).toContain(user.id);
    expect(ids).toHaveLength(summary.controls.fail);
  });

  it("the overview keeps a target's latest posture scan when a later scan did not run posture", async () => {
    const first = await upload(["posture"]);
    const later = await upload(["vuln"]);
    expect(later.state, later.error).toBe("complete");
    const r = await inject({ method: "GET", url: "/api/v1/posture", headers: admin });
    expect(r.statusCode, r.body).toBe(200);
    const o = r.json();
    const t = o.targets.find((x: { targetKey: string }) => x.targetKey === "image:lab/vuln-app");
    expect(t.scanId).toBe(first.id);
    const cis = o.frameworks.find((f: { id: string }) => f.id === "cis");
    expect(cis.targets).toBe(1);
    expect(cis.score).toBeGreaterThanOrEqual(0);
    expect(cis.score).toBeLessThan(100);
    const none = await inject({ method: "GET", url: `/api/v1/scans/${later.id}/posture`, headers: admin });
    expect(none.statusCode).toBe(404);
    expect(none.json().message).toContain("no posture results");
    const unknown = await inject({ method: "GET", url: "/api/v1/scans/nope/posture", headers: admin });
    expect(unknown.statusCode).toBe(404);
  });

  it("a read-only user may read posture", async () => {
    const reader = c.auth(await c.tokenFor("read-only"));
    const r = await inject({ method: "GET", url: "/api/v1/posture", headers: reader });
    expect(r.statusCode).toBe(200);
  });
});
