import { spawn } from "node:child_process";
import { createReadStream } from "node:fs";
import { copyFile, mkdir, readdir, readFile, stat, truncate, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readFeed } from "../../../../test/fixtures/vulndb.js";
import { updateDb } from "./build.js";
import { DbError, FeedError } from "./errors.js";
import { VulnDb } from "./reader.js";
import { smallMirror, tempDir, writeModifiedIds, writeOsvZip } from "./test-support.js";

const statusOf = (dir: string) => {
  const db = VulnDb.open(dir);
  try {
    return db.status();
  } finally {
    db.close();
  }
};

describe("db update from a mirror directory", () => {
  it("imports OSV, KEV and EPSS with each feed's own freshness and the OSV model intact", async () => {
    const mirror = await smallMirror(["npm", "PyPI"]);
    const dbDir = await tempDir("db");
    const res = await updateDb({ dbDir, from: mirror });
    expect(res.feeds.map((f) => `${f.name} ${f.mode} ${f.records}`)).toEqual([
      "osv:PyPI full 1890",
      "osv:npm full 345",
      "kev full 1404",
      "epss full 2000",
    ]);
    const db = VulnDb.open(dbDir);
    try {
      const s = db.status();
      expect(s.schemaVersion).toBe(1);
      expect(s.feeds.find((f) => f.name === "kev")?.dataAsOf).toBe("2025-08-25T17:04:19.9796Z");
      expect(s.feeds.find((f) => f.name === "epss")?.dataAsOf).toBe("2026-08-16");
      expect(s.feeds.find((f) => f.name === "osv:npm")?.dataAsOf).toMatch(/^2025-02-/);
      // PyPI names are looked up normalised (PEP 503): "PyYAML" is found as "pyyaml".
      expect(db.affected("PyPI", "pyyaml").length).toBeGreaterThan(3);
      const rows = db.affected("npm", "lodash");
      const proto = rows.find((r) => r.advisory === "GHSA-jf85-cpcp-j695");
      expect(proto?.ranges?.[0]?.events).toEqual([{ introduced: "0" }, { fixed: "4.17.12" }]);
      expect(proto?.databaseSpecific).toBeDefined();
      const info = db.advisory("GHSA-jf85-cpcp-j695");
      expect(info?.aliases).toEqual(["CVE-2019-10744"]);
      expect(info?.severity.some((s) => s.type === "CVSS_V3" && s.score.startsWith("CVSS:3.1/"))).toBe(true);
      expect(info?.references.length).toBeGreaterThan(3);
      expect(db.kev("CVE-2021-44228")).toMatchObject({ dateAdded: "2021-12-10", ransomware: true });
    } finally {
      db.close();
    }
  });

  it("updates incrementally from modified_id.csv: fetches only changed records, drops removed ones", async () => {
    const mirror = await smallMirror(["npm"]);
    const dbDir = await tempDir("db");
    const records = readFeed("npm");
    await writeModifiedIds(join(mirror, "osv/npm/modified_id.csv"), records);
    await updateDb({ dbDir, from: mirror });

    const [changed, removed, template] = records;
    if (!changed || !removed || !template) throw new Error("fixture too small");
    const edited = { ...changed, modified: "2026-11-01T00:00:00Z", summary: "edited upstream" };
    const added = { ...template, id: "GHSA-test-0000-0001", modified: "2026-11-02T00:00:00Z", aliases: [] };
    const next = [...records.filter((r) => r !== changed && r !== removed), edited, added];
    await writeModifiedIds(join(mirror, "osv/npm/modified_id.csv"), next);
    await writeFile(join(mirror, `osv/npm/${edited.id}.json`), JSON.stringify(edited));
    await writeFile(join(mirror, `osv/npm/${added.id}.json`), JSON.stringify(added));
    // Were all.zip read, this would fail the update: proof that only the three records were fetched.
    await writeFile(join(mirror, "osv/npm/all.zip"), "not a zip");

    const res = await updateDb({ dbDir, from: mirror });
    expect(res.feeds[0]).toEqual({ name: "osv:npm", mode: "incremental", records: records.length, changed: 3 });
    const db = VulnDb.open(dbDir);
    try {
      expect(db.advisory(edited.id)?.summary).toBe("edited upstream");
      expect(db.advisory(added.id)).toBeDefined();
      expect(db.advisory(removed.id)).toBeUndefined();
      expect(db.status().feeds.find((f) => f.name === "osv:npm")?.dataAsOf).toBe("2026-11-02T00:00:00Z");
    } finally {
      db.close();
    }
    const again = await updateDb({ dbDir, from: mirror });
    expect(again.feeds[0]?.mode).toBe("unchanged");
  });
});

