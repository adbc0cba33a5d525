import type { Collector } from "./collector.js";
import { collectors as docker } from "./docker/index.js";
import { collectors as dockerfile } from "./dockerfile/index.js";
import { collectors as kubernetes } from "./kubernetes/index.js";
import { collectors as linux } from "./linux/index.js";

/**
 * Every collector, by platform. Each family lives in its own folder (linux/, docker/, kubernetes/,
 * dockerfile/) and exports `collectors`.
 */
export const allCollectors: readonly Collector[] = [...kubernetes, ...dockerfile, ...linux, ...docker];
