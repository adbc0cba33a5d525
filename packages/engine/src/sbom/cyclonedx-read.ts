/**
 * CycloneDX 1.2–1.7 JSON reader: Rampart's own BOMs and those of Syft, Trivy and other tools. Packages come
 * from purls; locations, source packages and catalogers from whichever tool's properties are present.
 */
import type { Distro } from "../package/distro.js";
import type { Location } from "../package/package.js";
import { type ComponentFacts, InventoryBuilder, type ReadSbomOptions } from "./import-builder.js";
import type { Inventory, InventorySource } from "./inventory.js";
import {
  decodeDistroProperties,
  decodePackageProperties,
  decodeSourceProperties,
  type Property,
} from "./properties.js";
import { SbomError } from "./sbom-error.js";
import { type JsonObject, Shape } from "./shape.js";
import { purlType, syftFacts, trivyFacts, value, values } from "./tool-properties.js";

/** Components nest (components[].components); deeper than this is a broken or hostile document. */
export const MAX_COMPONENT_DEPTH = 64;

const SPEC_VERSION = /^1\.([2-7])$/;

function licensesOf(c: JsonObject, where: string, shape: Shape): string[] {
  const out: string[] = [];
  (shape.optArray(c.licenses, `${where}.licenses`) ?? []).forEach((item, i) => {
    const at = `${where}.licenses[${i}]`;
    const choice = shape.object(item, at);
    const expression = shape.optString(choice.expression, `${at}.expression`);
    if (expression) out.push(expression);
    const license = shape.optObject(choice.license, `${at}.license`);
    if (license) {
      const text =
        shape.optString(license.id, `${at}.license.id`) ?? shape.optString(license.name, `${at}.license.name`);
      if (text) out.push(text);
    }
  });
  return out;
}

function occurrences(c: JsonObject, where: string, shape: Shape): Location[] {
  const evidence = shape.optObject(c.evidence, `${where}.evidence`);
  const list = shape.optArray(evidence?.occurrences, `${where}.evidence.occurrences`) ?? [];
  return list.flatMap((item, i) => {
    const at = `${where}.evidence.occurrences[${i}]`;
    const path = shape.optString(shape.object(item, at).location, `${at}.location`);
    return path ? [{ path }] : [];
  });
}

class CycloneDxReader {
  readonly shape = new Shape("CycloneDX");
  readonly builder = new InventoryBuilder();
  private withoutPurl = 0;
  private pending: Array<{ purl: string; facts: ComponentFacts; bomRef?: string; layer?: string }> = [];
  private targets = new Map<string, string>();

  component(c: JsonObject, where: string): void {
    const s = this.shape;
    const type = s.optString(c.type, `${where}.type`);
    const name = s.optString(c.name, `${where}.name`);
    const version = s.optString(c.version, `${where}.version`) ?? "";
    const purl = s.optString(c.purl, `${where}.purl`);
    const props = s.properties(c.properties, `${where}.properties`);
    if (type === "operating-system") {
      this.operatingSystem(name, version, props);
      return;
    }
    this.targetPaths(c, props);
    if (!purl) {
      if (type === "library" || type === "framework") this.withoutPurl++;
      return;
    }
    const ptype = purlType(purl);
    const ours = decodePackageProperties(props);
    const syft = syftFacts(props, ptype, version);
    const trivy = trivyFacts(props, ptype);
    const facts: ComponentFacts = {
      ...(name ? { displayName: name } : {}),
      licenses: licensesOf(c, where, s),
      foundBy: ours.foundBy.length ? ours.foundBy : (syft.foundBy ?? []),
    };
    const source = ours.source ?? syft.source ?? trivy.source;
    if (source) facts.source = source;
    if (ours.arch) facts.arch = ours.arch;
    if (ours.epoch !== undefined) facts.epoch = ours.epoch;
    if (ours.metadata) facts.metadata = ours.metadata;
    const locations = [ours.locations, syft.locations ?? [], trivy.locations ?? [], occurrences(c, where, s)].find(
      (l) => l.length > 0,
    );
    if (locations) facts.locations = locations;
    const bomRef = s.optString(c["bom-ref"], `${where}.bom-ref`);
    const layer = value(props, "aquasecurity:trivy:LayerDiffID");
    this.pending.push({ purl, facts, ...(bomRef ? { bomRef } : {}), ...(layer ? { layer } : {}) });
  }

  /**
   * Trivy lists a lock file's or a binary's packages without a FilePath, under an application component
   * named by the file's path that depends on them; such packages are located at that file.
   */
  targetPaths(c: JsonObject, props: Property[]): void {
    const ref = c["bom-ref"];
    const name = c.name;
    if (c.type !== "application" || typeof ref !== "string" || typeof name !== "string" || !name.includes("/")) return;
    if (value(props, "aquasecurity:trivy:Class") === "lang-pkgs") this.targets.set(ref, name);
  }