describe("bad feeds never damage the DB in place", () => {
  async function withGoodDb() {
    const mirror = await smallMirror(["npm"]);
    const dbDir = await tempDir("db");
    await updateDb({ dbDir, from: mirror });
    return { mirror, dbDir, before: statusOf(dbDir) };
  }

  it.each([
    [
      "a truncated zip",
      async (m: string) => truncate(join(m, "osv/npm/all.zip"), 5000),
      /osv\/npm\/all\.zip: (not a valid zip|damaged)/,
    ],
    [
      "garbage instead of a zip",
      async (m: string) => writeFile(join(m, "osv/npm/all.zip"), "PK\u0003\u0004garbage"),
      /not a valid zip/,
    ],
    [
      "an OSV record that is not JSON",
      async (m: string) =>
        writeOsvZip(join(m, "osv/npm/all.zip"), [{ id: "GHSA-bad" }]).then(async () => {
          const { zipSync } = await import("fflate");
          await writeFile(
            join(m, "osv/npm/all.zip"),
            zipSync({ "GHSA-bad.json": new TextEncoder().encode("{ not json") }),
          );
        }),
      /GHSA-bad\.json: not valid JSON/,
    ],
    [
      "an OSV record breaking the schema",
      async (m: string) =>
        writeOsvZip(join(m, "osv/npm/all.zip"), [
          {
            id: "GHSA-x",
            modified: "2025-01-01T00:00:00Z",
            affected: [
              { package: { ecosystem: "npm", name: "a" }, ranges: [{ type: "SEMVER", events: [{ fixed: 1 }] }] },
            ],
          } as never,
        ]),
      /GHSA-x\.json: not a valid OSV record: affected\[0\]\.ranges\[0\]\.events\[0\]/,
    ],
    [
      "a KEV file that is not the catalog",
      async (m: string) => writeFile(join(m, "kev/known_exploited_vulnerabilities.json"), "[]"),
      /not a CISA KEV catalog/,
    ],
    [
      "an EPSS row out of range",
      async (m: string) => {
        const { gzipSync } = await import("node:zlib");
        await writeFile(join(m, "epss/epss_scores.csv.gz"), gzipSync("cve,epss,percentile\nCVE-2020-0001,7,0.5\n"));
      },
      /line 2: not a valid EPSS row/,
    ],
  ])("%s: clear error, old DB intact", async (_what, damage, message) => {
    const { mirror, dbDir, before } = await withGoodDb();
    await damage(mirror);
    const err = await updateDb({ dbDir, from: mirror }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FeedError);
    expect((err as Error).message).toMatch(message);
    expect(statusOf(dbDir)).toEqual(before);
    expect((await readdir(dbDir)).sort()).toEqual(["vuln.db"]);
  });

  it("an update killed mid-way leaves the old DB working; the next update takes over its lock", async () => {
    const { dbDir, before } = await withGoodDb();
    const big = resolve(import.meta.dirname, "../../../../test/fixtures/feeds");
    const script = `import { updateDb } from ${JSON.stringify(resolve(import.meta.dirname, "build.ts"))};\nawait updateDb({ dbDir: ${JSON.stringify(dbDir)}, from: ${JSON.stringify(big)}, full: true });\n`;
    const scriptPath = join(dbDir, "..", `kill-${process.pid}.mts`);
    await writeFile(scriptPath, script);
    const child = spawn(process.execPath, ["--import", "tsx", scriptPath], { stdio: "ignore" });
    // Wait until it is writing its new DB file, then kill it without a chance to clean up.
    for (let i = 0; i < 200; i++) {
      const work = (await readdir(dbDir)).find((d) => d.startsWith(".update-"));
      if (work && (await stat(join(dbDir, work, "vuln.db")).catch(() => undefined))) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill("SIGKILL");
    await new Promise((r) => child.on("exit", r));
    expect((await readdir(dbDir)).some((d) => d.startsWith(".update-") || d === "update.lock")).toBe(true);
    expect(statusOf(dbDir)).toEqual(before);
    const { mirror } = await withGoodDb();
    await updateDb({ dbDir, from: mirror });
    expect((await readdir(dbDir)).sort()).toEqual(["vuln.db"]);
  });
});

describe("db update over HTTP", () => {
  let server: Server | undefined;
  afterEach(() => {
    server?.close();
    server = undefined;
    delete process.env.RAMPART_FETCH_TIMEOUT_MS;
  });

  const serve = (handler: Parameters<typeof createServer>[1]) =>
    new Promise<string>((ok) => {
      const srv = createServer(handler);
      server = srv;
      srv.listen(0, "127.0.0.1", () => ok(`http://127.0.0.1:${(srv.address() as AddressInfo).port}`));
    });

  it("reads a mirror served over HTTP; ecosystems the mirror lacks are skipped, not fatal", async () => {
    const mirror = await smallMirror(["npm"]);
    const url = await serve((req, res) => {
      const path = join(mirror, decodeURIComponent(req.url ?? "/"));
      stat(path).then(
        (s) => (s.isFile() ? createReadStream(path).pipe(res) : res.writeHead(404).end()),
        () => res.writeHead(404).end(),
      );
    });
    const dbDir = await tempDir("db");
    const res = await updateDb({ dbDir, from: url, ecosystems: ["npm", "PyPI"] });
    expect(res.feeds.map((f) => `${f.name} ${f.mode}`)).toEqual([
      "osv:npm full",
      "osv:PyPI not on mirror",
      "kev full",
      "epss full",
    ]);
  });

  it("fails fast with a clear message when nothing answers", async () => {
    const closed = await serve(() => {});
    server?.close();
    const dbDir = await tempDir("db");
    const started = Date.now();
    const err = await updateDb({ dbDir, from: closed }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FeedError);
    expect((err as Error).message).toMatch(/cannot reach http:\/\/127\.0\.0\.1:\d+\/osv\/.*ECONNREFUSED.*--from DIR/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("gives up on a server that stops sending, after the idle timeout", async () => {
    process.env.RAMPART_FETCH_TIMEOUT_MS = "500";
    const url = await serve((_req, res) => {
      res.writeHead(200);
      res.write("PK");
    });
    const dbDir = await tempDir("db");
    const err = await updateDb({ dbDir, from: url, ecosystems: ["npm"] }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/no data for 0\.5 s/);
  });
});

describe("opening a damaged DB", () => {
  it("names the problem and the fix for a truncated file, garbage, and no file", async () => {
    const { dbDir } = await (async () => {
      const mirror = await smallMirror(["npm"]);
      const d = await tempDir("db");
      await updateDb({ dbDir: d, from: mirror });
      return { dbDir: d };
    })();
    const cut = join(await tempDir("cut"), "vuln.db");
    await copyFile(join(dbDir, "vuln.db"), cut);
    await truncate(cut, (await stat(cut)).size / 2);
    expect(() => VulnDb.open(cut)).toThrow(/is damaged .*run `rampart db update`/);
    const junk = join(await tempDir("junk"), "vuln.db");
    await writeFile(junk, "SQLite format 3\u0000 but not really");
    expect(() => VulnDb.open(junk)).toThrow(DbError);
    const empty = await tempDir("empty");
    expect(() => VulnDb.open(empty)).toThrow(/no vulnerability DB at .*rampart db update/);
    await mkdir(join(empty, "x"));
    expect(await readFile(join(dbDir, "vuln.db")).then((b) => b.length)).toBeGreaterThan(0);
  });
});
