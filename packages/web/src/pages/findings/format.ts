import type { Control } from "../posture/types.js";
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
export const controlOf = (f: Finding) => f.detail as Control;

/** What a finding is called: the CVE (or advisory id), the secret's or malware rule's name, the control's title. */
export function nameOf(f: Finding): string {
  if (f.kind === "vuln") return f.cve ?? vulnOf(f).id;
  if (f.kind === "secret") return secretOf(f).title ?? secretOf(f).ruleId;
  if (f.kind === "posture") return controlOf(f).title ?? controlOf(f).id;
  return malwareOf(f).ruleId;
}

/** The lowest version that fixes a vulnerability, if any. */
/** A failed control's failing subjects, in a few words: the first ones and how many more. */
export function subjectsOf(f: Finding, shown = 3): string {
  const subjects = (controlOf(f).violations ?? []).map((v) => v.subject);
  const more = subjects.length - shown;
  return subjects.slice(0, shown).join(", ") + (more > 0 ? ` and ${more} more` : "");
}

export const fixOf = (f: Finding): string | undefined => vulnOf(f).fixedVersions?.[0];