  /** Adds the pending packages, located through the dependency graph where they had no location. */
  flush(dependencies: unknown[] | undefined): void {
    const s = this.shape;
    const located = new Map<string, string>();
    for (const [i, item] of (dependencies ?? []).entries()) {
      const d = s.object(item, `dependencies[${i}]`);
      const ref = s.optString(d.ref, `dependencies[${i}].ref`);
      const on = s.optArray(d.dependsOn, `dependencies[${i}].dependsOn`) ?? [];
      const target = ref === undefined ? undefined : this.targets.get(ref);
      if (target === undefined) continue;
      on.forEach((dep, j) => {
        const depRef = s.optString(dep, `dependencies[${i}].dependsOn[${j}]`);
        if (depRef !== undefined) located.set(depRef, target);
      });
    }
    for (const p of this.pending) {
      const target = p.bomRef === undefined ? undefined : located.get(p.bomRef);
      if (!p.facts.locations && target !== undefined) {
        p.facts.locations = [
          { path: target.startsWith("/") ? target : `/${target}`, ...(p.layer ? { layer: p.layer } : {}) },
        ];
      }
      this.builder.add(p.purl, p.facts);
    }
  }

  /** Rampart and Syft add properties to the OS component; Trivy gives name and version only. */
  private operatingSystem(name: string | undefined, version: string, props: Property[]): void {
    const id = value(props, "syft:distro:id") ?? name?.toLowerCase();
    if (!id) return;
    const base: Distro = { id };
    const versionId = version || value(props, "syft:distro:versionID");
    if (versionId) base.versionId = versionId;
    const pretty = value(props, "syft:distro:prettyName");
    if (pretty) base.prettyName = pretty;
    const distro = decodeDistroProperties(props, base);
    if (!this.builder.distro) this.builder.distro = distro;
    else if (this.builder.distro.id !== distro.id || this.builder.distro.versionId !== distro.versionId) {
      this.builder.warnings.push(
        `more than one operating system in the SBOM; using ${this.builder.distro.id} ${this.builder.distro.versionId ?? ""}`.trim(),
      );
    }
  }

  /** Depth-first over components and their nested components, iteratively and with a depth limit. */
  components(list: unknown[]): void {
    const stack = list.map((value, i) => ({ value, where: `components[${i}]`, depth: 1 })).reverse();
    for (let item = stack.pop(); item; item = stack.pop()) {
      const c = this.shape.object(item.value, item.where);
      this.component(c, item.where);
      const children = this.shape.optArray(c.components, `${item.where}.components`) ?? [];
      if (children.length && item.depth >= MAX_COMPONENT_DEPTH) {
        throw new SbomError(`CycloneDX: components are nested more than ${MAX_COMPONENT_DEPTH} levels deep`);
      }
      for (let i = children.length - 1; i >= 0; i--) {
        stack.push({ value: children[i], where: `${item.where}.components[${i}]`, depth: item.depth + 1 });
      }
    }
    if (this.withoutPurl) {
      this.builder.warnings.push(`skipped ${this.withoutPurl} library component(s) without a purl`);
    }
  }

  subject(metadata: JsonObject | undefined, opts: ReadSbomOptions): InventorySource {
    const s = this.shape;
    const c = s.optObject(metadata?.component, "metadata.component");
    const name = s.optString(c?.name, "metadata.component.name");
    const props = c ? s.properties(c.properties, "metadata.component.properties") : [];
    const source: InventorySource = {
      kind: "sbom",
      name: opts.name ?? value(props, "rampart:source:name") ?? name ?? "sbom",
      transport: "cyclonedx",
      ...decodeSourceProperties(props),
    };
    // Trivy's image facts.
    source.imageId ??= value(props, "aquasecurity:trivy:ImageID");
    const repoDigest = value(props, "aquasecurity:trivy:RepoDigest");
    if (repoDigest?.includes("@")) source.manifestDigest ??= repoDigest.slice(repoDigest.indexOf("@") + 1);
    const tags = values(props, "aquasecurity:trivy:RepoTag");
    if (tags.length) source.tags ??= tags;
    const purl = s.optString(c?.purl, "metadata.component.purl");
    if (purl?.startsWith("pkg:oci/")) {
      const digest = ociDigest(purl);
      if (digest) source.manifestDigest ??= digest;
    }
    for (const k of Object.keys(source) as Array<keyof InventorySource>) if (source[k] === undefined) delete source[k];
    return source;
  }
}

/** The digest a pkg:oci purl carries as its version. */
function ociDigest(purl: string): string | undefined {
  const m = /^pkg:oci\/[^@?#]+@([^?#]+)/.exec(purl);
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1] as string);
  } catch {
    return undefined;
  }
}

/** Reads a parsed CycloneDX JSON document (bomFormat "CycloneDX") into an Inventory. */
export function readCycloneDx(doc: JsonObject, opts: ReadSbomOptions = {}): Inventory {
  const reader = new CycloneDxReader();
  const s = reader.shape;
  if (doc.bomFormat !== "CycloneDX") s.fail("bomFormat", '"CycloneDX"', doc.bomFormat);
  const spec = s.optString(doc.specVersion, "specVersion") ?? s.fail("specVersion", "a string", undefined);
  if (!SPEC_VERSION.test(spec)) {
    throw new SbomError(`CycloneDX: specVersion ${JSON.stringify(spec)} is not supported (JSON BOMs 1.2 to 1.7 are)`);
  }
  const metadata = s.optObject(doc.metadata, "metadata");
  reader.components(s.optArray(doc.components, "components") ?? []);
  reader.flush(s.optArray(doc.dependencies, "dependencies"));
  return reader.builder.build(reader.subject(metadata, opts), opts);
}
