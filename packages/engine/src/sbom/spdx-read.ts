/**
 * SPDX 2.2/2.3 JSON reader: packages from their purl external references; locations and source packages
 * from Rampart's annotation when present, else from what Syft and Trivy write in sourceInfo.
 */
import type { Location, SourcePackage } from "../package/package.js";
import { type ComponentFacts, InventoryBuilder, type ReadSbomOptions } from "./import-builder.js";
import type { Inventory, InventorySource } from "./inventory.js";
import {
  decodeDistroProperties,
  decodePackageProperties,
  decodeSourceProperties,
  type Property,
} from "./properties.js";
import { SbomError } from "./sbom-error.js";
import { isObject, type JsonObject, Shape } from "./shape.js";
import { PROPERTIES_ANNOTATION } from "./spdx.js";
import { purlType, trivyFacts, value } from "./tool-properties.js";

const SPDX_VERSION = /^SPDX-2\.[1-3]$/;
const NO_LICENSE = new Set(["NOASSERTION", "NONE", ""]);

/** "found at /path[!/member…][ in layer sha256:…]; …", as our writer puts it. */
function ourSourceInfo(text: string): Location[] | undefined {
  const out: Location[] = [];
  for (const part of text.split("; ")) {
    const m = /^found at (.+?)(?: in layer (\S+))?$/.exec(part);
    if (!m) return undefined;
    const [path, ...member] = (m[1] as string).split("!/");
    out.push({ path: path as string, ...(m[2] ? { layer: m[2] } : {}), ...(member.length ? { member } : {}) });
  }
  return out;
}

/** Syft: "acquired package info from <what>: /path1, /path2". */
function syftSourceInfo(text: string): Location[] | undefined {
  const m = /^acquired package info from [^:]*: (.+)$/.exec(text);
  return m ? (m[1] as string).split(", ").map((path) => ({ path })) : undefined;
}

/** Rampart's property list as our writer encodes it; undefined when it is not one. */
function parseProperties(json: string): Property[] | undefined {
  try {
    const list: unknown = JSON.parse(json);
    if (!Array.isArray(list)) return undefined;
    const ok = list.every((p) => isObject(p) && typeof p.name === "string" && typeof p.value === "string");
    return ok ? (list as Property[]) : undefined;
  } catch {
    return undefined;
  }
}

/** Trivy: "package found in: <path relative to the root>". */
function trivyFoundIn(text: string, layer: string | undefined): Location[] | undefined {
  const m = /^package found in: (.+)$/.exec(text);
  if (!m) return undefined;
  const path = m[1] as string;
  return [{ path: path.startsWith("/") ? path : `/${path}`, ...(layer ? { layer } : {}) }];
}

/** Trivy: "built package from: <source name> <source version>". */
function trivySourceInfo(text: string): SourcePackage | undefined {
  const m = /^built package from: (\S+) (\S+)$/.exec(text);
  return m ? { name: m[1] as string, version: m[2] as string } : undefined;
}

class SpdxReader {
  readonly shape = new Shape("SPDX");
  readonly builder = new InventoryBuilder();
  private extracted = new Map<string, string>();
  private withoutPurl = 0;
  private badAnnotations = 0;

  licenseInfos(list: unknown[]): void {
    list.forEach((item, i) => {
      const at = `hasExtractedLicensingInfos[${i}]`;
      const info = this.shape.object(item, at);
      const id = this.shape.optString(info.licenseId, `${at}.licenseId`);
      const text =
        this.shape.optString(info.name, `${at}.name`) ??
        this.shape.optString(info.extractedText, `${at}.extractedText`);
      if (id && text) this.extracted.set(id, text);
    });
  }

