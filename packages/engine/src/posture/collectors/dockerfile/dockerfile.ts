import { readFile, stat } from "node:fs/promises";
import type { DockerfileInput, PostureTarget } from "../../target.js";
import type { Collector, Subject } from "../collector.js";
import { walkFiles } from "../kubernetes/manifests.js";
import { buildFacts, dockerfileSettings } from "./facts.js";
import { stepsOfDockerfile, stepsOfImage } from "./steps.js";

/** Dockerfiles are small; anything larger is not one. */
export const MAX_DOCKERFILE_BYTES = 1024 * 1024;

/** Dockerfile, Containerfile, Dockerfile.prod, api.Dockerfile. */
export const isDockerfileName = (name: string): boolean =>
  /^(dockerfile|containerfile)(\..+)?$/i.test(name) || /\.(dockerfile|containerfile)$/i.test(name);

/** The Dockerfiles under a directory (node_modules and .git left out, links out of it not followed), read. */
export async function findDockerfiles(dir: string, warn: (m: string) => void): Promise<DockerfileInput[]> {
  const out: DockerfileInput[] = [];
  for (const path of await walkFiles(dir, isDockerfileName, warn)) {
    try {
      if ((await stat(path)).size > MAX_DOCKERFILE_BYTES) {
        warn(`${path}: larger than ${MAX_DOCKERFILE_BYTES} bytes, not read as a Dockerfile`);
        continue;
      }
      const buf = await readFile(path);
      if (buf.includes(0)) {
        warn(`${path}: binary content, not a Dockerfile; skipped`);
        continue;
      }
      out.push({ path, content: buf.toString("utf8") });
    } catch (e) {
      warn(`${path}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  return out;
}

function dockerfileSubject(d: DockerfileInput, warn: (m: string) => void): Subject | undefined {
  try {
    const { steps, finalStage } = stepsOfDockerfile(d.content);
    if (!steps.some((s) => s.keyword === "FROM")) {
      warn(`${d.path}: no FROM instruction; not a Dockerfile`);
      return undefined;
    }
    return {
      id: `Dockerfile ${d.path}`,
      facts: buildFacts("dockerfile", d.path, steps, finalStage, dockerfileSettings(steps, finalStage)),
      location: { path: d.path },
    };
  } catch (e) {
    warn(`${d.path}: cannot parse: ${(e as Error).message.split("\n")[0]}`);
    return undefined;
  }
}

function imageSubject(image: NonNullable<PostureTarget["image"]>): Subject {
  const { config } = image;
  const c = config.config ?? {};
  const test = c.Healthcheck?.Test ?? [];
  const steps = stepsOfImage(config);
  return {
    id: `image ${image.name}`,
    facts: buildFacts("image", image.name, steps, 0, {
      user: c.User ?? "",
      healthcheck: test.length > 0 && test[0] !== "NONE",
      exposed: Object.keys(c.ExposedPorts ?? {}),
      // The config's environment is what the container gets: names with a value.
      env: (c.Env ?? []).filter((e) => /^[^=]+=./.test(e)).map((e) => e.slice(0, e.indexOf("="))),
    }),
  };
}

/**
 * Each Dockerfile of the target and, for an image, its config and history standing in for the Dockerfile
 * it was built from (CIS Docker section 4 on `rampart scan image --scanners posture`).
 */
export const dockerfileCollector: Collector = {
  name: "dockerfile",
  platform: "dockerfile",
  description: "Each Dockerfile (its final stage and every build step) and an image's config and build history",
  async collect(target: PostureTarget, warn): Promise<Subject[] | undefined> {
    if (!target.dockerfiles && !target.image) return undefined;
    const out: Subject[] = [];
    for (const d of target.dockerfiles ?? []) {
      const s = dockerfileSubject(d, warn);
      if (s) out.push(s);
    }
    if (target.image) out.push(imageSubject(target.image));
    return out;
  },
};
