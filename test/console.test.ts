import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestStore, testStore } from "../packages/console/src/store/test-support.js";
import { CLI } from "./fixtures/cli.js";
import { ConsoleClient, type ConsoleProcess, scanDone, startConsole } from "./fixtures/console-process.js";
import { SimulatedSensor } from "./fixtures/sensor-sim.js";
import { testdata } from "./fixtures/testdata.js";
import { vulnDbDir } from "./fixtures/vulndb.js";

/**
 * The console as users run it: the built `rampart console` over HTTPS (its own self-signed certificate,
 * trusted by pinning the file it wrote), on SQLite, on PostgreSQL, and as two processes sharing one
 * PostgreSQL database, with requests spread over both. A simulated sensor speaks the sensor protocol.
 */
const MODES = ["sqlite", "postgres", "two consoles on one postgres"] as const;
const ADMIN = { email: "admin@example.test", password: "correct horse battery staple" };

describe.each(MODES)("the console end to end (%s)", (mode) => {
  const dirs: string[] = [];
  const consoles: ConsoleProcess[] = [];
  const clients: ConsoleClient[] = [];
  let pg: TestStore | undefined;
  let a: ConsoleClient;
  let b: ConsoleClient;

  beforeAll(async () => {
    if (mode !== "sqlite") pg = await testStore("postgres");
    const database = pg?.config.engine === "postgres" ? pg.config.url : undefined;
    for (let i = 0; i < (mode === "two consoles on one postgres" ? 2 : 1); i++) {
      const dataDir = mkdtempSync(join(tmpdir(), "rampart-console-e2e-"));
      dirs.push(dataDir);
      const p = await startConsole({ dataDir, dbDir: vulnDbDir(), ...(database ? { database } : {}) });
      consoles.push(p);
      clients.push(new ConsoleClient(p.url, dataDir));
    }
    a = clients[0] as ConsoleClient;
    b = (clients[1] ?? clients[0]) as ConsoleClient;
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    for (const p of consoles) await p.stop();
    await pg?.drop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("registers the admin, runs the sensor protocol, scans an image archive and an SBOM, and ranks the findings", async () => {
    // The admin, over HTTPS with the console's own certificate.
    const reg = await a.call("POST", "/auth/register", ADMIN);
    expect(reg.status).toBe(201);
    for (const c of clients) c.token = reg.body.accessToken;
    // Registration is closed for everyone else, on every console.
    expect(
      (await b.call("POST", "/auth/register", { email: "late@example.test", password: ADMIN.password }, "")).status,
    ).toBe(403);

    const key = await b.call("POST", "/api-keys", { name: "sensors", scope: "sensor" });
    expect(key.status).toBe(201);
    const sensor = new SimulatedSensor(a, "web-1");
    expect((await sensor.register(key.body.key)).status).toBe(200);
    // The sensor's token works on the other console too (one signing key in the shared store).
    const other = new SimulatedSensor(b, "web-1", sensor.machineId);
    Object.assign(other, { nodeId: sensor.nodeId, token: sensor.token });
    expect((await sensor.full()).status).toBe(200);
    other.seq = sensor.seq;
    expect((await other.delta()).status).toBe(200);
    expect((await sensor.heartbeat()).status).toBe(200);
    const nodes = await b.call("GET", "/topology/nodes");
    expect(nodes.status).toBe(200);
    expect(JSON.stringify(nodes.body)).toContain("web-1");
    const node = await a.call("GET", `/topology/nodes/${sensor.nodeId}`);
    expect(node.status).toBe(200);
    // The full report's processes and the delta's one more.
    expect(JSON.stringify(node.body)).toContain("nginx");
    expect(JSON.stringify(node.body)).toContain(`worker ${other.seq}`);

    // An image archive, uploaded to one console (the scan job may run on either).
    const image = await b.upload(
      "/scans/image-archive?name=vuln-app:1.0",
      readFileSync(testdata("images", "vuln-app-1.0.docker.tar")),
    );
    expect(image.status).toBe(202);
    // An SBOM the CLI made of the node layer, to the other.
    const sbom = execFileSync("node", [CLI, "sbom", testdata("layers", "node"), "--format", "cyclonedx", "--quiet"], {
      maxBuffer: 64 << 20,
    });
    const fromSbom = await a.upload("/scans/sbom?name=node-app", sbom);
    expect(fromSbom.status).toBe(202);

    const imageScan = await scanDone(a, image.body.id);
    expect(imageScan.state, imageScan.error).toBe("complete");
    const sbomScan = await scanDone(b, fromSbom.body.id);
    expect(sbomScan.state, sbomScan.error).toBe("complete");

    // Ranked findings: highest risk first, KEV'd Log4Shell among the top of the image's.
    const ranked = await a.call("GET", `/findings?scan=${image.body.id}&limit=500`);
    expect(ranked.status).toBe(200);
    const risks = ranked.body.findings.map((f: { risk: number }) => f.risk);
    expect(risks.length).toBeGreaterThan(20);
    expect(risks).toEqual([...risks].sort((x: number, y: number) => y - x));
    const log4shell = ranked.body.findings.find((f: { cve: string | null }) => f.cve === "CVE-2021-44228");
    expect(log4shell).toMatchObject({ kev: true, severity: "critical" });
    expect(ranked.body.findings.indexOf(log4shell)).toBeLessThan(10);
    const lodash = await b.call("GET", `/findings?scan=${fromSbom.body.id}&package=lodash`);
    expect(lodash.body.findings.length).toBeGreaterThan(0);
    const kevOnly = await b.call("GET", "/findings?kev=true&limit=500");
    expect(kevOnly.body.findings.every((f: { kev: boolean }) => f.kev)).toBe(true);
    expect(kevOnly.body.findings.length).toBeGreaterThan(0);

    // A read-only user sees findings but can neither start scans nor see API keys.
    const inv = await a.call("POST", "/invitations", { email: "viewer@example.test", role: "read-only" });
    const viewer = await b.call(
      "POST",
      "/auth/accept",
      { token: inv.body.token, password: "a viewer's passphrase" },
      "",
    );
    expect(viewer.status).toBe(200);
    const ro = viewer.body.accessToken as string;
    expect((await a.call("GET", "/findings?limit=5", undefined, ro)).status).toBe(200);
    expect((await a.upload("/scans/sbom", sbom, ro)).status).toBe(403);
    expect((await b.call("GET", "/api-keys", undefined, ro)).status).toBe(403);
    expect((await b.call("POST", "/scans/node", { nodeId: sensor.nodeId, target: { kind: "host" } }, ro)).status).toBe(
      403,
    );
  });
});
