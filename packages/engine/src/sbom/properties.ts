/**
 * Rampart's name/value property vocabulary. CycloneDX carries it as component properties; SPDX, which has
 * no custom fields, in one annotation per package. Both readers decode it with the functions here, so what
 * one writer puts in, the matching reader gets back.
 */
import type { Distro } from "../package/distro.js";
import type { Location, Package, SourcePackage } from "../package/package.js";
import type { InventorySource } from "./inventory.js";

export interface Property {
  name: string;
  value: string;
}

export const PROP = {
  type: "rampart:package:type",
  foundBy: "rampart:package:foundBy",
  sourceName: "rampart:package:sourceName",
  sourceVersion: "rampart:package:sourceVersion",
  arch: "rampart:package:arch",
  epoch: "rampart:package:epoch",
} as const;

const LOCATION = /^rampart:location:(\d+):(path|layer|member:(\d+))$/;
const METADATA = /^rampart:metadata:(.+?)(?::(\d+))?$/;
const LAYER = /^rampart:image:layer:(\d+):(diffId|digest|size|createdBy)$/;

/** Where a location points, nested archive members included ("/app/app.jar!/BOOT-INF/lib/x.jar"). */
export const locationText = (l: Location): string => [l.path, ...(l.member ?? [])].join("!/");

/** The package facts a purl does not hold, as properties. */
export function packageProperties(p: Package): Property[] {
  const out: Property[] = [{ name: PROP.type, value: p.type }];
  for (const c of p.foundBy) out.push({ name: PROP.foundBy, value: c });
  if (p.source) {
    out.push({ name: PROP.sourceName, value: p.source.name }, { name: PROP.sourceVersion, value: p.source.version });
  }
  if (p.arch) out.push({ name: PROP.arch, value: p.arch });
  if (p.epoch !== undefined) out.push({ name: PROP.epoch, value: String(p.epoch) });
  p.locations.forEach((l, i) => {
    out.push({ name: `rampart:location:${i}:path`, value: l.path });
    if (l.layer) out.push({ name: `rampart:location:${i}:layer`, value: l.layer });
    for (const [j, m] of (l.member ?? []).entries()) out.push({ name: `rampart:location:${i}:member:${j}`, value: m });
  });
  for (const key of Object.keys(p.metadata ?? {}).sort()) {
    const v = p.metadata?.[key];
    if (Array.isArray(v))
      for (const [i, item] of v.entries()) out.push({ name: `rampart:metadata:${key}:${i}`, value: item });
    else if (v !== undefined) out.push({ name: `rampart:metadata:${key}`, value: String(v) });
  }
  return out;
}

/** What our properties say about a package (absent fields: the properties did not say). */
export interface DecodedPackage {
  type?: string;
  foundBy: string[];
  source?: SourcePackage;
  arch?: string;
  epoch?: number;
  locations: Location[];
  /** Values come back as strings (arrays stay arrays): properties do not keep numbers and booleans apart. */
  metadata?: Record<string, string | string[]>;
}

export function decodePackageProperties(props: readonly Property[]): DecodedPackage {
  const out: DecodedPackage = { foundBy: [], locations: [] };
  const locations = new Map<number, { path?: string; layer?: string; member: string[] }>();
  const metadata: Record<string, string | string[]> = {};
  let sourceName: string | undefined;
  let sourceVersion: string | undefined;
  for (const { name, value } of props) {
    if (name === PROP.type) out.type = value;
    else if (name === PROP.foundBy) out.foundBy.push(value);
    else if (name === PROP.sourceName) sourceName = value;
    else if (name === PROP.sourceVersion) sourceVersion = value;
    else if (name === PROP.arch) out.arch = value;
    else if (name === PROP.epoch && /^\d+$/.test(value)) out.epoch = Number(value);
    else if (LOCATION.test(name)) {
      const [, index, field, member] = LOCATION.exec(name) as RegExpExecArray;
      const l = locations.get(Number(index)) ?? { member: [] };
      locations.set(Number(index), l);
      if (field === "path") l.path = value;
      else if (field === "layer") l.layer = value;
      else l.member[Number(member)] = value;
    } else if (METADATA.test(name)) {
      const [, key, index] = METADATA.exec(name) as RegExpExecArray;
      if (index === undefined) metadata[key as string] = value;
      else {
        const list = Array.isArray(metadata[key as string]) ? (metadata[key as string] as string[]) : [];
        list[Number(index)] = value;
        metadata[key as string] = list;
      }
    }
  }
  if (sourceName !== undefined) out.source = { name: sourceName, version: sourceVersion ?? "" };
  for (const [, l] of [...locations].sort((a, b) => a[0] - b[0])) {
    if (l.path === undefined) continue;
    const member = l.member.filter((m) => m !== undefined);
    out.locations.push({ path: l.path, ...(l.layer ? { layer: l.layer } : {}), ...(member.length ? { member } : {}) });
  }
  for (const [key, v] of Object.entries(metadata))
    if (Array.isArray(v)) metadata[key] = v.filter((x) => x !== undefined);
  if (Object.keys(metadata).length > 0) out.metadata = metadata;
  return out;
}

