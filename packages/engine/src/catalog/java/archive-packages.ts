import { parseArchiveName } from "./archive-name.js";
import { parseManifest, parseProperties } from "./manifest.js";

/** What one archive says about itself, before it becomes a PackageInput. */
export interface JavaArtifact {
  groupId?: string;
  artifactId: string;
  version: string;
  /** Which evidence named it: "pom.properties", "MANIFEST.MF" or "file name". */
  evidence: string;
}

export const MANIFEST = "META-INF/MANIFEST.MF";
export const POM_PROPERTIES = /^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/;

const decoder = new TextDecoder();

/**
 * The artifacts an archive declares, best evidence first: one per pom.properties (a shaded jar carries one for
 * each artifact folded into it), else the manifest, else the file name. Each GAV is reported once.
 */
export function artifactsOf(archivePath: string, entries: Record<string, Uint8Array>): JavaArtifact[] {
  const seen = new Set<string>();
  const out: JavaArtifact[] = [];
  for (const name of Object.keys(entries)
    .filter((n) => POM_PROPERTIES.test(n))
    .sort()) {
    const props = parseProperties(decoder.decode(entries[name]));
    const artifactId = props.get("artifactId");
    const version = props.get("version");
    if (!artifactId || !version) continue;
    const groupId = props.get("groupId") || undefined;
    const key = `${groupId}:${artifactId}:${version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ groupId, artifactId, version, evidence: "pom.properties" });
  }
  if (out.length > 0) return out;

  const fromName = parseArchiveName(archivePath);
  const manifestBytes = entries[MANIFEST];
  if (manifestBytes) {
    const fromManifest = manifestArtifact(parseManifest(decoder.decode(manifestBytes)), fromName);
    if (fromManifest) return [fromManifest];
  }
  return fromName.version ? [{ artifactId: fromName.name, version: fromName.version, evidence: "file name" }] : [];
}

/**
 * A file name in Maven's "artifactId-version.jar" form is the best evidence of the artifact (as in Syft); the
 * manifest fills in what a renamed file ("app.jar") lost. Titles are names for people ("Apache Log4j Core"), so
 * only identifier-like ones are taken as artifactId.
 */
function manifestArtifact(
  m: Map<string, string>,
  fromName: { name: string; version?: string },
): JavaArtifact | undefined {
  const declaredVersion = m.get("Implementation-Version") || m.get("Bundle-Version") || m.get("Specification-Version");
  const symbolic = m.get("Bundle-SymbolicName")?.split(";", 1)[0]?.trim();
  const title = [m.get("Implementation-Title"), m.get("Specification-Title")].find((t) => t && /^[\w.-]+$/.test(t));
  const declaredName = title || symbolic?.split(".").at(-1);
  const groupId = groupGuess(m, symbolic);
  if (!declaredVersion && !declaredName && !groupId) return undefined; // nothing the file name does not say
  const version = fromName.version || declaredVersion;
  const artifactId = (fromName.version ? fromName.name : declaredName) || fromName.name;
  if (!artifactId || !version) return undefined;
  return { groupId, artifactId, version, evidence: "MANIFEST.MF" };
}

/**
 * Maven's archiver writes the groupId as Implementation-Vendor-Id; otherwise an OSGi symbolic name
 * ("org.apache.logging.log4j.core") usually is the groupId plus one segment for the artifact.
 */
function groupGuess(m: Map<string, string>, symbolic: string | undefined): string | undefined {
  const vendorId = m.get("Implementation-Vendor-Id");
  if (vendorId && /^[\w-]+(\.[\w-]+)+$/.test(vendorId)) return vendorId;
  if (symbolic && /^[\w-]+(\.[\w-]+){2,}$/.test(symbolic)) return symbolic.slice(0, symbolic.lastIndexOf("."));
  return undefined;
}
