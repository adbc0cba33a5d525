import { existsSync } from "node:fs";
import type { ScanAction, Snapshot } from "@rampart/console/protocol";
import { resolveInRoot } from "../discovery/root-path.js";
import type { ScanSubject } from "../scan/job.js";

export interface EngineSocket {
  engine: "docker" | "podman";
  socket: string;
  onHost?: boolean;
}

export class UnknownTarget extends Error {
  override name = "UnknownTarget";
}

/**
 * What a scan action's target means on this node: the host's root, a running container's root through
 * /proc/PID/root of its main process, or a local image through the first container engine that answers.
 */
export async function resolveSubject(
  target: ScanAction["target"],
  o: {
    snapshot: Snapshot | undefined;
    procRoot: string;
    hostRoot: string;
    /** `onHost`: a path on the host, found under the host root (where its links resolve inside that root). */
    engineSockets: EngineSocket[];
  },
): Promise<ScanSubject & { image?: string }> {
  switch (target.kind) {
    case "host": {
      let engineSocket: string | undefined;
      for (const e of o.engineSockets) {
        const socket = e.onHost ? await resolveInRoot(o.hostRoot, e.socket) : e.socket;
        if (socket && existsSync(socket)) {
          engineSocket = socket;
          break;
        }
      }
      return {
        kind: "host",
        root: o.hostRoot,
        name: o.snapshot?.host?.hostname ?? target.ref,
        procRoot: o.procRoot,
        ...(engineSocket ? { engineSocket } : {}),
      };
    }
    case "container": {
      const ref = target.ref.replace(/^[a-z]+:\/\//, "");
      const c = o.snapshot?.containers.find(
        (x) => x.id === ref || x.name === ref || x.name === `/${ref}` || (ref.length >= 12 && x.id.startsWith(ref)),
      );
      if (!c) throw new UnknownTarget(`no container ${target.ref} on this node`);
      if (c.state !== "running") throw new UnknownTarget(`container ${c.name || c.id} is ${c.state}, not running`);
      const pid = c.pids?.[0];
      if (!pid) throw new UnknownTarget(`container ${c.name || c.id} has no process to read its filesystem through`);
      return { kind: "container", root: `${o.procRoot}/${pid}/root`, name: c.name || c.id, image: c.image };
    }
    case "image": {
      for (const e of o.engineSockets) {
        const socket = e.onHost ? await resolveInRoot(o.hostRoot, e.socket) : e.socket;
        if (socket && existsSync(socket)) return { kind: "image", engine: e.engine, socket, name: target.ref };
      }
      throw new UnknownTarget("no container engine socket on this node to read the image from");
    }
  }
}
