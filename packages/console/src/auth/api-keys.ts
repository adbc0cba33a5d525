import { createHash, randomBytes } from "node:crypto";

/** Every key starts with this, so leaked keys are recognisable (and secret scanners can find them). */
export const API_KEY_PREFIX = "rpk_";
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** 43 base-62 characters: 256 bits of randomness. */
const KEY_CHARS = 43;
/** What lists show of a key: the prefix and 8 characters (48 bits): enough to tell keys apart, not to use one. */
const SHOWN_CHARS = API_KEY_PREFIX.length + 8;

export interface NewApiKey {
  /** The whole key: shown to the user once, never stored. */
  key: string;
  /** Stored: the start of the key, for lists. */
  prefix: string;
  /** Stored: what a presented key is looked up by. */
  hash: string;
}

/** A new random API key. */
export function newApiKey(): NewApiKey {
  const key = randomToken(API_KEY_PREFIX);
  return { key, prefix: key.slice(0, SHOWN_CHARS), hash: apiKeyHash(key) };
}

/**
 * A prefixed random token of 43 base-62 characters (256 bits): API keys, refresh tokens, invitation links.
 * Rejection sampling keeps every character equally likely.
 */
export function randomToken(prefix: string): string {
  let body = "";
  while (body.length < KEY_CHARS) {
    for (const b of randomBytes(64)) {
      if (b < 248 && body.length < KEY_CHARS) body += BASE62[b % 62];
    }
  }
  return `${prefix}${body}`;
}

/**
 * SHA-256 of the key (and of every other random token the console stores). A fast hash is right here, unlike for passwords: a key is 256 random bits, so there is
 * nothing to guess from its hash, and every sensor request presents one.
 */
export function apiKeyHash(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/** Whether a presented string has the shape of a Rampart API key (checked before any lookup). */
export const looksLikeApiKey = (s: string): boolean =>
  s.length === API_KEY_PREFIX.length + KEY_CHARS && s.startsWith(API_KEY_PREFIX) && /^[0-9A-Za-z]+$/.test(s.slice(4));
