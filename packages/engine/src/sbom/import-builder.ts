/** Turns the components an SBOM reader found into a finalized Inventory: one package per purl, sorted. */
import type { Distro } from "../package/distro.js";
import type { Location, Package, SourcePackage } from "../package/package.js";
import { ENGINE_VERSION } from "../version.js";
import type { Inventory, InventorySource } from "./inventory.js";
import { packageFromPurl, pypiNormalized } from "./purl-package.js";

/** What a reader knows about one SBOM component besides its purl. */
export interface ComponentFacts {
  /** The name the document shows (kept for pypi, whose purl name is normalized). */
  displayName?: string;
  licenses?: string[];
  foundBy?: string[];
  source?: SourcePackage;
  arch?: string;
  epoch?: number;
  locations?: Location[];
  metadata?: Record<string, string | string[]>;
}

export interface ReadSbomOptions {
  /** What the user gave to read (a file name); the document's own subject name otherwise. */
  name?: string;
  /** Rampart's version, for Inventory.tool; the engine's own by default. */
  toolVersion?: string;
}

/** The cataloger name packages read from an SBOM get when the SBOM does not say which one found them. */
export const SBOM_CATALOGER = "sbom-cataloger";

const locationKey = (l: Location) => `${l.layer ?? ""}\0${l.path}\0${(l.member ?? []).join("\0")}`;

export class InventoryBuilder {
  private byPurl = new Map<string, Package>();
  private skipped = new Map<string, number>();
  private invalid: string[] = [];
  private purlDistros: Distro[] = [];
  readonly warnings: string[] = [];
  distro?: Distro;

  /** Adds a component by purl; unusable purls are counted for one warning each kind. */
  add(purlText: string, facts: ComponentFacts): void {
    const r = packageFromPurl(purlText);
    if (!r.ok) {
      if (r.reason === "invalid") this.invalid.push(purlText);
      else this.skipped.set(r.type ?? "?", (this.skipped.get(r.type ?? "?") ?? 0) + 1);
      return;
    }
    const { distro, ...base } = r.pkg;
    if (distro) this.purlDistros.push(distro);
    let name = base.name;
    if (base.type === "pypi" && facts.displayName && pypiNormalized(facts.displayName) === pypiNormalized(name)) {
      name = facts.displayName;
    }
    const pkg: Package = {
      ...base,
      name,
      foundBy: facts.foundBy?.length ? [...new Set(facts.foundBy)] : [SBOM_CATALOGER],
      locations: [],
    };
    // Facts the document states outright win over what the purl implies.
    const source = facts.source ?? base.source;
    if (source) pkg.source = source;
    const arch = facts.arch ?? base.arch;
    if (arch) pkg.arch = arch;
    const epoch = facts.epoch ?? base.epoch;
    if (epoch !== undefined) pkg.epoch = epoch;
    if (facts.licenses?.length) pkg.licenses = facts.licenses;
    if (facts.metadata) pkg.metadata = facts.metadata;
    for (const l of facts.locations ?? []) addLocation(pkg, l);

    const existing = this.byPurl.get(pkg.purl);
    if (!existing) {
      this.byPurl.set(pkg.purl, pkg);
      return;
    }
    for (const c of pkg.foundBy) if (!existing.foundBy.includes(c)) existing.foundBy.push(c);
    for (const l of pkg.locations) addLocation(existing, l);
    existing.licenses ??= pkg.licenses;
    existing.source ??= pkg.source;
  }

  build(source: InventorySource, opts: ReadSbomOptions): Inventory {
    const warnings = [...this.warnings];
    for (const [type, n] of [...this.skipped].sort()) {
      warnings.push(
        `skipped ${n} component${n === 1 ? "" : "s"} with purl type "${type}", which Rampart does not catalog`,
      );
    }
    if (this.invalid.length) {
      const shown = this.invalid.slice(0, 3).map((p) => JSON.stringify(p.slice(0, 200)));
      warnings.push(`skipped ${this.invalid.length} component(s) with an invalid purl: ${shown.join(", ")}`);
    }
    const distro = this.distro ?? this.purlDistros.find((d) => d.versionId) ?? this.purlDistros[0];
    const packages = [...this.byPurl.values()].sort((a, b) => (a.purl < b.purl ? -1 : a.purl > b.purl ? 1 : 0));
    return {
      source,
      ...(distro ? { distro } : {}),
      packages,
      warnings,
      tool: { name: "rampart", version: opts.toolVersion ?? ENGINE_VERSION },
      createdAt: new Date().toISOString(),
    };
  }
}

function addLocation(p: Package, l: Location): void {
  if (!p.locations.some((x) => locationKey(x) === locationKey(l))) p.locations.push(l);
}
