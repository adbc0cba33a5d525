// Fake credentials planted in files of vuln-app's secrets layer, and the findings the secret scanner makes of
// them with its own masking, fingerprint and snippet code. Generated at run time from a seeded PRNG, so no
// credential-shaped string sits in the source.
import { mulberry32 } from "../../../../../test/fixtures/prng.js";
import { fingerprintSecret } from "../../secrets/fingerprint.js";
import { maskSecret } from "../../secrets/mask.js";
import { shannonEntropy } from "../../secrets/rules/entropy.js";
import { buildSnippet, type MaskedSpan } from "../../secrets/snippet.js";
import type { SecretFinding } from "../../secrets/types.js";
import { LAYERS } from "./layers.js";

/** The salt the sample fingerprints are made with (an installation's own, not the public default). */
export const SECRET_SALT = "lab-installation-salt";

const prng = mulberry32;

const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const ALNUM = `${UPPER}abcdefghijklmnopqrstuvwxyz0123456789`;
const BASE32 = `${UPPER}234567`;
const BASE64 = `${ALNUM}+/`;
const BASE64URL = `${ALNUM}-_`;

/** The fake credentials, each generated to its token format; a fresh copy per call. */
export function fakeCredentials() {
  const rand = prng(0x5ec2e7);
  const chars = (alphabet: string, n: number) =>
    Array.from({ length: n }, () => alphabet[Math.floor(rand() * alphabet.length)]).join("");
  const jwtPart = (json: object) => Buffer.from(JSON.stringify(json)).toString("base64url");
  const rsaBody = `MIIEowIBAAKCAQEA${chars(BASE64, 1568)}`;
  return {
    postgresPassword: chars(ALNUM, 24),
    githubPat: `ghp_${chars(ALNUM, 36)}`,
    stripeLive: `sk_live_${chars(ALNUM, 24)}`,
    stripeTest: `sk_test_${chars(ALNUM, 24)}`,
    // Characters every format must escape: XML and HTML markup, quotes, an ampersand, a backslash.
    configPassword: `${chars(ALNUM, 6)}&<${chars(ALNUM, 4)}>"${chars(ALNUM, 4)}\\${chars(ALNUM, 3)}`,
    jwt: `${jwtPart({ alg: "HS256", typ: "JWT" })}.${jwtPart({ sub: chars(ALNUM, 12), iat: 1755590400 })}.${chars(BASE64URL, 43)}`,
    awsKeyId: `AKIA${chars(BASE32, 16)}`,
    awsSecret: chars(BASE64, 40),
    rsaPrivateKey: (rsaBody.match(/.{1,64}/g) as string[]).join("\n"),
  };
}

interface Planted {
  ruleId: string;
  title: string;
  severity: SecretFinding["severity"];
  secret: string;
}

interface PlantedFile {
  path: string;
  content: string;
  secrets: Planted[];
}

function plantedFiles(): PlantedFile[] {
  const c = fakeCredentials();
  return [
    {
      path: "/app/config/.env",
      content: [
        `DATABASE_URL=postgres://admin:${c.postgresPassword}@db.internal:5432/app`,
        `GITHUB_TOKEN=${c.githubPat}`,
        `STRIPE_SECRET_KEY=${c.stripeLive}`,
        `STRIPE_TEST_KEY=${c.stripeTest}`,
        "",
      ].join("\n"),
      secrets: [
        {
          ruleId: "postgres-url-password",
          title: "PostgreSQL connection URL with password",
          severity: "critical",
          secret: c.postgresPassword,
        },
        {
          ruleId: "github-pat-classic",
          title: "GitHub personal access token (classic)",
          severity: "critical",
          secret: c.githubPat,
        },
        {
          ruleId: "stripe-live-secret-key",
          title: "Stripe live secret key",
          severity: "critical",
          secret: c.stripeLive,
        },
        {
          ruleId: "stripe-test-secret-key",
          title: "Stripe test-mode secret key",
          severity: "low",
          secret: c.stripeTest,
        },
      ],
    },
    {
      path: "/app/config/config.yaml",
      content: [
        "database:",
        "  user: admin",
        `  password: '${c.configPassword}'`,
        "session:",
        `  jeton_de_sécurité: ${c.jwt}`,
        "",
      ].join("\n"),
      secrets: [
        {
          ruleId: "generic-password-config",
          title: "Password in a configuration file",
          severity: "high",
          secret: c.configPassword,
        },
        { ruleId: "jwt", title: "JSON Web Token", severity: "medium", secret: c.jwt },
      ],
    },
    {
      // Two secrets on one line: each finding's snippet masks both.
      path: "/app/scripts/deploy.sh",
      content: [
        "#!/bin/sh",
        `AWS_ACCESS_KEY_ID=${c.awsKeyId} AWS_SECRET_ACCESS_KEY=${c.awsSecret} aws s3 sync dist/ s3://lab-releases/`,
        "",
      ].join("\n"),
      secrets: [
        { ruleId: "aws-access-key-id", title: "AWS access key ID (long-term)", severity: "high", secret: c.awsKeyId },
        { ruleId: "aws-secret-access-key", title: "AWS secret access key", severity: "critical", secret: c.awsSecret },
      ],
    },
    {
      // Deleted by a later layer (RUN rm -rf …), still in this one. The secret spans many lines.
      path: "/root/.ssh/id_rsa",
      content: `-----BEGIN RSA PRIVATE KEY-----\n${c.rsaPrivateKey}\n-----END RSA PRIVATE KEY-----\n`,
      secrets: [
        {
          ruleId: "rsa-private-key",
          title: "RSA private key (PKCS#1 PEM)",
          severity: "critical",
          secret: c.rsaPrivateKey,
        },
      ],
    },
  ];
}

