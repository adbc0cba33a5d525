/**
 * SPDX 2.3 JSON writer. SPDX has no custom fields, so what a purl cannot hold (source package, catalogers,
 * locations with layers) goes in one annotation per package, encoded as Rampart's property list, which the
 * SPDX reader decodes; sourceInfo says the same for people.
 */
import { randomUUID } from "node:crypto";
import type { Distro } from "../package/distro.js";
import type { Package } from "../package/package.js";
import { shortHash, spdxIdPart } from "./ids.js";
import type { Inventory, InventorySource } from "./inventory.js";
import { classifyLicense, isSpdxExpression, joinExpressions, licenseRef } from "./license.js";
import { distroProperties, locationText, type Property, packageProperties, sourceProperties } from "./properties.js";
import { imagePurl, subjectNameVersion } from "./subject.js";

export interface SpdxOptions {
  /** Document namespace URI; a unique one with a random UUID by default. */
  documentNamespace?: string;
}

type Json = Record<string, unknown>;

/** Prefix of the annotation comment that carries Rampart's properties as JSON. */
export const PROPERTIES_ANNOTATION = "rampart:properties ";

const NOASSERTION = "NOASSERTION";

/** SPDX 2.3 wants UTC date-times to the second: "2024-05-01T10:00:00Z", no fraction. */
export function spdxDate(iso: string): string {
  const t = new Date(iso);
  return (Number.isNaN(t.getTime()) ? new Date() : t).toISOString().replace(/\.\d+Z$/, "Z");
}

/** Free-text licenses become LicenseRef-s, each defined once in hasExtractedLicensingInfos. */
class ExtractedLicenses {
  private byName = new Map<string, string>();
  private used = new Set<string>();

  ref(name: string): string {
    let ref = this.byName.get(name);
    if (ref) return ref;
    ref = licenseRef(name);
    if (this.used.has(ref)) ref = `${ref}-${shortHash(name)}`;
    this.byName.set(name, ref);
    this.used.add(ref);
    return ref;
  }

  infos(): Json[] {
    return [...this.byName].map(([name, licenseId]) => ({ licenseId, extractedText: name, name }));
  }
}

function licenseDeclared(licenses: readonly string[] | undefined, extracted: ExtractedLicenses): string {
  if (!licenses?.length) return NOASSERTION;
  const terms = licenses.map((text) => {
    const k = classifyLicense(text);
    return k.kind === "id" ? k.id : k.kind === "expression" ? k.expression : extracted.ref(k.name);
  });
  const expression = joinExpressions(terms);
  return isSpdxExpression(expression) ? expression : NOASSERTION;
}

function annotation(props: Property[], date: string, annotator: string): Json {
  return {
    annotationDate: date,
    annotationType: "OTHER",
    annotator,
    comment: `${PROPERTIES_ANNOTATION}${JSON.stringify(props)}`,
  };
}

const purlRef = (purl: string) => ({
  referenceCategory: "PACKAGE-MANAGER",
  referenceType: "purl",
  referenceLocator: purl,
});

function sourceInfo(p: Package): string | undefined {
  if (!p.locations.length) return undefined;
  return p.locations.map((l) => `found at ${locationText(l)}${l.layer ? ` in layer ${l.layer}` : ""}`).join("; ");
}

const ROOT: Record<InventorySource["kind"], { id: string; purpose: string }> = {
  image: { id: "Image", purpose: "CONTAINER" },
  directory: { id: "Directory", purpose: "FILE" },
  host: { id: "Host", purpose: "OTHER" },
  sbom: { id: "SBOM", purpose: "FILE" },
};

