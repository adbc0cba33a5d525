/**
 * Build steps: what a Dockerfile says, or what an image's history says it was built with, in one shape so
 * the same facts (and controls) serve both. Dockerfiles are parsed with dockerfile-ast (the parser behind the
 * Dockerfile language server: continuations, escape directives, JSON and shell forms, heredocs); history
 * lines are read from the forms the legacy builder ("/bin/sh -c #(nop) USER app"), BuildKit ("USER app",
 * "RUN /bin/sh -c … # buildkit") and Buildah write.
 */
import {
  DockerfileParser,
  type From,
  type Instruction,
  type ModifiableInstruction,
  type Property,
} from "dockerfile-ast";
import type { ImageConfig } from "../../../source/source.js";

export interface Step {
  /** Upper-case instruction: RUN, USER, ADD… */
  keyword: string;
  /** The arguments as one line (continuations joined; flags left out). */
  args: string;
  /** Flags as written without the dashes: "mount=type=cache,target=/var/cache/apt", "checksum=sha256:…". */
  flags: string[];
  /** ENV and ARG: the variable names it sets; RUN in history: the build arguments it ran with. */
  names: string[];
  /** ENV and ARG: the names given a non-empty value. */
  valued: string[];
  /** 0-based build stage (-1 before the first FROM); history is one stage. */
  stage: number;
  /** For evidence: "line 12", "history 5". */
  where: string;
  /** FROM: the image it starts from; `stageRef` when it names an earlier stage. */
  from?: {
    image: string;
    tag: string;
    digest: string;
    /** The index of the earlier stage it names, -1 for an image. */
    stageRef: number;
    scratch: boolean;
    variable: boolean;
  };
}

/** The steps of a Dockerfile and the index of its final stage. */
export function stepsOfDockerfile(text: string): { steps: Step[]; finalStage: number } {
  const df = DockerfileParser.parse(text);
  const steps: Step[] = [];
  const stageNames = new Map<string, number>();
  let stage = -1;
  for (const i of df.getInstructions()) {
    const keyword = i.getKeyword().toUpperCase();
    if (keyword === "FROM") stage++;
    const step: Step = {
      keyword,
      args: (i.getArgumentsContent() ?? "").replace(/\s+/g, " ").trim(),
      flags: flagsOf(i),
      names: [],
      valued: [],
      stage,
      where: `line ${i.getRange().start.line + 1}`,
    };
    if (keyword === "FROM") {
      const f = i as From;
      const image = f.getImageName() ?? "";
      const ref = image.toLowerCase();
      step.from = {
        image: f.getImage() ?? image,
        tag: f.getImageTag() ?? "",
        digest: f.getImageDigest() ?? "",
        stageRef: stageNames.get(ref) ?? -1,
        scratch: ref === "scratch",
        variable: image.includes("$"),
      };
      const as = f.getBuildStage();
      if (as) stageNames.set(as.toLowerCase(), stage);
    } else if (keyword === "ENV" || keyword === "ARG") {
      const props: Property[] =
        keyword === "ENV"
          ? (i as unknown as { getProperties(): Property[] }).getProperties()
          : [(i as unknown as { getProperty(): Property | null }).getProperty()].filter(
              (p): p is Property => p !== null,
            );
      step.names = props.map((p) => p.getName());
      step.valued = props.filter((p) => (p.getValue() ?? "") !== "").map((p) => p.getName());
    }
    steps.push(step);
  }
  return { steps, finalStage: stage };
}

function flagsOf(i: Instruction): string[] {
  const m = i as Partial<ModifiableInstruction>;
  if (typeof m.getFlags !== "function") return [];
  return m.getFlags().map((f) => {
    const v = f.getValue();
    return v === null ? f.getName() : `${f.getName()}=${v}`;
  });
}

