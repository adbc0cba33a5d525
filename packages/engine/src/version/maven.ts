import { memo } from "../memo.js";
import { compareDigits, compareStrings } from "./digits.js";
import type { VersionScheme } from "./scheme.js";

/**
 * Maven artifact versions, ordered as org.apache.maven.artifact.versioning.ComparableVersion orders them
 * (maven-artifact 3.8.7, what Maven resolves with). Hand-written port: no npm package implements it.
 * The version is split on "." and "-" and on digit/letter transitions into a tree of lists ("-", each
 * transition and each qualifier open a sub-list); numbers compare numerically, qualifiers as
 * alpha < beta < milestone < rc = cr < snapshot < "" = final = ga = release < sp < any other (lexically),
 * and trailing "null" items (0, "", empty list) are dropped before comparing.
 */
type Item = { kind: "int"; digits: string } | { kind: "string"; value: string } | { kind: "list"; items: Item[] };

const QUALIFIERS = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];
const ALIASES = new Map([
  ["ga", ""],
  ["final", ""],
  ["release", ""],
  ["cr", "rc"],
]);
const RELEASE_VERSION_INDEX = String(QUALIFIERS.indexOf(""));

function stringItem(value: string, followedByDigit: boolean): Item {
  let v = value;
  if (followedByDigit && v.length === 1) {
    // 1.0a1 means 1.0-alpha-1 (and b = beta, m = milestone).
    if (v === "a") v = "alpha";
    else if (v === "b") v = "beta";
    else if (v === "m") v = "milestone";
  }
  return { kind: "string", value: ALIASES.get(v) ?? v };
}

function parseItem(isDigit: boolean, buf: string): Item {
  return isDigit ? { kind: "int", digits: buf } : stringItem(buf, false);
}

const ZERO: Item = { kind: "int", digits: "0" };

function isNull(item: Item): boolean {
  switch (item.kind) {
    case "int":
      return /^0+$/.test(item.digits);
    case "string":
      return comparableQualifier(item.value) === RELEASE_VERSION_INDEX;
    case "list":
      return item.items.length === 0;
  }
}

/** ListItem.normalize(): drop trailing null items, stopping at the first non-null non-list item. */
function normalize(list: Item[]): void {
  for (let i = list.length - 1; i >= 0; i--) {
    const last = list[i] as Item;
    if (isNull(last)) list.splice(i, 1);
    else if (last.kind !== "list") break;
  }
}

function parseMavenUncached(version: string): Item {
  const v = version.toLowerCase();
  const root: Item[] = [];
  let list = root;
  const stack: Item[][] = [root];
  let isDigit = false;
  let start = 0;
  const openList = () => {
    const sub: Item[] = [];
    list.push({ kind: "list", items: sub });
    list = sub;
    stack.push(sub);
  };
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 46 /* . */ || c === 45 /* - */) {
      list.push(i === start ? ZERO : parseItem(isDigit, v.slice(start, i)));
      start = i + 1;
      if (c === 45) openList();
    } else if (c >= 48 && c <= 57) {
      if (!isDigit && i > start) {
        // A qualifier always starts its own list: "1.0.0.X1" reads like "1.0.0-X1".
        if (list.length) openList();
        list.push(stringItem(v.slice(start, i), true));
        start = i;
        openList();
      }
      isDigit = true;
    } else {
      if (isDigit && i > start) {
        list.push(parseItem(true, v.slice(start, i)));
        start = i;
        openList();
      }
      isDigit = false;
    }
  }
  if (v.length > start) {
    if (!isDigit && list.length) openList();
    list.push(parseItem(isDigit, v.slice(start)));
  }
  while (stack.length) normalize(stack.pop() as Item[]);
  return { kind: "list", items: root };
}

function comparableQualifier(q: string): string {
  const i = QUALIFIERS.indexOf(q);
  return i === -1 ? `${QUALIFIERS.length}-${q}` : String(i);
}

/** Item.compareTo(other), where undefined stands for Java's null (a missing item). */
function compareItem(a: Item, b: Item | undefined): number {
  switch (a.kind) {
    case "int":
      if (!b) return isNull(a) ? 0 : 1;
      return b.kind === "int" ? compareDigits(a.digits, b.digits) : 1;
    case "string":
      if (!b) return compareStrings(comparableQualifier(a.value), RELEASE_VERSION_INDEX);
      if (b.kind === "int" || b.kind === "list") return -1;
      return compareStrings(comparableQualifier(a.value), comparableQualifier(b.value));
    case "list": {
      if (!b) {
        for (const item of a.items) {
          const r = compareItem(item, undefined);
          if (r !== 0) return r;
        }
        return 0;
      }
      if (b.kind === "int") return -1;
      if (b.kind === "string") return 1;
      const n = Math.max(a.items.length, b.items.length);
      for (let i = 0; i < n; i++) {
        const l = a.items[i];
        const r = b.items[i];
        const result = l === undefined ? (r === undefined ? 0 : -compareItem(r, undefined)) : compareItem(l, r);
        if (result !== 0) return result;
      }
      return 0;
    }
  }
}

export function compareMaven(a: string, b: string): number {
  return Math.sign(compareItem(parseMaven(a), parseMaven(b)));
}

export const maven: VersionScheme = {
  name: "maven",
  // ComparableVersion accepts any string; refuse only what cannot be a version at all.
  valid: (v) => /^[\x21-\x7e]+$/.test(v),
  compare: compareMaven,
};

/** Parsed once per distinct string (see memo). */
export const parseMaven = memo(parseMavenUncached);
