import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseSbom, SEVERITIES } from "@rampart/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testdata } from "../../../../test/fixtures/testdata.js";
import { vulnDbDir } from "../../../../test/fixtures/vulndb.js";
import { type EngineOutcome, match, scanImageArchive } from "../scans/engine-run.js";
import { storeResults } from "../scans/results.js";
import type { TargetKind } from "../scans/tables.js";
import { openStore, type Store } from "../store/open.js";
import { ENGINES, type TestStore, testStore } from "../store/test-support.js";
import { CursorError } from "./cursor.js";
import type { FindingFilter } from "./filter.js";
import { FINDING_SORTS, type FindingSort, FindingsError, FindingsService, type FindingView } from "./service.js";

const SBOMS = resolve(import.meta.dirname, "../../../engine/src/sbom/testdata");

/** The real Trivy SBOM of vuln-app, and the same after an upgrade: lodash removed, log4j-core 2.17.1, jquery added. */
const baseSbom = readFileSync(join(SBOMS, "trivy-vuln-app.cdx.json"), "utf8");
function upgradedSbom(): string {
  const doc = JSON.parse(baseSbom) as {
    components: Array<Record<string, unknown>>;
    dependencies?: Array<{ ref: string; dependsOn?: string[] }>;
  };
  const gone = new Set<string>();
  doc.components = doc.components.flatMap((c) => {
    const purl = String(c.purl ?? "");
    if (purl.startsWith("pkg:npm/lodash@")) {
      gone.add(String(c["bom-ref"]));
      return [];
    }
    if (purl.includes("log4j-core@2.14.1")) {
      const up = purl.replace("2.14.1", "2.17.1");
      return [{ ...c, version: "2.17.1", purl: up, "bom-ref": up }];
    }
    return [c];
  });
  doc.components.push({
    "bom-ref": "pkg:npm/jquery@3.4.0",
    type: "library",
    name: "jquery",
    version: "3.4.0",
    purl: "pkg:npm/jquery@3.4.0",
  });
  doc.dependencies = (doc.dependencies ?? [])
    .filter((d) => !gone.has(d.ref))
    .map((d) => ({ ...d, dependsOn: (d.dependsOn ?? []).filter((r) => !gone.has(r)) }));
  return JSON.stringify(doc);
}

const ALL = ["open", "accepted", "false-positive"] as const;

let image: EngineOutcome;
let sbomBefore: EngineOutcome;
let sbomAfter: EngineOutcome;
beforeAll(async () => {
  // The engine's outcomes, computed once: each engine's store gets the same scans.
  image = await scanImageArchive(testdata("images", "vuln-app-1.0.docker.tar"), "lab/vuln-app:1.0", ["vuln"], {
    vulnDbDir: vulnDbDir(),
  });
  sbomBefore = match(parseSbom(baseSbom, { name: "app" }), ["vuln"], { vulnDbDir: vulnDbDir() });
  sbomAfter = match(parseSbom(upgradedSbom(), { name: "app" }), ["vuln"], { vulnDbDir: vulnDbDir() });
});

