import { createReadStream, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import type { InjectOptions, LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testdata } from "../../../../test/fixtures/testdata.js";
import { vulnDbDir } from "../../../../test/fixtures/vulndb.js";
import type { ConsoleApp } from "../http/app.js";
import { type TestConsole, testConsole } from "../http/test-support.js";
import { fastQueue, settledScan } from "../scans/test-support.js";
import { ENGINES } from "../store/test-support.js";

const SBOM = readFileSync(resolve(import.meta.dirname, "../../../engine/src/sbom/testdata/trivy-vuln-app.cdx.json"));

describe.each(ENGINES)("scan and findings routes on %s", (engine) => {
  let c: TestConsole;
  let app: ConsoleApp;
  let admin: Record<string, string>;
  const inject = (o: InjectOptions) => app.inject(o) as unknown as Promise<LightMyRequestResponse>;

  const settled = (id: string) => settledScan(inject, id, admin);

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

  it("scans an uploaded image archive and an SBOM, then ranks, counts, groups and diffs their findings", async () => {
    const archive = testdata("images", "vuln-app-1.0.docker.tar");
    const up = await inject({
      method: "POST",
      url: "/api/v1/scans/image-archive?name=lab/vuln-app&scanners=vuln&scanners=secret",
      headers: { ...admin, "content-type": "application/x-tar", "content-length": String(statSync(archive).size) },
      payload: createReadStream(archive),
    });
    expect(up.statusCode, up.body).toBe(202);
    expect(up.json().target).toMatchObject({ kind: "image-archive", key: "image:lab/vuln-app" });
    const image = await settled(up.json().id);
    expect(image.state, image.error).toBe("complete");
    expect(image.scanners).toEqual(["vuln", "secret"]);

    const sbom = await inject({
      method: "POST",
      url: "/api/v1/scans/sbom?name=lab/vuln-app-sbom",
      headers: { ...admin, "content-type": "application/vnd.cyclonedx+json" },
      payload: SBOM,
    });
    expect(sbom.statusCode, sbom.body).toBe(202);
    expect((await settled(sbom.json().id)).state).toBe("complete");

    const list = await inject({
      method: "GET",
      url: "/api/v1/findings?severity=critical&severity=high&kev=true&limit=2",
      headers: admin,
    });
    expect(list.statusCode, list.body).toBe(200);
    const { findings, next } = list.json();
    expect(findings.length).toBe(2);
    expect(next).toEqual(expect.any(String));
    expect(findings[0].cve).toBe("CVE-2021-44228");
    for (const f of findings) {
      expect(f.kev).toBe(true);
      expect(["critical", "high"]).toContain(f.severity);
    }
    for (let i = 1; i < findings.length; i++) expect(findings[i - 1].risk).toBeGreaterThanOrEqual(findings[i].risk);
    const page2 = await inject({
      method: "GET",
      url: `/api/v1/findings?severity=critical&severity=high&kev=true&limit=2&cursor=${next}`,
      headers: admin,
    });
    expect(page2.json().findings.length).toBeGreaterThan(0);
    expect(page2.json().findings[0].risk).toBeLessThanOrEqual(findings[1].risk);
    expect(page2.json().findings.map((f: { id: string }) => f.id)).not.toContain(findings[1].id);

    const counts = await inject({ method: "GET", url: `/api/v1/findings/counts?scan=${image.id}`, headers: admin });
    expect(counts.json().total).toBe(image.summary.total);
    expect(counts.json().byKind.secret).toBeGreaterThan(0);

    const groups = await inject({
      method: "GET",
      url: "/api/v1/findings/groups?by=cve&cve=CVE-2021-44228",
      headers: admin,
    });
    expect(groups.json().groups).toEqual([expect.objectContaining({ key: "CVE-2021-44228", targets: 2, count: 2 })]);

    // The same image again, under the same name: diffs against the first scan with nothing new or fixed.
    const again = await inject({
      method: "POST",
      url: "/api/v1/scans/image-archive?name=lab/vuln-app&scanners=vuln&scanners=secret",
      headers: { ...admin, "content-type": "application/octet-stream" },
      payload: createReadStream(archive),
    });
    const second = await settled(again.json().id);
    const diff = await inject({
      method: "GET",
      url: `/api/v1/scans/${second.id}/diff?against=${image.id}`,
      headers: admin,
    });
    expect(diff.statusCode, diff.body).toBe(200);
    expect(diff.json().new).toEqual([]);
    expect(diff.json().fixed).toEqual([]);
    expect(diff.json().unchanged.length).toBe(image.summary.total);
    const across = await inject({
      method: "GET",
      url: `/api/v1/scans/${second.id}/diff?against=${sbom.json().id}`,
      headers: admin,
    });
    expect(across.statusCode).toBe(400);

    const scansList = await inject({ method: "GET", url: "/api/v1/scans?target=image:lab/vuln-app", headers: admin });
    expect(scansList.json().scans.map((s: { id: string }) => s.id)).toEqual([second.id, image.id]);
  });

  it("accepts a finding with a reason and expiry, and revokes it; read-only users may read but not decide or scan", async () => {
    const top = (await inject({ method: "GET", url: "/api/v1/findings?limit=1", headers: admin })).json().findings[0];
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const put = await inject({
      method: "PUT",
      url: `/api/v1/findings/${top.id}/state`,
      headers: admin,
      payload: { status: "accepted", reason: "compensating control: WAF", expiresAt },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({ status: "accepted", expiresAt });
    const hidden = await inject({ method: "GET", url: `/api/v1/findings?cve=${top.cve}`, headers: admin });
    expect(hidden.json().findings.some((f: { id: string }) => f.id === top.id)).toBe(false);
    const shown = (await inject({ method: "GET", url: `/api/v1/findings/${top.id}`, headers: admin })).json();
    expect(shown.status).toBe("accepted");
    const past = await inject({
      method: "PUT",
      url: `/api/v1/findings/${top.id}/state`,
      headers: admin,
      payload: { status: "accepted", reason: "x", expiresAt: "2001-01-01T00:00:00Z" },
    });
    expect(past.statusCode).toBe(400);

    const reader = c.auth(await c.tokenFor("read-only"));
    expect((await inject({ method: "GET", url: "/api/v1/findings?limit=1", headers: reader })).statusCode).toBe(200);
    expect(
      (
        await inject({
          method: "PUT",
          url: `/api/v1/findings/${top.id}/state`,
          headers: reader,
          payload: { status: "false-positive", reason: "no" },
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await inject({
          method: "POST",
          url: "/api/v1/scans/sbom",
          headers: { ...reader, "content-type": "application/json" },
          payload: SBOM,
        })
      ).statusCode,
    ).toBe(403);

    const del = await inject({ method: "DELETE", url: `/api/v1/findings/${top.id}/state`, headers: admin });
    expect(del.json()).toEqual({ revoked: true });
    expect((await inject({ method: "GET", url: `/api/v1/findings/${top.id}`, headers: admin })).json().status).toBe(
      "open",
    );
    const audit = await c.console.services.store.db
      .selectFrom("audit_log")
      .select("action")
      .where("action", "like", "finding.%")
      .execute();
    expect(audit.map((a) => a.action)).toEqual(["finding.state", "finding.state-revoke"]);
  });

  it("answers bad input with 4xx: bad cursor, unknown ids, empty or oversized uploads, bad SBOMs as failed scans", async () => {
    expect((await inject({ method: "GET", url: "/api/v1/findings?cursor=xyz", headers: admin })).statusCode).toBe(400);
    expect((await inject({ method: "GET", url: "/api/v1/findings?severity=awful", headers: admin })).statusCode).toBe(
      400,
    );
    expect((await inject({ method: "GET", url: "/api/v1/scans/nope", headers: admin })).statusCode).toBe(404);
    expect((await inject({ method: "GET", url: "/api/v1/findings/nope", headers: admin })).statusCode).toBe(404);
    expect((await inject({ method: "POST", url: "/api/v1/scans/nope/cancel", headers: admin })).statusCode).toBe(404);
    expect(
      (
        await inject({
          method: "POST",
          url: "/api/v1/scans/node",
          headers: admin,
          payload: { nodeId: "nope", target: { kind: "host" } },
        })
      ).statusCode,
    ).toBe(404);
    const empty = await inject({ method: "POST", url: "/api/v1/scans/image-archive", headers: admin });
    expect(empty.statusCode).toBe(400);
    const big = await inject({
      method: "POST",
      url: "/api/v1/scans/image-archive",
      headers: { ...admin, "content-type": "application/x-tar", "content-length": String(10 * 1024 * 1024 * 1024) },
      payload: "x",
    });
    expect(big.statusCode).toBe(413);
    const junk = await inject({
      method: "POST",
      url: "/api/v1/scans/sbom?name=junk",
      headers: { ...admin, "content-type": "application/json" },
      payload: "{not json",
    });
    expect(junk.statusCode).toBe(202);
    const failed = await settled(junk.json().id);
    expect(failed.state).toBe("failed");
    expect(failed.error).toMatch(/^not valid JSON/);
  });
});
