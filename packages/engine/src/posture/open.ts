import { stat } from "node:fs/promises";
import { join } from "node:path";
import type { InventorySource } from "../sbom/inventory.js";
import { openTarget, type Target } from "../source/resolve.js";
import type { SourceOptions } from "../source/source.js";
import { dockerApi } from "./collectors/docker/index.js";
import { clusterFromKubeconfig, listClusterObjects } from "./collectors/kubernetes/cluster.js";
import { FileView } from "./file-view.js";
import { findIac } from "./iac.js";
import type { PostureTarget } from "./target.js";

/** The Docker-compatible engine sockets a host posture scan looks for when none is named. */
export const DEFAULT_ENGINE_SOCKETS = ["/var/run/docker.sock", "/run/podman/podman.sock"];

export interface OpenPostureOptions extends SourceOptions {
  /** The engine API socket whose daemon and containers the docker controls read (host scans). */
  dockerSocket?: string;
  /** Host scans: look for the default engine sockets when none is given (default true). */
  findEngine?: boolean;
}

export interface OpenedPostureTarget {
  target: PostureTarget;
  /** What was scanned, as the report names it. */
  source: InventorySource;
  warnings: string[];
}

const exists = async (p: string) => (await stat(p).catch(() => undefined)) !== undefined;

/** A directory is a root filesystem when it has an OS release file or a password database. */
async function isRootfs(dir: string): Promise<boolean> {
  for (const p of ["etc/os-release", "usr/lib/os-release", "etc/passwd"]) if (await exists(join(dir, p))) return true;
  return false;
}

async function engineOf(o: OpenPostureOptions, warnings: string[]): Promise<PostureTarget["docker"]> {
  const candidates = o.dockerSocket ? [o.dockerSocket] : o.findEngine === false ? [] : DEFAULT_ENGINE_SOCKETS;
  for (const socket of candidates) {
    if (!(await exists(socket))) {
      if (o.dockerSocket) warnings.push(`${socket}: no such engine socket; the Docker controls did not run`);
      continue;
    }
    return dockerApi(socket);
  }
  return undefined;
}

/**
 * What a posture scan of a target reads:
 * - `host`: the live host's files and /proc, and the container engine when its socket is there;
 * - a directory that is a root filesystem: its files (the Linux controls, configured state);
 * - any other directory: the Kubernetes manifests and Dockerfiles in it (infrastructure as code);
 * - an image (archive, OCI layout, registry, engine): its config and build history (Dockerfile controls).
 */
export async function openPostureTarget(t: Target, o: OpenPostureOptions = {}): Promise<OpenedPostureTarget> {
  const warnings: string[] = [];
  switch (t.kind) {
    case "host": {
      const docker = await engineOf(o, warnings);
      return {
        target: {
          name: "host",
          files: FileView.forHost("/"),
          live: { procRoot: "/proc" },
          ...(docker ? { docker } : {}),
        },
        source: { kind: "host", name: "host", transport: "host" },
        warnings,
      };
    }
    case "directory": {
      const source: InventorySource = { kind: "directory", name: t.path, transport: "directory" };
      if (await isRootfs(t.path)) {
        const docker = o.dockerSocket ? await engineOf(o, warnings) : undefined;
        return {
          target: { name: t.path, files: new FileView(t.path), ...(docker ? { docker } : {}) },
          source,
          warnings,
        };
      }
      const iac = await findIac(t.path, (m) => warnings.push(m));
      return { target: { name: t.path, kubernetes: iac.kubernetes, dockerfiles: iac.dockerfiles }, source, warnings };
    }
    case "sbom":
      throw new Error(`${t.path} is an SBOM: it lists packages, it has no configuration to check for posture`);
    default: {
      const src = await openTarget(t, o);
      try {
        if (src.kind !== "image") throw new Error(`${src.name}: not an image`);
        return {
          target: { name: src.name, image: { name: src.name, config: src.config } },
          source: {
            kind: "image",
            name: src.name,
            transport: src.transport,
            imageId: src.configDigest,
            ...(src.manifestDigest ? { manifestDigest: src.manifestDigest } : {}),
            ...(src.tags.length ? { tags: src.tags } : {}),
          },
          warnings,
        };
      } finally {
        await src.close();
      }
    }
  }
}

/** `k8s://[CONTEXT]`: a live cluster through a kubeconfig context (the current one when none is named). */
export const CLUSTER_TARGET = /^k8s:\/\/(.*)$/;

/** A live cluster's workloads, RBAC, network policies and services, listed through its API. */
export async function openClusterTarget(o: { context?: string; kubeconfig?: string }): Promise<OpenedPostureTarget> {
  const warnings: string[] = [];
  const access = await clusterFromKubeconfig(o.kubeconfig, o.context);
  const kubernetes = await listClusterObjects(access, (m) => warnings.push(m));
  const name = `k8s://${access.name}`;
  return {
    target: { name, kubernetes },
    source: { kind: "directory", name, transport: "kubernetes" },
    warnings,
  };
}