describe.each(ENGINES)("findings on %s", (engine) => {
  let t: TestStore;
  let store: Store;
  let clock = new Date("2030-01-01T00:00:00Z");
  let svc: FindingsService;
  const ids: Record<string, string> = {};

  /** A scan with results, as the scan jobs leave it. */
  async function addScan(
    name: string,
    kind: TargetKind,
    key: string,
    nodeId: string | null,
    outcome: EngineOutcome,
    at: string,
  ) {
    const id = randomUUID();
    await store.db
      .insertInto("scans")
      .values({
        id,
        target_kind: kind,
        target_ref: name,
        target_key: key,
        node_id: nodeId,
        scanners: '["vuln"]',
        job_id: null,
        action_id: null,
        input_path: null,
        created_by: "user:test",
        created_at: at,
        source: null,
        summary: null,
        package_count: null,
        warnings: null,
        results_at: null,
      })
      .execute();
    await store.db.transaction().execute((trx) =>
      storeResults(trx, {
        scanId: id,
        targetKind: kind,
        targetKey: key,
        targetRef: name,
        nodeId,
        imageRef: kind === "image" ? name : null,
        createdAt: at,
        source: outcome.source,
        packageCount: outcome.packageCount,
        warnings: outcome.warnings,
        results: outcome.results,
      }),
    );
    return id;
  }

  /** Every page of a list, in order. */
  async function walk(filter: FindingFilter, sort: FindingSort = "risk", limit = 97): Promise<FindingView[]> {
    const out: FindingView[] = [];
    let cursor: string | undefined;
    do {
      const page = await svc.list(filter, { sort, limit, ...(cursor ? { cursor } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(limit);
      out.push(...page.items);
      cursor = page.next ?? undefined;
      // A cursor that does not advance would walk forever.
      if (out.length > 100_000) throw new Error("pagination does not end");
    } while (cursor);
    return out;
  }

  beforeAll(async () => {
    t = await testStore(engine);
    store = await openStore(t.config);
    svc = new FindingsService(store, () => clock);
    ids.n1 = await addScan(
      "lab/vuln-app:1.0",
      "image",
      "node:n1/image:lab/vuln-app:1.0",
      "n1",
      image,
      "2029-12-01T00:00:00.000Z",
    );
    ids.n2 = await addScan(
      "lab/vuln-app:1.0",
      "image",
      "node:n2/image:lab/vuln-app:1.0",
      "n2",
      image,
      "2029-12-01T00:00:01.000Z",
    );
    ids.before = await addScan("app", "sbom", "sbom:app", null, sbomBefore, "2029-12-02T00:00:00.000Z");
    ids.after = await addScan("app", "sbom", "sbom:app", null, sbomAfter, "2029-12-03T00:00:00.000Z");
  });
  afterAll(async () => {
    await store?.close();
    await t?.drop();
  });

  it("shows the latest scan of each target by default, and any scan's own results when asked", async () => {
    const latest = await walk({ status: ALL });
    const distinct = (o: EngineOutcome) => new Set(o.results.findings.map((f) => `${f.id} ${f.package.purl}`)).size;
    const expected = distinct(image) * 2 + distinct(sbomAfter);
    expect(latest.length).toBe(expected);
    expect(latest.some((f) => f.scanId === ids.before)).toBe(false);
    const older = await walk({ scanId: ids.before, status: ALL });
    expect(older.length).toBeGreaterThan(0);
    expect(older.every((f) => f.scanId === ids.before)).toBe(true);
    // A retried older scan finishing late does not become its target's latest.
    await store.db.transaction().execute((trx) =>
      storeResults(trx, {
        scanId: ids.before ?? "",
        targetKind: "sbom",
        targetKey: "sbom:app",
        targetRef: "app",
        nodeId: null,
        imageRef: null,
        createdAt: "2029-12-02T00:00:00.000Z",
        source: null,
        packageCount: 0,
        warnings: [],
        results: sbomBefore.results,
      }),
    );
    expect((await walk({ targetKey: "sbom:app", status: ALL })).every((f) => f.scanId === ids.after)).toBe(true);
  });

  it("pages through every sort with no finding twice or missing, in the sort's order", async () => {
    const everything = await walk({ status: ALL }, "risk", 1000);
    const key = (f: FindingView, s: FindingSort): (string | number)[] =>
      s === "risk"
        ? [f.risk, f.id]
        : s === "severity"
          ? [SEVERITIES.length - 1 - SEVERITIES.indexOf(f.severity as never), f.risk, f.id]
          : s === "epss"
            ? [f.epss ?? -1, f.id]
            : [f.published ?? "", f.id];
    const cmp = (a: (string | number)[], b: (string | number)[]) => {
      for (let i = 0; i < a.length; i++) {
        const x = a[i] as string | number;
        const y = b[i] as string | number;
        if (x !== y) return x < y ? -1 : 1;
      }
      return 0;
    };
    for (const sort of FINDING_SORTS) {
      const pages = await walk({ status: ALL }, sort, 97);
      expect(pages.length).toBe(everything.length);
      expect(new Set(pages.map((f) => f.id)).size).toBe(pages.length);
      for (let i = 1; i < pages.length; i++)
        expect(cmp(key(pages[i - 1] as FindingView, sort), key(pages[i] as FindingView, sort))).toBeGreaterThan(0);
    }
    // Riskiest first is the default, and Log4Shell leads this estate.
    const first = await svc.list({}, { limit: 1 });
    expect(first.items[0]?.risk).toBe(Math.max(...everything.map((f) => f.risk)));
  });

  it("keeps a walk stable while new findings arrive between pages", async () => {
    const before = new Set((await walk({ status: ALL }, "risk", 1000)).map((f) => f.id));
    const seen: string[] = [];
    let cursor: string | undefined;
    let added = false;
    do {
      const page = await svc.list({ status: ALL }, { limit: 120, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((f) => f.id));
      cursor = page.next ?? undefined;
      if (seen.length > 100_000) throw new Error("pagination does not end");
      if (!added) {
        ids.n3 = await addScan(
          "lab/vuln-app:1.0",
          "image",
          "node:n3/image:lab/vuln-app:1.0",
          "n3",
          image,
          "2029-12-04T00:00:00.000Z",
        );
        added = true;
      }
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of before) expect(seen).toContain(id);
    await store.db
      .deleteFrom("scans")
      .where("id", "=", ids.n3 ?? "")
      .execute();
  });

  it("filters on severity, KEV, fixability, node, image, package, CVE and kind, as the rows say", async () => {
    const everything = await walk({ status: ALL }, "risk", 1000);
    const cases: Array<[FindingFilter, (f: FindingView) => boolean]> = [
      [{ severity: ["critical", "high"] }, (f) => f.severity === "critical" || f.severity === "high"],
      [{ kev: true }, (f) => f.kev],
      [{ fixable: false }, (f) => !f.fixable],
      [{ nodeId: "n1" }, (f) => f.nodeId === "n1"],
      [{ image: "lab/vuln-app:1.0" }, (f) => f.imageRef === "lab/vuln-app:1.0"],
      [{ package: "log4j-core" }, (f) => f.package?.name === "log4j-core"],
      [{ package: "pkg:npm/jquery@3.4.0" }, (f) => f.package?.purl === "pkg:npm/jquery@3.4.0"],
      [{ cve: "CVE-2021-44228" }, (f) => f.cve === "CVE-2021-44228"],
      [{ kind: ["secret", "malware"] }, (f) => f.kind !== "vuln"],
      [
        { targetKey: "sbom:app", kev: true, severity: ["critical"] },
        (f) => f.targetKey === "sbom:app" && f.kev && f.severity === "critical",
      ],
    ];
    for (const [filter, pick] of cases) {
      const got = await walk({ ...filter, status: ALL });
      const want = everything.filter(pick);
      expect(got.map((f) => f.id).sort(), JSON.stringify(filter)).toEqual(want.map((f) => f.id).sort());
      const counts = await svc.counts({ ...filter, status: ALL });
      expect(counts.total).toBe(want.length);
      for (const s of SEVERITIES) expect(counts.bySeverity[s]).toBe(want.filter((f) => f.severity === s).length);
    }
    // The data has each case (a filter that matches nothing would prove little).
    expect(everything.filter((f) => f.kev).length).toBeGreaterThan(0);
    expect(everything.filter((f) => !f.fixable).length).toBeGreaterThan(0);
  });

  it("groups by CVE, package and node with counts and the highest risk, riskiest group first, paged", async () => {
    const everything = await walk({ status: ALL }, "risk", 1000);
    const keyOf = {
      cve: (f: FindingView) => f.cve,
      package: (f: FindingView) => f.package?.purl ?? null,
      node: (f: FindingView) => f.nodeId,
    } as const;
    for (const by of ["cve", "package", "node"] as const) {
      const want = new Map<string, { count: number; maxRisk: number; targets: Set<string> }>();
      for (const f of everything) {
        const k = keyOf[by](f);
        if (k === null) continue;
        const g = want.get(k) ?? { count: 0, maxRisk: 0, targets: new Set() };
        g.count++;
        g.maxRisk = Math.max(g.maxRisk, f.risk);
        g.targets.add(f.targetKey);
        want.set(k, g);
      }
      const got = [];
      let cursor: string | undefined;
      do {
        const page = await svc.groups({ status: ALL }, by, { limit: 7, ...(cursor ? { cursor } : {}) });
        got.push(...page.items);
        cursor = page.next ?? undefined;
        if (got.length > 100_000) throw new Error("pagination does not end");
      } while (cursor);
      expect(got.length).toBe(want.size);
      for (const g of got) {
        const w = want.get(g.key);
        expect(w, `${by} ${g.key}`).toBeDefined();
        expect(g.count).toBe(w?.count);
        expect(g.maxRisk).toBe(w?.maxRisk);
        expect(g.targets).toBe(w?.targets.size);
      }
      for (let i = 1; i < got.length; i++)
        expect(got[i - 1]?.maxRisk ?? 0).toBeGreaterThanOrEqual(got[i]?.maxRisk ?? 0);
    }
    const nodes = await svc.groups({}, "node");
    expect(nodes.items.map((g) => g.key).sort()).toEqual(["n1", "n2"]);
  });

  it("diffs two scans of a target by fingerprint: what the upgrade fixed, what it brought, what stayed", async () => {
    const diff = await svc.diff(ids.before ?? "", ids.after ?? "");
    const changed = (p: string | null) => p === "lodash" || p === "log4j-core" || p === "jquery";
    const before = await walk({ scanId: ids.before, status: ALL }, "risk", 1000);
    const after = await walk({ scanId: ids.after, status: ALL }, "risk", 1000);
    // Fixed: every finding of the removed lodash and the old log4j-core, and nothing else.
    expect(diff.fixed.map((e) => e.findingId).sort()).toEqual(
      before
        .filter((f) => f.package?.name === "lodash" || f.package?.purl.includes("log4j-core@2.14.1"))
        .map((f) => f.id)
        .sort(),
    );
    expect(diff.fixed.some((e) => e.cve === "CVE-2021-44228")).toBe(true);
    // New: only on what the upgrade brought in; jquery 3.4.0 has known vulnerabilities.
    expect(diff.new.length).toBeGreaterThan(0);
    expect(diff.new.every((e) => e.package === "jquery" || e.package === "log4j-core")).toBe(true);
    expect(diff.new.some((e) => e.package === "jquery")).toBe(true);
    // Unchanged: the rest of the head.
    expect(diff.unchanged.map((e) => e.findingId).sort()).toEqual(
      after
        .filter((f) => !changed(f.package?.name ?? null))
        .map((f) => f.id)
        .sort(),
    );
    expect(diff.unchanged.length + diff.new.length).toBe(after.length);
    await expect(svc.diff(ids.before ?? "", ids.n1 ?? "")).rejects.toThrow(/different targets/);
    await expect(svc.diff("nope", ids.n1 ?? "")).rejects.toBeInstanceOf(FindingsError);
  });

  it("hides accepted and false-positive findings until their decision expires or is revoked", async () => {
    const [top, second] = (await svc.list({ targetKey: "sbom:app" }, { limit: 2 })).items;
    if (!top || !second) throw new Error("expected findings");
    const countOpen = async () => (await svc.counts({ targetKey: "sbom:app" })).total;
    const open0 = await countOpen();
    await svc.setState(top.id, {
      status: "accepted",
      reason: "mitigated by WAF rule 12",
      expiresAt: new Date(clock.getTime() + 3600_000).toISOString(),
      by: "user:test",
    });
    await svc.setState(second.id, { status: "false-positive", reason: "not reachable", by: "user:test" });
    expect(await countOpen()).toBe(open0 - 2);
    const listed = await walk({ targetKey: "sbom:app" });
    expect(listed.some((f) => f.id === top.id || f.id === second.id)).toBe(false);
    const accepted = await walk({ targetKey: "sbom:app", status: ["accepted"] });
    expect(accepted.map((f) => f.id)).toEqual([top.id]);
    expect(accepted[0]?.state).toMatchObject({
      status: "accepted",
      reason: "mitigated by WAF rule 12",
      by: "user:test",
    });
    // The same finding in a later scan of the target is still decided on.
    const again = await addScan("app", "sbom", "sbom:app", null, sbomAfter, "2029-12-05T00:00:00.000Z");
    expect((await walk({ scanId: again, status: ["accepted"] })).map((f) => f.fingerprint)).toEqual([top.fingerprint]);
    // Two hours on, the acceptance has expired: the finding is open again, with nothing having run.
    clock = new Date(clock.getTime() + 2 * 3600_000);
    expect(await countOpen()).toBe(open0 - 1);
    expect((await svc.get(top.id))?.status).toBe("open");
    expect(await svc.revokeState(second.id)).toBe(true);
    expect(await svc.revokeState(second.id)).toBe(false);
    expect(await countOpen()).toBe(open0);
    await expect(
      svc.setState(top.id, { status: "accepted", reason: "x", expiresAt: "2000-01-01T00:00:00Z", by: "u" }),
    ).rejects.toThrow(/future/);
    await expect(svc.setState("nope", { status: "accepted", reason: "x", by: "u" })).rejects.toMatchObject({
      reason: "not-found",
    });
  });

  it("refuses a cursor it did not give out, or one from another sort", async () => {
    const page = await svc.list({}, { sort: "risk", limit: 5 });
    expect(page.next).not.toBeNull();
    await expect(svc.list({}, { sort: "epss", cursor: page.next ?? "" })).rejects.toBeInstanceOf(CursorError);
    for (const bad of [
      "",
      "!!!",
      Buffer.from('["risk","x","y"]').toString("base64url"),
      Buffer.from('["risk",1]').toString("base64url"),
    ])
      await expect(svc.list({}, { cursor: bad })).rejects.toBeInstanceOf(CursorError);
  });
});
