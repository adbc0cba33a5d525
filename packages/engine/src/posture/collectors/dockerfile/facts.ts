import { isSecretName } from "../kubernetes/secret-names.js";
import type { Step } from "./steps.js";

const ARCHIVE = /\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst)$/i;
const REMOTE = /^(https?:\/\/|git@|ssh:\/\/)/i;

/** A shell command line split into its simple commands (on ;, &&, ||, | and newlines). */
function commands(run: string): string[] {
  return run
    .split(/&&|\|\||[;\n|]/)
    .map((c) => c.trim())
    .filter(Boolean);
}

const APT_INSTALL = /\bapt(?:-get)?\s+(?:\S+\s+)*?install\b/;
const APT_UPDATE = /\bapt(?:-get)?\s+(?:-\S+\s+)*update\b/;
const APK_UPDATE = /\bapk\s+(?:-\S+\s+)*update\b/;
const APK_ADD = /\bapk\s+(?:\S+\s+)*?add\b/;
const INSTALLS = /\b(apt(?:-get)?\s+(?:\S+\s+)*?install|apk\s+(?:\S+\s+)*?add|upgrade)\b/;
const PIPE_TO_SHELL =
  /\b(curl|wget)\b[^|;&\n]*\|\s*(?:sudo\s+(?:-\S+\s+)*)?(?:\/\S*\/)?(?:ba|z|da|k|a)?sh\b|\b(curl|wget)\b[^|;&\n]*\|\s*(?:sudo\s+)?(?:\/\S*\/)?python[0-9.]*\b/;
