// Token server for the test registry that uses `auth: token` (Docker Distribution's token auth spec).
//
// Usage: node registry-token-server.mjs <dir> <port>
//   <dir> holds token.key / token.crt (the registry trusts token.crt through `rootcertbundle`) and
//   auth/password (the password of user "rampart").
//
// Policy: no credentials → a token granting "pull" only (like Docker Hub's anonymous tokens); user "rampart"
// with the right password → every action asked for (pull, push); wrong credentials → 401.
//
// Distribution 2.8 finds the signing key from the JWT header: `x5c` (a certificate chain verified against
// rootcertbundle), `jwk`, or `kid` (a libtrust key ID). The simplest correct choice is x5c holding the
// self-signed certificate itself: Go's x509 verification accepts a leaf that is itself one of the roots.
// The token is signed RS256 (RSASSA-PKCS1-v1_5 + SHA-256), which libtrust verifies for RSA keys.
import { createSign, randomUUID, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";

const [dir, portArg] = process.argv.slice(2);
if (!dir || !portArg) {
  console.error("usage: registry-token-server.mjs <dir> <port>");
  process.exit(2);
}
const port = Number(portArg);
const key = readFileSync(join(dir, "token.key"), "utf8");
const cert = new X509Certificate(readFileSync(join(dir, "token.crt")));
const password = readFileSync(join(dir, "auth", "password"), "utf8").trim();
const ISSUER = "rampart-test-token-server";
const SERVICE = "rampart-test-registry";

const b64url = (data) => Buffer.from(data).toString("base64url");

function sign(claims) {
  const header = { typ: "JWT", alg: "RS256", x5c: [cert.raw.toString("base64")] };
  const payload = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const signature = createSign("SHA256").update(payload).sign(key);
  return `${payload}.${b64url(signature)}`;
}

/** "repository:rampart/debian:pull,push" → { type, name, actions }; the name itself may not hold ':'. */
function parseScope(scope) {
  const first = scope.indexOf(":");
  const last = scope.lastIndexOf(":");
  if (first < 0 || last === first) return undefined;
  return {
    type: scope.slice(0, first),
    name: scope.slice(first + 1, last),
    actions: scope
      .slice(last + 1)
      .split(",")
      .filter(Boolean),
  };
}

/** "anonymous", "rampart", or undefined when credentials were sent but are wrong. */
function who(authorization) {
  if (!authorization) return "anonymous";
  const [scheme, value] = authorization.split(" ");
  if (scheme?.toLowerCase() !== "basic" || !value) return undefined;
  const decoded = Buffer.from(value, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  const user = decoded.slice(0, colon);
  const pass = decoded.slice(colon + 1);
  return user === "rampart" && pass === password ? "rampart" : undefined;
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  if (url.pathname !== "/token") {
    res.writeHead(404).end();
    return;
  }
  const subject = who(req.headers.authorization);
  if (!subject) {
    res.writeHead(401, { "content-type": "application/json" });
    res.end(JSON.stringify({ errors: [{ code: "UNAUTHORIZED", message: "bad username or password" }] }));
    return;
  }
  if (url.searchParams.get("service") !== SERVICE) {
    res.writeHead(400, { "content-type": "application/json" });
    res.end(JSON.stringify({ errors: [{ code: "DENIED", message: "unknown service" }] }));
    return;
  }
  const access = url.searchParams
    .getAll("scope")
    .map(parseScope)
    .filter((s) => s !== undefined)
    .map((s) => ({
      ...s,
      actions: subject === "rampart" ? s.actions : s.actions.filter((a) => a === "pull"),
    }));
  const now = Math.floor(Date.now() / 1000);
  const expiresIn = 300;
  const token = sign({
    iss: ISSUER,
    sub: subject === "anonymous" ? "" : subject,
    aud: SERVICE,
    exp: now + expiresIn,
    nbf: now - 10,
    iat: now,
    jti: randomUUID(),
    access,
  });
  res.writeHead(200, { "content-type": "application/json" });
  // Only "token": the client's "access_token" fallback is covered by a fake server in the unit tests.
  res.end(JSON.stringify({ token, expires_in: expiresIn, issued_at: new Date(now * 1000).toISOString() }));
});

server.listen(port, "127.0.0.1", () => console.log(`token server on http://127.0.0.1:${port}/token`));
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => server.close(() => process.exit(0)));
