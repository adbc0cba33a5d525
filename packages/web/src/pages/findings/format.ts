import type { Finding, MalwareDetail, SecretDetail, VulnDetail } from "./types.js";

const one = new Intl.NumberFormat("en", { maximumFractionDigits: 1 });

/** A risk score as shown: at most one decimal. */
export const riskText = (risk: number) => one.format(risk);

/** An EPSS probability as a percentage ("97.4 %"). */
export const percent = (p: number) => `${new Intl.NumberFormat("en", { maximumFractionDigits: 2 }).format(p * 100)} %`;

/** A date (or time) as YYYY-MM-DD. */
export const day = (iso: string) => iso.slice(0, 10);

export const vulnOf = (f: Finding) => f.detail as VulnDetail;
export const secretOf = (f: Finding) => f.detail as SecretDetail;
export const malwareOf = (f: Finding) => f.detail as MalwareDetail;

/** What a finding is called: the CVE (or advisory id), or the secret's or malware rule's name. */
export function nameOf(f: Finding): string {
  if (f.kind === "vuln") return f.cve ?? vulnOf(f).id;
  if (f.kind === "secret") return secretOf(f).title ?? secretOf(f).ruleId;
  return malwareOf(f).ruleId;
}

/** The lowest version that fixes a vulnerability, if any. */
export const fixOf = (f: Finding): string | undefined => vulnOf(f).fixedVersions?.[0];