/** The scanned subject's facts (image id, digests, tags, layers) as properties. */
export function sourceProperties(s: InventorySource): Property[] {
  const out: Property[] = [{ name: "rampart:source:kind", value: s.kind }];
  if (s.transport) out.push({ name: "rampart:source:transport", value: s.transport });
  out.push({ name: "rampart:source:name", value: s.name });
  if (s.imageId) out.push({ name: "rampart:image:id", value: s.imageId });
  if (s.manifestDigest) out.push({ name: "rampart:image:manifestDigest", value: s.manifestDigest });
  for (const t of s.tags ?? []) out.push({ name: "rampart:image:tag", value: t });
  if (s.architecture) out.push({ name: "rampart:image:architecture", value: s.architecture });
  if (s.os) out.push({ name: "rampart:image:os", value: s.os });
  s.layers?.forEach((l, i) => {
    out.push({ name: `rampart:image:layer:${i}:diffId`, value: l.diffId });
    out.push({ name: `rampart:image:layer:${i}:digest`, value: l.digest });
    if (l.size !== undefined) out.push({ name: `rampart:image:layer:${i}:size`, value: String(l.size) });
    if (l.createdBy) out.push({ name: `rampart:image:layer:${i}:createdBy`, value: l.createdBy });
  });
  return out;
}

/** The image facts of a subject written by sourceProperties (kind, transport and name stay the reader's). */
export function decodeSourceProperties(props: readonly Property[]): Partial<InventorySource> {
  const out: Partial<InventorySource> = {};
  const tags: string[] = [];
  const layers = new Map<number, { diffId?: string; digest?: string; size?: number; createdBy?: string }>();
  for (const { name, value } of props) {
    if (name === "rampart:image:id") out.imageId = value;
    else if (name === "rampart:image:manifestDigest") out.manifestDigest = value;
    else if (name === "rampart:image:tag") tags.push(value);
    else if (name === "rampart:image:architecture") out.architecture = value;
    else if (name === "rampart:image:os") out.os = value;
    else if (LAYER.test(name)) {
      const [, index, field] = LAYER.exec(name) as RegExpExecArray;
      const l = layers.get(Number(index)) ?? {};
      layers.set(Number(index), l);
      if (field === "size") {
        if (/^\d+$/.test(value)) l.size = Number(value);
      } else l[field as "diffId" | "digest" | "createdBy"] = value;
    }
  }
  if (tags.length) out.tags = tags;
  const list = [...layers]
    .sort((a, b) => a[0] - b[0])
    .map(([, l]) => l)
    .filter((l): l is { diffId: string; digest: string } => !!l.diffId && !!l.digest);
  if (list.length) out.layers = list;
  return out;
}

/** Distro facts that do not fit an operating-system component's name and version. */
export function distroProperties(d: Distro): Property[] {
  const out: Property[] = [{ name: "rampart:distro:id", value: d.id }];
  if (d.versionId) out.push({ name: "rampart:distro:versionId", value: d.versionId });
  if (d.codename) out.push({ name: "rampart:distro:codename", value: d.codename });
  if (d.prettyName) out.push({ name: "rampart:distro:prettyName", value: d.prettyName });
  for (const like of d.idLike ?? []) out.push({ name: "rampart:distro:idLike", value: like });
  if (d.distroless) out.push({ name: "rampart:distro:distroless", value: "true" });
  return out;
}

export function decodeDistroProperties(props: readonly Property[], base: Distro): Distro {
  const d: Distro = { ...base };
  const idLike: string[] = [];
  for (const { name, value } of props) {
    if (name === "rampart:distro:id") d.id = value;
    else if (name === "rampart:distro:versionId") d.versionId = value;
    else if (name === "rampart:distro:codename") d.codename = value;
    else if (name === "rampart:distro:prettyName") d.prettyName = value;
    else if (name === "rampart:distro:idLike") idLike.push(value);
    else if (name === "rampart:distro:distroless") d.distroless = value === "true";
  }
  if (idLike.length) d.idLike = idLike;
  return d;
}
