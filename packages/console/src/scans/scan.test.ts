import { randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testdata } from "../../../../test/fixtures/testdata.js";
import { vulnDbDir } from "../../../../test/fixtures/vulndb.js";
import { FindingsService } from "../findings/service.js";
import type { StoreJobQueue } from "../jobs/store-queue.js";
import { openStore, type Store } from "../store/open.js";
import { ENGINES, type TestStore, testStore } from "../store/test-support.js";
import { SensorService, UploadRejectedError } from "../topology/service.js";
import { sensorKey } from "../topology/test-support.js";
import { NODE_SCAN_JOB, ScanService } from "./service.js";
import { fastQueue, finished } from "./test-support.js";

const SBOMS = resolve(import.meta.dirname, "../../../engine/src/sbom/testdata");
const trivySbom = () => readFileSync(join(SBOMS, "trivy-vuln-app.cdx.json"), "utf8");

describe.each(ENGINES)("scans on %s", (engine) => {
  let t: TestStore;
  let store: Store;
  let dataDir: string;
  let jobs: StoreJobQueue;
  let scans: ScanService;
  let findings: FindingsService;

  beforeAll(async () => {
    t = await testStore(engine);
    store = await openStore(t.config);
    dataDir = mkdtempSync(join(tmpdir(), "rampart-scans-"));
    jobs = fastQueue(store);
    scans = new ScanService({
      store,
      jobs,
      dataDir,
      vulnDbDir: vulnDbDir(),
      uploadLimit: 512 * 1024 * 1024,
      pollMs: 50,
    });
    findings = new FindingsService(store);
    await jobs.start();
    await scans.start();
  });
  afterAll(async () => {
    scans?.stop();
    await jobs?.stop();
    await store?.close();
    await t?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const uploadsLeft = () => readdirSync(join(dataDir, "uploads"));

  it("scans an image archive for vulnerabilities, secrets and malware, and stores masked, ranked findings", async () => {
    const archive = testdata("images", "vuln-app-1.0.docker.tar");
    const created = await scans.createImageArchiveScan({
      input: { path: archive },
      scanners: ["vuln", "secret", "malware"],
      createdBy: "user:test",
    });
    expect(["queued", "running"]).toContain(created.state);
    const started = Date.now();
    const job = await finished(jobs, created.jobId);
    const seconds = (Date.now() - started) / 1000;
    console.log(`${engine}: vuln-app-1.0 image archive scanned (vuln, secret, malware) in ${seconds.toFixed(1)} s`);
    expect(job.error).toBeNull();
    expect(job.state).toBe("complete");
    const scan = await scans.get(created.id);
    // Named by the archive's tag, since the upload gave no name.
    expect(scan?.target.key).toMatch(/^image:.*vuln-app:1\.0$/);
    expect(scan?.summary?.byKind.secret).toBeGreaterThan(0);
    expect(scan?.summary?.byKind.malware).toBeGreaterThan(0);
    expect(scan?.packageCount).toBeGreaterThan(100);
    // The uploaded archive is gone once the results are in.
    expect(uploadsLeft()).toEqual([]);

    const all = await findings.list(
      { scanId: created.id, status: ["open", "accepted", "false-positive"] },
      { limit: 500 },
    );
    const rows = [...all.items];
    for (let next = all.next; next; ) {
      const p = await findings.list({ scanId: created.id }, { limit: 500, cursor: next });
      rows.push(...p.items);
      next = p.next;
    }
    expect(rows.length).toBe(scan?.summary?.total);
    const log4shell = rows.find((f) => f.cve === "CVE-2021-44228" && f.package?.name === "log4j-core");
    expect(log4shell?.kev).toBe(true);
    expect(log4shell?.package?.version).toBe("2.14.1");
    expect(rows.some((f) => f.package?.name === "lodash" && f.package.version === "4.17.15")).toBe(true);
    // Riskiest first: Log4Shell (KEV, critical, network) outranks everything else in this image.
    expect(rows[0]?.risk).toBe(Math.max(...rows.map((r) => r.risk)));
    // The secret in the image's config never reaches the store: only its masked preview does.
    const config = readFileSync(testdata("layers", "secrets", "app", "config", "config.yaml"), "utf8");
    const password = /password:\s*"?([^"\s]+)/i.exec(config)?.[1] ?? "";
    expect(password.length).toBeGreaterThan(8);
    const bodies = await store.db.selectFrom("findings").select("body").where("scan_id", "=", created.id).execute();
    expect(bodies.some((b) => b.body.includes(password))).toBe(false);
    expect(rows.some((f) => f.kind === "secret" && f.path === "/app/config/config.yaml")).toBe(true);
    expect(rows.some((f) => f.kind === "malware" && f.path === "/var/www/html/shell.php")).toBe(true);
  });

  it("matches an uploaded SBOM, named by the image it describes", async () => {
    const created = await scans.createSbomScan({ sbom: trivySbom(), createdBy: "user:test" });
    const job = await finished(jobs, created.jobId);
    expect(job.state).toBe("complete");
    const scan = await scans.get(created.id);
    expect(scan?.target.key).toBe("sbom:docker.io/lab/vuln-app:1.0");
    const page = await findings.list({ scanId: created.id }, { limit: 500 });
    expect(page.items.some((f) => f.cve === "CVE-2021-44228")).toBe(true);
    expect(page.items.some((f) => f.package?.purl === "pkg:npm/lodash@4.17.15")).toBe(true);
    expect(page.items.length).toBe(scan?.summary?.total);
    expect(job.result).toEqual(scan?.summary);
  });

  it("fails a scan of a bad archive or SBOM with the engine's message, and drops the upload", async () => {
    const notAnImage = await scans.createImageArchiveScan({
      input: Readable.from([Buffer.from("this is not a tar file at all, just text\n".repeat(40))]),
      name: "broken",
      createdBy: "user:test",
    });
    const a = await finished(jobs, notAnImage.jobId);
    expect(a.state).toBe("failed");
    expect(a.error).toMatch(/^broken: not a tar archive/);
    expect(a.error).not.toContain(dataDir);
    const notAnSbom = await scans.createSbomScan({ sbom: '{"hello": "world"}', name: "junk", createdBy: "user:test" });
    const b = await finished(jobs, notAnSbom.jobId);
    expect(b.state).toBe("failed");
    expect(b.error).toBe('not an SBOM: JSON with neither bomFormat "CycloneDX" nor an spdxVersion');
    expect((await scans.get(notAnSbom.id))?.state).toBe("failed");
    expect(uploadsLeft()).toEqual([]);
  });

  it("refuses an upload over the limit without leaving a partial file", async () => {
    const small = new ScanService({ store, jobs, dataDir, vulnDbDir: vulnDbDir(), uploadLimit: 1000 });
    await expect(
      small.createSbomScan({ sbom: Buffer.alloc(5000, 0x20), createdBy: "user:test" }),
    ).rejects.toMatchObject({ reason: "too-large" });
    expect(uploadsLeft()).toEqual([]);
  });

  it("asks a node's sensor to scan, and completes with the sensor's uploads matched here", async () => {
    const sensors = new SensorService(store);
    sensors.setUploadHook((u) => scans.ingestSensorUpload(u));
    const { node } = await sensors.register(await sensorKey(store), {
      machineId: `m-${randomUUID()}`,
      hostname: "web-1",
      agentVersion: "0.1.0",
    });
    const created = await scans.createNodeScan({
      nodeId: node.id,
      target: { kind: "image", ref: "lab/vuln-app:1.0" },
      scanners: ["vuln", "secret"],
      createdBy: "user:test",
    });
    expect(created.target.key).toBe(`node:${node.id}/image:lab/vuln-app:1.0`);
    const running = finished(jobs, created.jobId);
    // The sensor gets the action, scans, uploads its SBOM and secrets, then says done.
    const actions = await sensors.pullActions(node.id, 5);
    expect(actions).toHaveLength(1);
    expect(actions?.[0]?.payload).toEqual({
      scanId: created.id,
      target: { kind: "image", ref: "lab/vuln-app:1.0" },
      scanners: ["vuln", "secret"],
    });
    const secret = {
      ruleId: "generic-password",
      title: "Password",
      severity: "high" as const,
      path: "/app/config/config.yaml",
      line: 3,
      column: 13,
      preview: "Sup3*************rd",
      fingerprint: `sha256:${"ab".repeat(32)}`,
    };
    const up = (kind: "sbom" | "secrets" | "done", content: Record<string, unknown>, id = randomUUID()) =>
      sensors.upload(node.id, id, { scanId: created.id, kind, content });
    const sbomUploadId = randomUUID();
    expect((await up("sbom", JSON.parse(trivySbom()), sbomUploadId)).hookError).toBeUndefined();
    expect((await up("secrets", { findings: [secret] })).hookError).toBeUndefined();
    expect((await up("done", {})).hookError).toBeUndefined();
    const job = await running;
    expect(job.error).toBeNull();
    expect(job.state).toBe("complete");
    const page = await findings.list({ scanId: created.id }, { limit: 500 });
    expect(page.items.some((f) => f.cve === "CVE-2021-44228" && f.nodeId === node.id)).toBe(true);
    expect(page.items.filter((f) => f.kind === "secret")).toHaveLength(1);
    expect(page.items.every((f) => f.imageRef === "lab/vuln-app:1.0")).toBe(true);
    // A retried upload after all this is acknowledged and changes nothing.
    const again = await up("sbom", JSON.parse(trivySbom()), sbomUploadId);
    expect(again.result.status).toBe("repeat");
    const count = await store.db
      .selectFrom("findings")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("scan_id", "=", created.id)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(page.items.length);
    await sensors.stop();
  });

  it("makes a scan the sensor started on its own into a scan of its node, once however often it is replayed", async () => {
    const sensors = new SensorService(store);
    sensors.setUploadHook((u) => scans.ingestSensorUpload(u));
    const { node } = await sensors.register(await sensorKey(store), {
      machineId: `m-${randomUUID()}`,
      hostname: "db-1",
      agentVersion: "0.1.0",
    });
    const scanId = randomUUID();
    const target = { kind: "host" as const, ref: "db-1" };
    const sbomUpload = { scanId, kind: "sbom" as const, content: JSON.parse(trivySbom()), target };
    await sensors.upload(node.id, "u-sbom", sbomUpload);
    // The same upload arriving again, and the hook replayed as on a restart: still one scan, one job.
    await sensors.upload(node.id, "u-sbom", sbomUpload);
    await scans.recover();
    await sensors.upload(node.id, "u-done", {
      scanId,
      kind: "done",
      content: { warnings: ["partial: /proc skipped"] },
      target,
    });
    const scan = await scans.get(scanId);
    expect(scan?.target).toEqual({ kind: "host", ref: "db-1", key: `node:${node.id}/host`, nodeId: node.id });
    const jobsOfScan = (await jobs.list({ kind: NODE_SCAN_JOB, limit: 1000 })).filter(
      (j) => (j.payload as { scanId: string }).scanId === scanId,
    );
    expect(jobsOfScan).toHaveLength(1);
    const job = await finished(jobs, scan?.jobId ?? null);
    expect(job.state).toBe("complete");
    const done = await scans.get(scanId);
    expect(done?.scanners).toEqual(["vuln"]);
    expect(done?.warnings).toContain("partial: /proc skipped");
    // Processing again (a crash before the job was marked complete) does not duplicate a finding.
    const before = done?.summary?.total;
    await store.db.updateTable("scans").set({ results_at: null, summary: null }).where("id", "=", scanId).execute();
    const rerun = await jobs.enqueue({ kind: NODE_SCAN_JOB, payload: { scanId }, deadlineSeconds: 60, maxAttempts: 1 });
    expect((await finished(jobs, rerun)).state).toBe("complete");
    const rows = await store.db.selectFrom("findings").select("id").where("scan_id", "=", scanId).execute();
    expect(rows.length).toBe(before);
    // Another node cannot post into this scan.
    const other = await sensors.register(await sensorKey(store), {
      machineId: `m-${randomUUID()}`,
      hostname: "x",
      agentVersion: "0.1.0",
    });
    const foreign = await sensors.upload(other.node.id, "u-x", { scanId, kind: "done", content: {} });
    expect(foreign.hookError).toBeInstanceOf(UploadRejectedError);
    expect(String(foreign.hookError)).toMatch(/not a scan of this node/);
    // Content that can never be used is refused before it is acknowledged.
    const junk = await sensors.upload(node.id, "u-junk", {
      scanId: randomUUID(),
      kind: "secrets",
      content: { findings: [{ ruleId: "x", secret: "hunter2" }] },
      target,
    });
    expect(String(junk.hookError)).toMatch(/secrets upload u-junk is malformed/);
    await sensors.stop();
  });

  it("fails a node scan when the sensor reports failure, and a bad SBOM from a sensor with the reader's message", async () => {
    const sensors = new SensorService(store);
    sensors.setUploadHook((u) => scans.ingestSensorUpload(u));
    const { node } = await sensors.register(await sensorKey(store), {
      machineId: `m-${randomUUID()}`,
      hostname: "h",
      agentVersion: "0.1.0",
    });
    const a = await scans.createNodeScan({ nodeId: node.id, target: { kind: "host" }, createdBy: "user:test" });
    const ra = finished(jobs, a.jobId);
    await sensors.pullActions(node.id, 5);
    await sensors.upload(node.id, randomUUID(), {
      scanId: a.id,
      kind: "failed",
      content: { error: "disk read error" },
    });
    const ja = await ra;
    expect(ja.state).toBe("failed");
    expect(ja.error).toContain("disk read error");

    const b = await scans.createNodeScan({
      nodeId: node.id,
      target: { kind: "container", ref: "web" },
      createdBy: "user:test",
    });
    const rb = finished(jobs, b.jobId);
    await sensors.pullActions(node.id, 5);
    const bad = await sensors.upload(node.id, randomUUID(), {
      scanId: b.id,
      kind: "sbom",
      content: { bomFormat: "NotCycloneDX" },
    });
    // Refused at once (the sensor's 400), and the scan fails with the reader's message when the sensor ends it.
    expect(String(bad.hookError)).toMatch(/not an SBOM we read/);
    await sensors.upload(node.id, randomUUID(), { scanId: b.id, kind: "done", content: {} });
    const jb = await rb;
    expect(jb.state).toBe("failed");
    expect(jb.error).toMatch(/not an SBOM we read/);
    await expect(
      scans.createNodeScan({ nodeId: "nope", target: { kind: "host" }, createdBy: "u" }),
    ).rejects.toMatchObject({
      reason: "not-found",
    });
    await sensors.stop();
  });

  it("cancels a queued scan and removes its upload; a scan left without its job gets one on recover", async () => {
    // A second console on the same store whose queue is not running: its scans stay queued.
    const idle = new ScanService({ store, jobs: fastQueue(store), dataDir, vulnDbDir: vulnDbDir(), uploadLimit: 1e9 });
    const s = await idle.createSbomScan({ sbom: trivySbom(), name: "to-cancel", createdBy: "user:test" });
    expect(s.state).toBe("queued");
    expect(uploadsLeft()).toEqual([`${s.id}.sbom`]);
    expect(await idle.cancel(s.id)).toBe(true);
    expect((await idle.get(s.id))?.state).toBe("cancelled");
    expect(uploadsLeft()).toEqual([]);
    expect(await idle.cancel(s.id)).toBe(false);

    // The console stopped between recording the scan and enqueueing its job.
    const orphan = await idle.createSbomScan({ sbom: trivySbom(), name: "orphan", createdBy: "user:test" });
    await store.db.updateTable("scans").set({ job_id: null }).where("id", "=", orphan.id).execute();
    await store.db
      .deleteFrom("jobs")
      .where("id", "=", orphan.jobId ?? "")
      .execute();
    await scans.recover();
    const job = await finished(jobs, (await scans.get(orphan.id))?.jobId ?? null);
    // Seen failing once on a loaded machine (postgres): the job's error says why, next time.
    expect(job.state, `${job.error ?? ""} (attempts ${job.attempts})`).toBe("complete");
    expect((await scans.get(orphan.id))?.summary?.total).toBeGreaterThan(0);
    expect(uploadsLeft()).toEqual([]);

    // Leftovers: an upload whose scan was never recorded, and a partial upload from a crash, once old enough.
    writeFileSync(join(dataDir, "uploads", `${randomUUID()}.image`), "x");
    writeFileSync(join(dataDir, "uploads", `.${randomUUID()}.sbom.${randomUUID()}.part`), "x");
    expect(await scans.sweepInputs()).toBe(0);
    expect(await scans.sweepInputs(Date.now() + 2 * 24 * 3600_000)).toBe(2);
    expect(uploadsLeft()).toEqual([]);
  });

  it("lists scans newest first with their job's state, paged", async () => {
    const all = [];
    let cursor: string | undefined;
    do {
      const page = await scans.list({}, { limit: 3, ...(cursor ? { cursor } : {}) });
      all.push(...page.items);
      cursor = page.next ?? undefined;
    } while (cursor);
    const rows = await store.db.selectFrom("scans").select("id").execute();
    expect(all.map((s) => s.id).sort()).toEqual(rows.map((r) => r.id).sort());
    for (let i = 1; i < all.length; i++) expect((all[i - 1]?.createdAt ?? "") >= (all[i]?.createdAt ?? "")).toBe(true);
    const failed = await scans.list({ state: "failed" });
    expect(failed.items.length).toBeGreaterThan(0);
    expect(failed.items.every((s) => s.state === "failed" && s.error)).toBe(true);
    await expect(scans.list({}, { cursor: "garbage" })).rejects.toMatchObject({ reason: "invalid" });
  });
});
