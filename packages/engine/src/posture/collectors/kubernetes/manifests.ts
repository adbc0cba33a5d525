/**
 * Kubernetes manifests from files: plain YAML or JSON, multi-document streams, `kind: List` and the output of
 * `helm template` (documents separated by `---` with `# Source:` comments). Every problem is a warning naming
 * the file and line; nothing in a file can crash or stall the load: files are size-bounded, documents counted
 * and YAML aliases capped (a "billion laughs" document stops at the cap instead of expanding).
 */
import { type Dirent, constants as fsc } from "node:fs";
import { open, opendir, realpath, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { Composer, type Document, LineCounter, Parser } from "yaml";
import type { KubeObject } from "../../target.js";

/** A manifest larger than this is not read (generated bundles of CRDs stay far below it). */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
/** Documents read per load, over all files. */
export const MAX_MANIFEST_DOCUMENTS = 10_000;
/** Alias expansions per document: enough for real anchors, far too few for an alias bomb. */
export const MAX_ALIAS_COUNT = 100;
/** Entries a directory walk visits before it stops with a warning. */
const MAX_WALK_ENTRIES = 200_000;

const MANIFEST_EXTENSIONS = [".yaml", ".yml", ".json"];
const SKIPPED_DIRS = new Set(["node_modules", ".git"]);

/**
 * Actions only a Helm chart's template source has (values, release, chart, named templates): such a file is
 * a template, not a manifest, even when it happens to parse as YAML. Go templates that are data of a
 * rendered manifest (Prometheus or Alertmanager message templates: "{{ $labels.job }}", "{{ range .Alerts }}")
 * do not match.
 */
const HELM_ACTION =
  /\{\{-?\s*(?:[^}\n]{0,200}\s)?(?:\.Values|\.Release|\.Chart|\.Capabilities|\.Files|\.Template|include\s+"|template\s+"|define\s+"|toYaml|tpl\s|required\s+"|nindent\s)/;

export type Warn = (message: string) => void;

/** Manifest files under a directory, sorted; skips node_modules and .git and never leaves the directory through a link. */
export async function findManifests(dir: string, warn: Warn = () => {}): Promise<string[]> {
  return walkFiles(dir, (name) => MANIFEST_EXTENSIONS.some((e) => name.toLowerCase().endsWith(e)), warn);
}

/**
 * Files under `dir` whose base name passes `accept`. Symbolic links to files are followed only when they stay
 * inside the directory; links to directories are not followed (no loops).
 */
export async function walkFiles(dir: string, accept: (name: string) => boolean, warn: Warn): Promise<string[]> {
  let rootReal: string;
  try {
    rootReal = await realpath(dir);
  } catch (e) {
    warn(`${dir}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    return [];
  }
  const out: string[] = [];
  const stack = [dir];
  let seen = 0;
  while (stack.length > 0) {
    const d = stack.pop() as string;
    const entries: Dirent[] = [];
    try {
      for await (const e of await opendir(d)) entries.push(e);
    } catch (e) {
      warn(`${d}: cannot list: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
    for (const e of entries) {
      if (++seen > MAX_WALK_ENTRIES) {
        warn(`${dir}: stopped after ${MAX_WALK_ENTRIES} entries; the rest of the tree was not read`);
        return out.sort();
      }
      const path = join(d, e.name);
      if (e.isDirectory()) {
        if (!SKIPPED_DIRS.has(e.name)) stack.push(path);
      } else if (e.isFile()) {
        if (accept(e.name)) out.push(path);
      } else if (e.isSymbolicLink() && accept(e.name)) {
        try {
          const target = await realpath(path);
          const rel = relative(rootReal, target);
          if (rel.startsWith(`..${sep}`) || rel === ".." || rel.startsWith(sep))
            warn(`${path}: a link out of ${dir}; not followed`);
          else if ((await stat(target)).isFile()) out.push(path);
        } catch {
          warn(`${path}: a broken link; skipped`);
        }
      }
    }
  }
  return out.sort();
}

/**
 * Reads the Kubernetes objects of files and directories (directories are walked with findManifests). Objects
 * carry `$source` (file and the line their document starts at). YAML that is not a Kubernetes object (no
 * `apiVersion` and `kind`) is ignored; a file named explicitly that holds none is reported.
 */
export async function loadManifests(paths: string[], warn: Warn): Promise<KubeObject[]> {
  const out: KubeObject[] = [];
  const budget = { documents: MAX_MANIFEST_DOCUMENTS, exhausted: false };
  for (const p of paths) {
    let isDir = false;
    try {
      isDir = (await stat(p)).isDirectory();
    } catch (e) {
      warn(`${p}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      continue;
    }
    const files = isDir ? await findManifests(p, warn) : [p];
    for (const f of files) {
      if (budget.exhausted) return out;
      let warned = false;
      const fileWarn = (m: string) => {
        warned = true;
        warn(m);
      };
      const text = await readManifestFile(f, fileWarn);
      if (text === undefined) continue;
      const objects = parseManifests(text, f, fileWarn, budget);
      if (!isDir && objects.length === 0 && !warned)
        warn(`${f}: no Kubernetes objects (documents without apiVersion and kind are ignored)`);
      out.push(...objects);
    }
  }
  return out;
}

async function readManifestFile(path: string, warn: Warn): Promise<string | undefined> {
  let buf: Buffer;
  try {
    const fh = await open(path, fsc.O_RDONLY | fsc.O_NONBLOCK);
    try {
      const st = await fh.stat();
      if (!st.isFile()) {
        warn(`${path}: not a regular file; skipped`);
        return undefined;
      }
      if (st.size > MAX_MANIFEST_BYTES) {
        warn(`${path}: ${st.size} bytes is larger than the ${MAX_MANIFEST_BYTES} a manifest may be; skipped`);
        return undefined;
      }
      buf = await fh.readFile();
    } finally {
      await fh.close();
    }
  } catch (e) {
    warn(`${path}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    return undefined;
  }
  if (buf.includes(0)) {
    warn(`${path}: binary content (NUL bytes), not a manifest; skipped`);
    return undefined;
  }
  const text = buf.toString("utf8");
  if (text.includes("\uFFFD") && !buf.includes(Buffer.from("\uFFFD"))) {
    warn(`${path}: not UTF-8 text, not a manifest; skipped`);
    return undefined;
  }
  return text;
}

/**
 * The Kubernetes objects of one file's text. Each document is parsed on its own: a malformed one is a warning
 * with its line and the others are kept. `kind: List` is unwrapped into its items.
 */
export function parseManifests(
  text: string,
  path: string,
  warn: Warn,
  budget: { documents: number; exhausted: boolean } = { documents: MAX_MANIFEST_DOCUMENTS, exhausted: false },
): KubeObject[] {
  if (HELM_ACTION.test(text)) {
    warn(
      `${path}: an unrendered Helm template ({{ … }} actions); render the chart with "helm template" and scan the output`,
    );
    return [];
  }
  const lines = new LineCounter();
  const out: KubeObject[] = [];
  // Streamed: documents are composed one at a time, so a file of a million "---" stops at the budget
  // instead of being parsed whole first.
  const composer = new Composer({ prettyErrors: false, uniqueKeys: false });
  const docs = composer.compose(new Parser(lines.addNewLine).parse(text), true, text.length);
  try {
    for (const doc of docs) readDocument(doc);
  } catch (e) {
    if (e !== BUDGET_SPENT) warn(`${path}: invalid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  return out;

  function readDocument(doc: Document.Parsed): void {
    if (--budget.documents < 0) {
      if (!budget.exhausted) warn(`${path}: stopped after ${MAX_MANIFEST_DOCUMENTS} documents; the rest were not read`);
      budget.exhausted = true;
      throw BUDGET_SPENT;
    }
    const start = doc.contents?.range?.[0] ?? doc.range?.[0] ?? 0;
    const line = lines.linePos(start).line;
    if (doc.errors.length > 0) {
      const e = doc.errors[0];
      const at = e ? lines.linePos(e.pos[0]).line : line;
      warn(`${path}:${at}: invalid YAML, document skipped: ${e?.message.split("\n")[0] ?? "parse error"}`);
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      warn(`${path}:${line}: document skipped: ${(e as Error).message.split("\n")[0]}`);
      return;
    }
    for (const o of unwrap(value)) out.push(Object.assign(o, { $source: { path, line } }) as KubeObject);
  }
}

const BUDGET_SPENT = new Error("document budget spent");

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A Kubernetes object has a string apiVersion and kind; a List's items are objects too (`kubectl get -o yaml`). */
function unwrap(v: unknown): Array<Record<string, unknown>> {
  if (!isObject(v) || typeof v.apiVersion !== "string" || typeof v.kind !== "string") return [];
  if ((v.kind === "List" || v.kind.endsWith("List")) && Array.isArray(v.items))
    return v.items.filter(
      (i): i is Record<string, unknown> =>
        isObject(i) && typeof i.apiVersion === "string" && typeof i.kind === "string",
    );
  return [v];
}