/** Shannon entropy as the scanner reports it, rounded for the sample. */
const entropy = (text: string): number => Math.round(shannonEntropy(text) * 1000) / 1000;

/** The findings of one file as the scanner makes them: masked preview and snippet, salted fingerprint. */
function findingsIn(file: PlantedFile, layer: string | undefined, salt: string): PlantedSecret[] {
  const text = file.content;
  const placed = file.secrets
    .map((p) => {
      const at = text.indexOf(p.secret);
      if (at < 0) throw new Error(`the ${p.ruleId} secret is not in ${file.path}`);
      const start = Buffer.byteLength(text.slice(0, at));
      return { p, at, start, end: start + Buffer.byteLength(p.secret) };
    })
    .sort((a, b) => a.start - b.start);
  const bytes = Buffer.from(text);
  const spans: MaskedSpan[] = placed.map((x) => ({ start: x.start, end: x.end, mask: maskSecret(x.p.secret) }));
  return placed.map((x, i) => {
    const lineStart = text.lastIndexOf("\n", x.at - 1) + 1;
    const newline = text.indexOf("\n", x.at);
    const lineEnd = newline < 0 ? text.length : newline;
    const finding: SecretFinding = {
      ruleId: x.p.ruleId,
      title: x.p.title,
      severity: x.p.severity,
      path: file.path,
      ...(layer ? { layer } : {}),
      line: text.slice(0, x.at).split("\n").length,
      column: x.at - lineStart + 1,
      preview: maskSecret(x.p.secret),
      fingerprint: fingerprintSecret(salt, x.p.ruleId, x.p.secret),
      entropy: entropy(x.p.secret),
      snippet: buildSnippet(
        bytes,
        Buffer.byteLength(text.slice(0, lineStart)),
        Buffer.byteLength(text.slice(0, lineEnd)),
        spans,
        i,
      ),
    };
    return { secret: x.p.secret, finding };
  });
}

export interface PlantedSecret {
  /** The whole secret: only the tests know it. */
  secret: string;
  finding: SecretFinding;
}

const SECRET_RANK: Record<SecretFinding["severity"], number> = { critical: 0, high: 1, medium: 2, low: 3 };

/** Severity, then path, line and column: the order the report promises. */
export const bySecretOrder = (a: SecretFinding, b: SecretFinding): number =>
  SECRET_RANK[a.severity] - SECRET_RANK[b.severity] ||
  (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) ||
  a.line - b.line ||
  a.column - b.column;

/**
 * Every planted secret with its finding, in report order: in the secrets layer of vuln-app, or (for a
 * directory scan) the same files without a layer.
 */
export function plantedSecrets(where: "image" | "directory" = "image", salt = SECRET_SALT): PlantedSecret[] {
  const layer = where === "image" ? LAYERS.secrets : undefined;
  return plantedFiles()
    .flatMap((f) => findingsIn(f, layer, salt))
    .sort((a, b) => bySecretOrder(a.finding, b.finding));
}

/** The secret findings of vuln-app, in report order. */
export const allSecrets = (): SecretFinding[] => plantedSecrets().map((p) => p.finding);
