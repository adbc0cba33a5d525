export type { Discovered, Discoverer, DiscoveryContext } from "./discovery/discoverer.js";