/** The inventory as an SPDX 2.3 document object. */
export function toSpdx(inv: Inventory, opts: SpdxOptions = {}): Json {
  const created = spdxDate(inv.createdAt);
  const tool = `Tool: ${inv.tool.name}-${inv.tool.version}`;
  const extracted = new ExtractedLicenses();
  const s = inv.source;
  const { name: subjectName, version: subjectVersion } = subjectNameVersion(s);

  const rootId = `SPDXRef-DocumentRoot-${ROOT[s.kind].id}-${spdxIdPart(subjectName)}`;
  const root: Json = { name: subjectName, SPDXID: rootId };
  if (subjectVersion) root.versionInfo = subjectVersion;
  Object.assign(root, { supplier: NOASSERTION, downloadLocation: NOASSERTION, filesAnalyzed: false });
  const hex = /^sha256:([a-f0-9]{64})$/.exec(s.manifestDigest ?? "")?.[1];
  if (hex) root.checksums = [{ algorithm: "SHA256", checksumValue: hex }];
  Object.assign(root, { licenseConcluded: NOASSERTION, licenseDeclared: NOASSERTION, copyrightText: NOASSERTION });
  const subjectPurl = imagePurl(s);
  if (subjectPurl) root.externalRefs = [purlRef(subjectPurl)];
  root.primaryPackagePurpose = ROOT[s.kind].purpose;
  root.annotations = [annotation(sourceProperties(s), created, tool)];

  const packages: Json[] = [root];
  const relationships: Json[] = [
    { spdxElementId: "SPDXRef-DOCUMENT", relatedSpdxElement: rootId, relationshipType: "DESCRIBES" },
  ];
  const contains = (id: string) =>
    relationships.push({ spdxElementId: rootId, relatedSpdxElement: id, relationshipType: "CONTAINS" });

  if (inv.distro) {
    const os = osPackage(inv.distro, created, tool);
    packages.push(os);
    contains(os.SPDXID as string);
  }
  const usedIds = new Set<string>();
  for (const p of inv.packages) {
    let id = `SPDXRef-Package-${p.type}-${spdxIdPart(p.name)}-${shortHash(p.purl)}`;
    if (usedIds.has(id)) id = `${id}-${usedIds.size}`;
    usedIds.add(id);
    const pkg: Json = { name: p.name, SPDXID: id };
    if (p.version) pkg.versionInfo = p.version;
    Object.assign(pkg, { supplier: NOASSERTION, downloadLocation: NOASSERTION, filesAnalyzed: false });
    const info = sourceInfo(p);
    if (info) pkg.sourceInfo = info;
    Object.assign(pkg, {
      licenseConcluded: NOASSERTION,
      licenseDeclared: licenseDeclared(p.licenses, extracted),
      copyrightText: NOASSERTION,
      externalRefs: [purlRef(p.purl)],
      primaryPackagePurpose: "LIBRARY",
      annotations: [annotation(packageProperties(p), created, tool)],
    });
    packages.push(pkg);
    contains(id);
  }

  const doc: Json = {
    spdxVersion: "SPDX-2.3",
    dataLicense: "CC0-1.0",
    SPDXID: "SPDXRef-DOCUMENT",
    name: s.name,
    documentNamespace:
      opts.documentNamespace ?? `https://spdx.org/spdxdocs/rampart-${s.kind}-${spdxIdPart(s.name)}-${randomUUID()}`,
    creationInfo: { created, creators: [tool] },
    packages,
    relationships,
  };
  const infos = extracted.infos();
  if (infos.length) doc.hasExtractedLicensingInfos = infos;
  return doc;
}

function osPackage(d: Distro, created: string, tool: string): Json {
  const pkg: Json = {
    name: d.id,
    SPDXID: `SPDXRef-OperatingSystem-${spdxIdPart(d.id)}-${shortHash(`${d.id}@${d.versionId ?? ""}`)}`,
  };
  if (d.versionId) pkg.versionInfo = d.versionId;
  Object.assign(pkg, {
    supplier: NOASSERTION,
    downloadLocation: NOASSERTION,
    filesAnalyzed: false,
    licenseConcluded: NOASSERTION,
    licenseDeclared: NOASSERTION,
    copyrightText: NOASSERTION,
  });
  if (d.prettyName) pkg.description = d.prettyName;
  pkg.primaryPackagePurpose = "OPERATING-SYSTEM";
  pkg.annotations = [annotation(distroProperties(d), created, tool)];
  return pkg;
}

/** The inventory as SPDX 2.3 JSON text. */
export function renderSpdx(inv: Inventory, opts: SpdxOptions = {}): string {
  return `${JSON.stringify(toSpdx(inv, opts), null, 2)}\n`;
}
