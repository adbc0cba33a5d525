import type { Collector } from "../collector.js";
import { dockerfileCollector } from "./dockerfile.js";

export { findDockerfiles, isDockerfileName } from "./dockerfile.js";

export const collectors: Collector[] = [dockerfileCollector];
