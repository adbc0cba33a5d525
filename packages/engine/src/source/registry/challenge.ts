/** One WWW-Authenticate challenge: `Bearer realm="…",service="…",scope="…"` (RFC 7235 §4.1). */
export interface Challenge {
  /** Lower-cased: "basic", "bearer". */
  readonly scheme: string;
  /** Parameter names lower-cased; values unquoted. */
  readonly params: Readonly<Record<string, string>>;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/;

/**
 * Parses a WWW-Authenticate header value, which may hold several challenges separated by commas (Node joins
 * repeated headers with ", " too). Hand-written: the grammar is small and no maintained npm package parses
 * the multi-challenge form.
 */
export function parseChallenges(header: string | string[] | undefined): Challenge[] {
  const text = Array.isArray(header) ? header.join(", ") : (header ?? "");
  const challenges: Array<{ scheme: string; params: Record<string, string> }> = [];
  let i = 0;
  const skip = (chars: RegExp) => {
    while (i < text.length && chars.test(text[i] as string)) i++;
  };
  while (i < text.length) {
    skip(/[\s,]/);
    const scheme = TOKEN.exec(text.slice(i))?.[0];
    if (!scheme) break;
    i += scheme.length;
    const params: Record<string, string> = {};
    challenges.push({ scheme: scheme.toLowerCase(), params });
    for (;;) {
      skip(/[\s,]/);
      const rest = text.slice(i);
      const name = TOKEN.exec(rest)?.[0];
      // A token not followed by "=" starts the next challenge.
      if (!name || !/^\s*=/.test(rest.slice(name.length))) break;
      i += name.length;
      skip(/\s/);
      i++; // "="
      skip(/\s/);
      let value = "";
      if (text[i] === '"') {
        i++;
        while (i < text.length && text[i] !== '"') {
          if (text[i] === "\\") i++;
          value += text[i] ?? "";
          i++;
        }
        i++; // closing quote
      } else {
        // Lenient: some servers leave URLs unquoted.
        value = /^[^\s,]*/.exec(text.slice(i))?.[0] ?? "";
        i += value.length;
      }
      params[name.toLowerCase()] = value;
    }
  }
  return challenges;
}
