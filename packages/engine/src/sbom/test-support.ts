// Shared by the SBOM tests (excluded from the build): the test data folder, the inventory fixture, the SPDX
// schema validator, and how packages are compared after a round trip.
import { readFileSync } from "node:fs";
import { Ajv2019 } from "ajv/dist/2019.js";
import type { Package } from "../package/package.js";
import type { Inventory } from "./inventory.js";

export const read = (name: string): string => readFileSync(new URL(`./testdata/${name}`, import.meta.url), "utf8");

/** A Rampart inventory of the vuln-app image: the writers' input. */
export const fixture = (): Inventory => JSON.parse(read("inventory.json")) as Inventory;

export const byName = (inv: Inventory): Map<string, Package> => new Map(inv.packages.map((p) => [p.name, p]));

/** What must survive writing an SBOM and reading it back. */
export const essentials = (p: Package) => ({
  purl: p.purl,
  name: p.name,
  version: p.version,
  source: p.source,
  locations: p.locations,
});

// Rampart's schema written from the SPDX 2.3 specification (see testdata/README.md), draft 2019-09; Ajv's
// strict mode stays on so a schema it misreads fails loudly.
export const validateSpdx = new Ajv2019({ allErrors: true }).compile(JSON.parse(read("spdx-2.3.rampart-schema.json")));
