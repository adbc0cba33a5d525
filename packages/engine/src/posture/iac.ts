import { findDockerfiles } from "./collectors/dockerfile/dockerfile.js";
import { findManifests, loadManifests } from "./collectors/kubernetes/manifests.js";
import type { DockerfileInput, KubeObject } from "./target.js";

/** The infrastructure as code in a directory: its Kubernetes manifests (Helm-rendered too) and Dockerfiles. */
export async function findIac(
  dir: string,
  warn: (message: string) => void,
): Promise<{ kubernetes: KubeObject[]; dockerfiles: DockerfileInput[] }> {
  const kubernetes = await loadManifests(await findManifests(dir, warn), warn);
  const dockerfiles = await findDockerfiles(dir, warn);
  return { kubernetes, dockerfiles };
}