  /**
   * Properties from annotations: Rampart's list (one annotation our writer adds), and Trivy's "Key: value"
   * comments, returned under Trivy's CycloneDX property names so one decoder serves both formats.
   */
  annotations(pkg: JsonObject, where: string): { ours: Property[]; trivy: Property[] } {
    const ours: Property[] = [];
    const trivy: Property[] = [];
    (this.shape.optArray(pkg.annotations, `${where}.annotations`) ?? []).forEach((item, i) => {
      const at = `${where}.annotations[${i}]`;
      const a = this.shape.object(item, at);
      const comment = this.shape.optString(a.comment, `${at}.comment`);
      const annotator = this.shape.optString(a.annotator, `${at}.annotator`);
      if (comment === undefined) return;
      if (comment.startsWith(PROPERTIES_ANNOTATION)) {
        const list = parseProperties(comment.slice(PROPERTIES_ANNOTATION.length));
        if (list) ours.push(...list);
        else this.badAnnotations++;
      } else if (annotator?.startsWith("Tool: trivy")) {
        const m = /^(\w+): (.*)$/s.exec(comment);
        if (m) trivy.push({ name: `aquasecurity:trivy:${m[1]}`, value: m[2] as string });
      }
    });
    return { ours, trivy };
  }

  licenses(pkg: JsonObject, where: string): string[] {
    const declared = this.shape.optString(pkg.licenseDeclared, `${where}.licenseDeclared`)?.trim();
    const concluded = this.shape.optString(pkg.licenseConcluded, `${where}.licenseConcluded`)?.trim();
    const expression = [declared, concluded].find((e) => e !== undefined && !NO_LICENSE.has(e));
    if (!expression) return [];
    return [this.extracted.get(expression) ?? expression];
  }

  purl(pkg: JsonObject, where: string): string | undefined {
    const refs = this.shape.optArray(pkg.externalRefs, `${where}.externalRefs`) ?? [];
    for (const [i, item] of refs.entries()) {
      const at = `${where}.externalRefs[${i}]`;
      const ref = this.shape.object(item, at);
      const category = this.shape.optString(ref.referenceCategory, `${at}.referenceCategory`);
      const type = this.shape.optString(ref.referenceType, `${at}.referenceType`);
      const locator = this.shape.optString(ref.referenceLocator, `${at}.referenceLocator`);
      if ((category === "PACKAGE-MANAGER" || category === "PACKAGE_MANAGER") && type === "purl" && locator)
        return locator;
    }
    return undefined;
  }

  operatingSystem(pkg: JsonObject, where: string): void {
    const name = this.shape.optString(pkg.name, `${where}.name`);
    if (!name || this.builder.distro) return;
    const version = this.shape.optString(pkg.versionInfo, `${where}.versionInfo`);
    this.builder.distro = decodeDistroProperties(this.annotations(pkg, where).ours, {
      id: name.toLowerCase(),
      ...(version ? { versionId: version } : {}),
    });
  }

  package(pkg: JsonObject, where: string): void {
    const s = this.shape;
    const purpose = s.optString(pkg.primaryPackagePurpose, `${where}.primaryPackagePurpose`);
    const spdxId = s.optString(pkg.SPDXID, `${where}.SPDXID`) ?? "";
    if (purpose === "OPERATING-SYSTEM" || spdxId.startsWith("SPDXRef-OperatingSystem-")) {
      this.operatingSystem(pkg, where);
      return;
    }
    const purl = this.purl(pkg, where);
    if (!purl) {
      this.withoutPurl++;
      return;
    }
    const name = s.optString(pkg.name, `${where}.name`);
    const notes = this.annotations(pkg, where);
    const ours = decodePackageProperties(notes.ours);
    const trivy = trivyFacts(notes.trivy, purlType(purl));
    const info = s.optString(pkg.sourceInfo, `${where}.sourceInfo`);
    const facts: ComponentFacts = {
      ...(name ? { displayName: name } : {}),
      licenses: this.licenses(pkg, where),
      foundBy: ours.foundBy,
    };
    const source = ours.source ?? trivy.source ?? (info ? trivySourceInfo(info) : undefined);
    if (source) facts.source = source;
    if (ours.arch) facts.arch = ours.arch;
    if (ours.epoch !== undefined) facts.epoch = ours.epoch;
    if (ours.metadata) facts.metadata = ours.metadata;
    const layer = value(notes.trivy, "aquasecurity:trivy:LayerDiffID");
    const locations = ours.locations.length
      ? ours.locations
      : (trivy.locations ??
        (info ? (ourSourceInfo(info) ?? syftSourceInfo(info) ?? trivyFoundIn(info, layer)) : undefined));
    if (locations) facts.locations = locations;
    this.builder.add(purl, facts);
  }

