/**
 * CycloneDX 1.6 JSON writer. The document is built as plain JSON rather than through
 * @cyclonedx/cyclonedx-library's models because those (v10) have no evidence.occurrences, which is where
 * 1.6 puts the paths a component was found at; the library still supplies the SPDX license-id list, and
 * the tests validate the output against the official 1.6 schema with its validator.
 */
import { randomUUID } from "node:crypto";
import type { Distro } from "../package/distro.js";
import type { Package } from "../package/package.js";
import { isOsPackageType } from "../package/purl.js";
import { shortHash } from "./ids.js";
import type { Inventory, InventorySource } from "./inventory.js";
import { classifyLicense, joinExpressions } from "./license.js";
import { distroProperties, locationText, packageProperties, sourceProperties } from "./properties.js";
import { imagePurl, subjectNameVersion } from "./subject.js";

export interface CycloneDxOptions {
  /** urn:uuid serial number; a random one by default. */
  serialNumber?: string;
}

type Json = Record<string, unknown>;
type LicenseChoice = Array<{ license: { id: string } | { name: string } }> | [{ expression: string }];

/**
 * Licenses as CycloneDX wants them: listed ids and names, or else exactly one SPDX expression. A package
 * whose licenses mix a compound expression with free text can only list them, the expression as a name.
 */
export function cycloneDxLicenses(licenses: readonly string[] | undefined): LicenseChoice | undefined {
  if (!licenses?.length) return undefined;
  const kinds = licenses.map(classifyLicense);
  if (kinds.some((k) => k.kind === "expression") && kinds.every((k) => k.kind !== "name")) {
    return [
      {
        expression: joinExpressions(
          kinds.map((k) => (k.kind === "id" ? k.id : (k as { expression: string }).expression)),
        ),
      },
    ];
  }
  return kinds.map((k) =>
    k.kind === "id" ? { license: { id: k.id } } : { license: { name: k.kind === "name" ? k.name : k.expression } },
  );
}

/** Maven groupId, npm scope and Composer vendor are CycloneDX's group; other namespaces live in the purl. */
const GROUPED_TYPES = new Set(["maven", "npm", "composer"]);

function packageComponent(p: Package, bomRef: string): Json {
  const c: Json = { "bom-ref": bomRef, type: "library" };
  if (p.namespace && GROUPED_TYPES.has(p.type)) c.group = p.namespace;
  c.name = p.name;
  if (p.version) c.version = p.version;
  const licenses = cycloneDxLicenses(p.licenses);
  if (licenses) c.licenses = licenses;
  c.purl = p.purl;
  c.properties = packageProperties(p);
  const occurrences = [...new Set(p.locations.map(locationText))].map((location) => ({ location }));
  if (occurrences.length) c.evidence = { occurrences };
  return c;
}

function osComponent(d: Distro, bomRef: string): Json {
  const c: Json = { "bom-ref": bomRef, type: "operating-system", name: d.id };
  if (d.versionId) c.version = d.versionId;
  if (d.prettyName) c.description = d.prettyName;
  c.properties = distroProperties(d);
  return c;
}

const SUBJECT_TYPE: Record<InventorySource["kind"], string> = {
  image: "container",
  directory: "file",
  host: "application",
  sbom: "file",
};

function subjectComponent(s: InventorySource): Json {
  const purl = imagePurl(s);
  const { name, version } = subjectNameVersion(s);
  const c: Json = {
    "bom-ref": purl ?? `rampart-subject-${shortHash(`${s.kind}\0${s.name}\0${s.imageId ?? ""}`)}`,
    type: SUBJECT_TYPE[s.kind],
    name,
  };
  if (version) c.version = version;
  const hex = /^sha256:([a-f0-9]{64})$/.exec(s.manifestDigest ?? "")?.[1];
  if (hex) c.hashes = [{ alg: "SHA-256", content: hex }];
  if (purl) c.purl = purl;
  c.properties = sourceProperties(s);
  return c;
}

/** A bom-ref per package: its purl (unique in an inventory), with a short hash added should one repeat. */
function bomRefs(packages: readonly Package[]): string[] {
  const used = new Set<string>();
  return packages.map((p, i) => {
    let ref = p.purl;
    if (used.has(ref)) ref = `${p.purl}${p.purl.includes("?") ? "&" : "?"}package-id=${shortHash(`${p.purl}\0${i}`)}`;
    used.add(ref);
    return ref;
  });
}

/** The inventory as a CycloneDX 1.6 BOM object. */
export function toCycloneDx(inv: Inventory, opts: CycloneDxOptions = {}): Json {
  const subject = subjectComponent(inv.source);
  const refs = bomRefs(inv.packages);
  const components: Json[] = [];
  const dependencies: Json[] = [];
  const top: string[] = [];
  if (inv.distro) {
    const osRef = `os:${inv.distro.id}@${inv.distro.versionId ?? "unknown"}`;
    components.push(osComponent(inv.distro, osRef));
    top.push(osRef);
    const osPackages = inv.packages.flatMap((p, i) => (isOsPackageType(p.type) ? [refs[i] as string] : []));
    if (osPackages.length) dependencies.push({ ref: osRef, dependsOn: osPackages });
  }
  inv.packages.forEach((p, i) => {
    const ref = refs[i] as string;
    components.push(packageComponent(p, ref));
    // As Trivy does: the subject depends on its OS and its other packages, the OS on the OS packages.
    if (!(inv.distro && isOsPackageType(p.type))) top.push(ref);
  });
  if (top.length) dependencies.unshift({ ref: subject["bom-ref"], dependsOn: top });
  return {
    $schema: "http://cyclonedx.org/schema/bom-1.6.schema.json",
    bomFormat: "CycloneDX",
    specVersion: "1.6",
    serialNumber: opts.serialNumber ?? `urn:uuid:${randomUUID()}`,
    version: 1,
    metadata: {
      timestamp: inv.createdAt,
      tools: { components: [{ type: "application", name: inv.tool.name, version: inv.tool.version }] },
      component: subject,
    },
    components,
    dependencies,
  };
}

/** The inventory as CycloneDX 1.6 JSON text. */
export function renderCycloneDx(inv: Inventory, opts: CycloneDxOptions = {}): string {
  return `${JSON.stringify(toCycloneDx(inv, opts), null, 2)}\n`;
}