const SUDO = /(?:^|[\s;&|(])sudo\s/;
/** Switches that turn off package signature or TLS verification. */
const UNVERIFIED =
  /--allow-unauthenticated|--force-yes|--allow-insecure-repositories|--allow-untrusted|--nogpgcheck|gpgcheck=0|--no-check-certificate|--trusted-host|strict-ssl\s+false|\bcurl\b[^\n|;&]*\s(?:-k|--insecure)\b|\bGIT_SSL_NO_VERIFY\b|NODE_TLS_REJECT_UNAUTHORIZED=0/;
const APT_LISTS_CLEANED = /\brm\s+(?:-\S+\s+)*[^;&|]*\/var\/lib\/apt\/lists/;

const clip = (s: string) => (s.length > 160 ? `${s.slice(0, 157)}...` : s);
const at = (s: Step, text = `${s.keyword} ${s.args}`) => `${s.where}: ${clip(text)}`;

export interface ImageSettings {
  /** The user the container runs as ("" = root by default). */
  user: string;
  healthcheck: boolean;
  /** Exposed ports as "22/tcp". */
  exposed: string[];
  /** ENV names with a value. */
  env: string[];
}

/**
 * The user, healthcheck and ports of a Dockerfile's final stage (what the built image is configured with).
 * A stage that starts FROM an earlier stage inherits that stage's settings, as the builder does.
 */
export function dockerfileSettings(steps: Step[], finalStage: number): ImageSettings {
  const chain: number[] = [];
  for (let stage = finalStage; stage >= 0 && !chain.includes(stage); ) {
    chain.unshift(stage);
    stage = steps.find((s) => s.keyword === "FROM" && s.stage === stage)?.from?.stageRef ?? -1;
  }
  const inherited = steps.filter((s) => chain.includes(s.stage));
  const hc = inherited.filter((s) => s.keyword === "HEALTHCHECK").at(-1);
  return {
    user: inherited.filter((s) => s.keyword === "USER").at(-1)?.args ?? "",
    healthcheck: hc !== undefined && !/^none\b/i.test(hc.args),
    exposed: inherited.filter((s) => s.keyword === "EXPOSE").flatMap((s) => s.args.split(/\s+/).filter(Boolean)),
    env: steps.filter((s) => s.keyword === "ENV").flatMap((s) => s.valued),
  };
}

/**
 * The facts every Dockerfile control reads. Lists hold evidence lines ("line 7: RUN apt-get install curl"),
 * so a check is `size(list) == 0` and its evidence is the list itself. Build hygiene (secrets, downloads,
 * package managers) counts every stage; runtime settings (user, healthcheck, ports, copies) the final one.
 */
export function buildFacts(
  source: "dockerfile" | "image",
  path: string,
  steps: Step[],
  finalStage: number,
  settings: ImageSettings,
): Record<string, unknown> {
  const runs = steps.filter((s) => s.keyword === "RUN");
  const final = steps.filter((s) => s.stage === finalStage);
  const bases = steps.filter((s) => s.from && s.from.stageRef < 0 && !s.from.scratch && !s.from.variable);
  const adds = steps
    .filter((s) => s.keyword === "ADD")
    .map((s) => {
      const words = s.args.split(/\s+/).filter(Boolean);
      const sources = words.slice(0, -1);
      return {
        step: s,
        remote: sources.some((w) => REMOTE.test(w)),
        archive: sources.some((w) => ARCHIVE.test(w) && !REMOTE.test(w)),
        checksum: s.flags.some((f) => f.startsWith("checksum=")),
      };
    });
  const user = settings.user.trim();
  const ports = settings.exposed.map((p) => p.split("/")[0] as string);
  return {
    source,
    path,
    user,
    userisroot: user === "" || /^(root|0)(:.*)?$/.test(user),
    healthcheck: settings.healthcheck,
    exposedports: ports,
    baseimages: bases.map((s) => at(s, `FROM ${s.from?.image}`)),
    untaggedbases: bases
      .filter((s) => !s.from?.digest && (!s.from?.tag || s.from.tag === "latest"))
      .map((s) => at(s, `FROM ${s.from?.image}`)),
    undigestedbases: bases.filter((s) => !s.from?.digest).map((s) => at(s, `FROM ${s.from?.image}`)),
    addplain: adds.filter((a) => !a.remote && !a.archive).map((a) => at(a.step)),
    addremote: adds.filter((a) => a.remote && !a.checksum).map((a) => at(a.step)),
    aptrecommends: runs.flatMap((s) =>
      commands(s.args)
        .filter((c) => APT_INSTALL.test(c) && !/--no-install-recommends|Install-Recommends=(false|0)/.test(c))
        .map((c) => at(s, `RUN ${c}`)),
    ),
    aptlistsleft: runs
      .filter((s) => (APT_INSTALL.test(s.args) || APT_UPDATE.test(s.args)) && !APT_LISTS_CLEANED.test(s.args))
      .filter((s) => !s.flags.some((f) => f.startsWith("mount=") && f.includes("/var/lib/apt")))
      .map((s) => at(s)),
    updatealone: runs
      .filter(
        (s) => (APT_UPDATE.test(s.args) || APK_UPDATE.test(s.args)) && !commands(s.args).some((c) => INSTALLS.test(c)),
      )
      .map((s) => at(s)),
    apknocache: runs.flatMap((s) =>
      commands(s.args)
        .filter((c) => APK_ADD.test(c) && !/--no-cache/.test(c))
        .filter(() => !s.flags.some((f) => f.startsWith("mount=") && f.includes("/var/cache/apk")))
        .map((c) => at(s, `RUN ${c}`)),
    ),
    curlpipe: runs.filter((s) => PIPE_TO_SHELL.test(s.args)).map((s) => at(s)),
    sudo: runs.filter((s) => SUDO.test(` ${s.args}`)).map((s) => at(s)),
    unverified: runs.filter((s) => UNVERIFIED.test(s.args)).map((s) => at(s)),
    // Only names: a fact never carries the secret.
    secretenv: [...new Set(settings.env.filter(isSecretName))],
    secretargs: [
      ...new Set(
        steps
          .filter((s) => s.keyword === "ARG" || (s.keyword === "RUN" && s.names.length))
          .flatMap((s) => s.names.filter(isSecretName)),
      ),
    ],
    copycontext: final
      .filter((s) => s.keyword === "COPY" && !s.flags.some((f) => f.startsWith("from=")))
      .filter((s) => {
        const words = s.args.split(/\s+/).filter(Boolean);
        return words.slice(0, -1).some((w) => w === "." || w === "./" || w === "*" || w === "./*");
      })
      .map((s) => at(s)),
  };
}
