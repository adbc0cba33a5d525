import type { Distro } from "../package/distro.js";
import type { Package } from "../package/package.js";

/** What was scanned, as the SBOM describes it. */
export interface InventorySource {
  kind: "image" | "directory" | "host" | "sbom";
  /** What the user scanned. */
  name: string;
  /** docker-archive, oci-layout, oci-archive, registry, docker-engine, directory, host, cyclonedx, spdx. */
  transport?: string;
  /** Config digest. */
  imageId?: string;
  manifestDigest?: string;
  tags?: string[];
  architecture?: string;
  os?: string;
  layers?: Array<{ diffId: string; digest: string; size?: number; createdBy?: string }>;
}

/** The result of cataloging a source: the package list every later stage starts from. */
export interface Inventory {
  source: InventorySource;
  distro?: Distro;
  /** Finalized: one per purl, sorted by purl. */
  packages: Package[];
  warnings: string[];
  tool: { name: "rampart"; version: string };
  /** ISO 8601 time. */
  createdAt: string;
}
