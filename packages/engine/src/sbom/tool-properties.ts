/** What Syft and Trivy say about a package in their own name/value properties. */
import type { SourcePackage } from "../package/package.js";
import type { ComponentFacts } from "./import-builder.js";
import type { Property } from "./properties.js";
import { parseUpstream } from "./purl-package.js";

export const values = (props: readonly Property[], name: string) =>
  props.filter((p) => p.name === name).map((p) => p.value);
export const value = (props: readonly Property[], name: string) => props.find((p) => p.name === name)?.value;
export const purlType = (purl: string) => /^pkg:\/*([A-Za-z0-9.+-]+)\//.exec(purl)?.[1]?.toLowerCase();

/** Syft: syft:package:foundBy, syft:location:N:{path,layerID}, source packages in syft:metadata:*. */
export function syftFacts(props: readonly Property[], type: string | undefined, version: string): ComponentFacts {
  const facts: ComponentFacts = {};
  const foundBy = values(props, "syft:package:foundBy");
  if (foundBy.length) facts.foundBy = foundBy;
  const byIndex = new Map<number, { path?: string; layer?: string }>();
  for (const { name, value: v } of props) {
    const m = /^syft:location:(\d+):(path|layerID)$/.exec(name);
    if (!m) continue;
    const l = byIndex.get(Number(m[1])) ?? {};
    byIndex.set(Number(m[1]), l);
    if (m[2] === "path") l.path = v;
    else l.layer = v;
  }
  const locations = [...byIndex]
    .sort((a, b) => a[0] - b[0])
    .flatMap(([, l]) => (l.path ? [{ path: l.path, ...(l.layer ? { layer: l.layer } : {}) }] : []));
  if (locations.length) facts.locations = locations;
  let source: SourcePackage | undefined;
  if (type === "deb") {
    const name = value(props, "syft:metadata:source");
    if (name) source = { name, version: value(props, "syft:metadata:sourceVersion") || version };
  } else if (type === "apk") {
    const name = value(props, "syft:metadata:originPackage");
    if (name) source = { name, version };
  } else if (type === "rpm") {
    const rpm = value(props, "syft:metadata:sourceRpm");
    if (rpm) source = parseUpstream(rpm, version);
  }
  if (source) facts.source = source;
  return facts;
}

/** Trivy: aquasecurity:trivy:FilePath (relative to the root), LayerDiffID, Src{Name,Version,Release,Epoch}. */
export function trivyFacts(props: readonly Property[], type: string | undefined): ComponentFacts {
  const facts: ComponentFacts = {};
  const path = value(props, "aquasecurity:trivy:FilePath");
  const layer = value(props, "aquasecurity:trivy:LayerDiffID");
  if (path) facts.locations = [{ path: path.startsWith("/") ? path : `/${path}`, ...(layer ? { layer } : {}) }];
  const name = value(props, "aquasecurity:trivy:SrcName");
  const version = value(props, "aquasecurity:trivy:SrcVersion");
  if (name && version !== undefined) {
    const release = value(props, "aquasecurity:trivy:SrcRelease");
    const epoch = value(props, "aquasecurity:trivy:SrcEpoch");
    // RPM source versions are version-release without epoch, as in the source RPM's file name; dpkg writes
    // the epoch into the version.
    let v = release ? `${version}-${release}` : version;
    if (type !== "rpm" && epoch && epoch !== "0") v = `${epoch}:${v}`;
    facts.source = { name, version: v };
  }
  return facts;
}