  finish(): void {
    if (this.withoutPurl)
      this.builder.warnings.push(`skipped ${this.withoutPurl} package(s) without a purl external reference`);
    if (this.badAnnotations)
      this.builder.warnings.push(`ignored ${this.badAnnotations} malformed Rampart annotation(s)`);
  }

  subject(doc: JsonObject, root: JsonObject | undefined, opts: ReadSbomOptions): InventorySource {
    const s = this.shape;
    const props = root ? this.annotations(root, "described package").ours : [];
    const docName = s.optString(doc.name, "name");
    const rootName = s.optString(root?.name, "described package name");
    const source: InventorySource = {
      kind: "sbom",
      name: opts.name ?? props.find((p) => p.name === "rampart:source:name")?.value ?? docName ?? rootName ?? "sbom",
      transport: "spdx",
      ...decodeSourceProperties(props),
    };
    // Trivy writes image facts as "Key: value" attribution texts.
    const texts = (s.optArray(root?.attributionTexts, "described package attributionTexts") ?? []).filter(
      (t): t is string => typeof t === "string",
    );
    const attr = (key: string) => texts.filter((t) => t.startsWith(`${key}: `)).map((t) => t.slice(key.length + 2));
    source.imageId ??= attr("ImageID")[0];
    const repoDigest = attr("RepoDigest")[0];
    if (repoDigest?.includes("@")) source.manifestDigest ??= repoDigest.slice(repoDigest.indexOf("@") + 1);
    const tags = attr("RepoTag");
    if (tags.length) source.tags ??= tags;
    for (const k of Object.keys(source) as Array<keyof InventorySource>) if (source[k] === undefined) delete source[k];
    return source;
  }
}

/** SPDXIDs the document describes: DESCRIBES relationships, DESCRIBED_BY ones, and SPDX 2.2's documentDescribes. */
function describedIds(doc: JsonObject, shape: Shape): Set<string> {
  const ids = new Set<string>();
  for (const [i, item] of (shape.optArray(doc.relationships, "relationships") ?? []).entries()) {
    const r = shape.object(item, `relationships[${i}]`);
    const from = shape.optString(r.spdxElementId, `relationships[${i}].spdxElementId`);
    const to = shape.optString(r.relatedSpdxElement, `relationships[${i}].relatedSpdxElement`);
    const type = shape.optString(r.relationshipType, `relationships[${i}].relationshipType`);
    if (type === "DESCRIBES" && from === "SPDXRef-DOCUMENT" && to) ids.add(to);
    if (type === "DESCRIBED_BY" && to === "SPDXRef-DOCUMENT" && from) ids.add(from);
  }
  for (const [i, id] of (shape.optArray(doc.documentDescribes, "documentDescribes") ?? []).entries()) {
    ids.add(shape.optString(id, `documentDescribes[${i}]`) ?? "");
  }
  return ids;
}

/** Reads a parsed SPDX 2.x JSON document into an Inventory. */
export function readSpdx(doc: JsonObject, opts: ReadSbomOptions = {}): Inventory {
  const reader = new SpdxReader();
  const s = reader.shape;
  const version = s.optString(doc.spdxVersion, "spdxVersion") ?? s.fail("spdxVersion", "a string", undefined);
  if (!SPDX_VERSION.test(version)) {
    throw new SbomError(
      `SPDX: spdxVersion ${JSON.stringify(version)} is not supported (JSON documents 2.1 to 2.3 are)`,
    );
  }
  reader.licenseInfos(s.optArray(doc.hasExtractedLicensingInfos, "hasExtractedLicensingInfos") ?? []);
  const described = describedIds(doc, s);
  let root: JsonObject | undefined;
  for (const [i, item] of (s.optArray(doc.packages, "packages") ?? []).entries()) {
    const pkg = s.object(item, `packages[${i}]`);
    const id = s.optString(pkg.SPDXID, `packages[${i}].SPDXID`);
    // A document describing one package describes the scanned subject (an image, a directory), which is not
    // one of its packages. Documents that "describe" every package they list have no such subject.
    if (described.size === 1 && id !== undefined && described.has(id)) {
      root = pkg;
      continue;
    }
    reader.package(pkg, `packages[${i}]`);
  }
  const source = reader.subject(doc, root, opts);
  reader.finish();
  return reader.builder.build(source, opts);
}
