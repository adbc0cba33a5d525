import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findManifests, loadManifests, MAX_MANIFEST_DOCUMENTS, parseManifests } from "./manifests.js";

const here = import.meta.dirname;
const data = (p: string) => join(here, "testdata", p);

async function load(paths: string[]) {
  const warnings: string[] = [];
  const objects = await loadManifests(paths, (m) => warnings.push(m));
  return { objects, warnings };
}

describe("manifest loader", () => {
  let tmp = "";
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), "rampart-manifests-"));
  });
  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it("reads multi-document files and helm template output, each object with its file and first line", async () => {
    const { objects, warnings } = await load([data("good")]);
    expect(warnings).toEqual([]);
    const kinds = objects.map((o) => `${o.kind}/${o.metadata?.name}`);
    expect(kinds).toContain("Deployment/web");
    expect(kinds).toContain("CronJob/nightly-report");
    expect(kinds).toContain("Deployment/worker");
    // The rendered ConfigMap's "{{ $labels.queue }}" is data, not a template action.
    expect(kinds).toContain("ConfigMap/worker-settings");
    expect(objects).toHaveLength(16);
    const worker = objects.find((o) => o.metadata?.name === "worker" && o.kind === "Deployment");
    const lines = (await readFile(data("good/helm-rendered.yaml"), "utf8")).split("\n");
    expect(worker?.$source?.path).toBe(data("good/helm-rendered.yaml"));
    expect(lines[(worker?.$source?.line ?? 0) - 1]).toBe("apiVersion: apps/v1");
    expect(lines[(worker?.$source?.line ?? 0) - 2]).toBe("# Source: shop/templates/worker.yaml");
  });

  it("unwraps kind: List", async () => {
    const { objects, warnings } = await load([data("hostile/list.json")]);
    expect(warnings).toEqual([]);
    expect(objects.map((o) => o.metadata?.name)).toEqual(["a", "b"]);
    expect(objects[0]?.$source).toEqual({ path: data("hostile/list.json"), line: 1 });
  });

  it("skips a malformed document with a warning naming file and line, keeping the others", async () => {
    const { objects, warnings } = await load([data("hostile/malformed.yaml")]);
    expect(objects.map((o) => o.metadata?.name)).toEqual(["before", "after"]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      new RegExp(`^${data("hostile/malformed.yaml")}:(9|10): invalid YAML, document skipped`),
    );
  });

  it("stops an alias bomb at the alias cap, quickly", async () => {
    const start = Date.now();
    const { objects, warnings } = await load([data("hostile/alias-bomb.yaml")]);
    expect(Date.now() - start).toBeLessThan(2000);
    expect(objects).toEqual([]);
    expect(warnings.join("\n")).toMatch(/alias-bomb\.yaml:1: document skipped: .*alias/i);
  });

  it("skips an unrendered Helm template with a warning telling to render it", async () => {
    const { objects, warnings } = await load([data("hostile/chart")]);
    expect(objects).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("deployment.yaml: an unrendered Helm template");
    expect(warnings[0]).toContain("helm template");
    // Named explicitly: the one warning, not a second "no objects" one.
    expect((await load([data("hostile/chart/templates/deployment.yaml")])).warnings).toHaveLength(1);
  });

  it("ignores YAML that holds no Kubernetes object, and says so for a file named explicitly", async () => {
    expect((await load([data("hostile")])).warnings.some((w) => w.includes("not-a-manifest"))).toBe(false);
    const one = await load([data("hostile/not-a-manifest.yaml")]);
    expect(one.objects).toEqual([]);
    expect(one.warnings).toEqual([
      `${data("hostile/not-a-manifest.yaml")}: no Kubernetes objects (documents without apiVersion and kind are ignored)`,
    ]);
  });

  it("refuses binary junk and files over 4 MiB with a warning", async () => {
    const junk = join(tmp, "junk.yaml");
    await writeFile(junk, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00, 0xff, 0xfe, 0x3a, 0x0a]));
    const big = join(tmp, "big.yaml");
    const doc = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  x: |\n";
    await writeFile(big, doc + "    0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n".repeat(80_000));
    const { objects, warnings } = await load([junk, big]);
    expect(objects).toEqual([]);
    expect(warnings[0]).toBe(`${junk}: binary content (NUL bytes), not a manifest; skipped`);
    expect(warnings[1]).toMatch(
      new RegExp(`^${big}: \\d+ bytes is larger than the 4194304 a manifest may be; skipped$`),
    );
  });

  it("reads at most 10,000 documents", () => {
    const doc = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n---\n";
    const warnings: string[] = [];
    const objects = parseManifests(doc.repeat(MAX_MANIFEST_DOCUMENTS + 5), "many.yaml", (m) => warnings.push(m));
    expect(objects).toHaveLength(MAX_MANIFEST_DOCUMENTS);
    expect(warnings).toEqual(["many.yaml: stopped after 10000 documents; the rest were not read"]);
  });

  it("stops a file of a million empty documents at the budget without parsing the rest", () => {
    const start = Date.now();
    const warnings: string[] = [];
    expect(parseManifests("---\n".repeat(1_000_000), "empty.yaml", (m) => warnings.push(m))).toEqual([]);
    expect(warnings).toEqual(["empty.yaml: stopped after 10000 documents; the rest were not read"]);
    expect(Date.now() - start).toBeLessThan(10_000);
  });

  it("finds manifests without entering node_modules or .git or following links out of the directory", async () => {
    const root = join(tmp, "repo");
    await mkdir(join(root, "deploy"), { recursive: true });
    await mkdir(join(root, "node_modules/pkg"), { recursive: true });
    await mkdir(join(root, ".git"), { recursive: true });
    await writeFile(join(root, "deploy/app.yaml"), "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: app\n");
    await writeFile(join(root, "node_modules/pkg/x.yaml"), "apiVersion: v1\nkind: Namespace\n");
    await writeFile(join(root, ".git/config.yml"), "x: 1\n");
    await writeFile(join(tmp, "outside.yaml"), "apiVersion: v1\nkind: Namespace\n");
    await symlink(join(tmp, "outside.yaml"), join(root, "deploy/outside.yaml"));
    await symlink(join(root, "deploy/app.yaml"), join(root, "inside.yml"));
    await symlink(root, join(root, "deploy/loop"));
    const warnings: string[] = [];
    const found = await findManifests(root, (m) => warnings.push(m));
    expect(found).toEqual([join(root, "deploy/app.yaml"), join(root, "inside.yml")]);
    expect(warnings).toEqual([`${join(root, "deploy/outside.yaml")}: a link out of ${root}; not followed`]);
  });
});
