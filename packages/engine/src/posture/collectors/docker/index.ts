import type { Collector } from "../collector.js";
import { containerCollector } from "./container.js";
import { dockerDaemonCollector } from "./daemon.js";

export { type ContainerContext, containerCollector, containerFacts, DEFAULT_CAPABILITIES } from "./container.js";
export { dockerDaemonCollector } from "./daemon.js";
export { DOCKER_API_DEFAULTS, DockerApiError, type DockerApiOptions, dockerApi } from "./engine-api.js";

/** The Docker family: the engine's daemon and host configuration, and each running container. */
export const collectors: Collector[] = [dockerDaemonCollector, containerCollector];
