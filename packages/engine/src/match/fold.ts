/**
 * Groups the advisories that matched one package into vulnerabilities. Two advisories are one vulnerability
 * when one lists the other (or a common id) as an alias: a GHSA and its CVE, a PYSEC and its GHSA.
 * Distro advisories (DSA, DLA, DTSA, USN) are different: they fix several CVEs and list them as `related`.
 * They are folded into the CVEs they relate to when those matched; when the CVEs have their own records for
 * this package and did not match, the CVE records (more precise, per release) win and the DSA is dropped.
 */
export interface Candidate {
  id: string;
  aliases: string[];
  related: string[];
}

const DISTRO_ADVISORY = /^(DSA|DLA|DTSA|USN)-/;

/** Returns groups of advisory ids; `knownIds` are the ids of every record for the package, matched or not. */
export function foldAdvisories(candidates: Candidate[], knownIds: Set<string>): string[][] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r && parent.has(r)) r = parent.get(r) as string;
    parent.set(x, r);
    return r;
  };
  const union = (a: string, b: string) => {
    if (!parent.has(a)) parent.set(a, a);
    if (!parent.has(b)) parent.set(b, b);
    const ra = find(a);
    const rb = find(b);
    if (ra === rb) return;
    // The smaller id becomes the root, so groups come out the same whatever the input order.
    const [lo, hi] = ra < rb ? [ra, rb] : [rb, ra];
    parent.set(hi, lo);
  };
  const matched = new Set(candidates.map((c) => c.id));
  const distro = candidates.filter((c) => DISTRO_ADVISORY.test(c.id));
  for (const c of candidates) {
    if (DISTRO_ADVISORY.test(c.id)) continue;
    union(c.id, c.id);
    for (const a of c.aliases) union(c.id, a);
  }
  const groups = new Map<string, string[]>();
  for (const id of matched) {
    if (!parent.has(id)) continue;
    const root = find(id);
    groups.set(root, [...(groups.get(root) ?? []), id]);
  }
  // A distro advisory joins the group of each CVE it relates to (it may fix several: they stay apart).
  for (const c of distro) {
    const roots = new Set(c.related.filter((r) => parent.has(r)).map(find));
    const hit = [...roots].filter((r) => groups.has(r));
    if (hit.length > 0) for (const r of hit) groups.get(r)?.push(c.id);
    else if (!c.related.some((r) => knownIds.has(r))) groups.set(c.id, [c.id]);
  }
  return [...groups.values()].map((g) => g.sort());
}