const BUILDKIT_SUFFIX = / # buildkit$/;
const INSTRUCTIONS = new Set([
  "ADD",
  "ARG",
  "CMD",
  "COPY",
  "ENTRYPOINT",
  "ENV",
  "EXPOSE",
  "FROM",
  "HEALTHCHECK",
  "LABEL",
  "MAINTAINER",
  "ONBUILD",
  "RUN",
  "SHELL",
  "STOPSIGNAL",
  "USER",
  "VOLUME",
  "WORKDIR",
]);
/** "|2 A=1 B=2 /bin/sh -c cmd": a RUN with build arguments, as both builders record it. */
const RUN_WITH_ARGS = /^\|(\d+)\s+(.*?)\s*(\/bin\/(?:ba)?sh -c|cmd \/S \/C)\s(.*)$/s;
const SHELL_PREFIX = /^(?:\/bin\/(?:ba)?sh|\/usr\/bin\/(?:ba)?sh)\s+(?:-[a-z]+\s+(?:\S+\s+)?)*-c\s/;

/** One history line as a step; undefined for lines that say nothing (empty, comments only). */
export function stepOfHistory(createdBy: string, index: number): Step | undefined {
  let s = createdBy.trim().replace(BUILDKIT_SUFFIX, "").trim();
  if (s === "") return undefined;
  const where = `history ${index}`;
  const base = { flags: [] as string[], names: [] as string[], valued: [] as string[], stage: 0, where };
  const nop = /^\/bin\/sh -c #\(nop\)\s+(.*)$/s.exec(s);
  if (nop) s = (nop[1] as string).trim();
  else if (/^\/bin\/sh -c /.test(s) || s.startsWith("|")) s = `RUN ${s}`;
  const m = /^([A-Za-z]+)\s*(.*)$/s.exec(s);
  // Anything else is a command a tool recorded ("debootstrap --variant=minbase bookworm"): a RUN.
  if (!m || !INSTRUCTIONS.has((m[1] as string).toUpperCase())) return { ...base, keyword: "RUN", args: s };
  const keyword = (m[1] as string).toUpperCase();
  let args = (m[2] as string).trim();
  // A comment the builder or a tool appended ("COPY app /app  # npm install …"); in a RUN it is the shell's.
  if (keyword !== "RUN") args = args.replace(/\s+#\s.*$/s, "");
  if (keyword === "RUN") {
    const withArgs = RUN_WITH_ARGS.exec(args);
    let names: string[] = [];
    if (withArgs) {
      names = [...(withArgs[2] as string).matchAll(/(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)=/g)].map((x) => x[1] as string);
      args = withArgs[4] as string;
    } else args = args.replace(SHELL_PREFIX, "");
    return { ...base, keyword, args, names, valued: names };
  }
  if (keyword === "ENV" || keyword === "ARG") {
    // "ENV A=1 B=2" (values may hold spaces: only words with "=" are names) or the old "ENV NAME value".
    const legacy = /^([A-Za-z_][A-Za-z0-9_.-]*)(?:\s+(.*))?$/s.exec(args);
    if (!/^[^\s=]+=/.test(args) && legacy) {
      const name = legacy[1] as string;
      return { ...base, keyword, args, names: [name], valued: legacy[2]?.trim() ? [name] : [] };
    }
    const pairs = [...args.matchAll(/(?:^|\s)([A-Za-z_][A-Za-z0-9_.-]*)=(\S*)/g)];
    return {
      ...base,
      keyword,
      args,
      names: pairs.map((x) => x[1] as string),
      valued: pairs.filter((x) => x[2] !== "" && x[2] !== '""').map((x) => x[1] as string),
    };
  }
  return { ...base, keyword, args };
}

export function stepsOfImage(config: ImageConfig): Step[] {
  const out: Step[] = [];
  (config.history ?? []).forEach((h, i) => {
    const step = h.created_by ? stepOfHistory(h.created_by, i) : undefined;
    if (step) out.push(step);
  });
  return out;
}
