/**
 * Remembers a pure parse function's results. Matching compares the same few thousand version strings (the
 * installed versions and every advisory's range events) over and over; parsing each once makes ranges
 * cheap. Bounded: the cache is dropped when full. Callers must treat the parsed value as read-only.
 */
export function memo<T>(parse: (s: string) => T, max = 100_000): (s: string) => T {
  let cache = new Map<string, T>();
  return (s) => {
    let v = cache.get(s);
    if (v === undefined && !cache.has(s)) {
      v = parse(s);
      if (cache.size >= max) cache = new Map();
      cache.set(s, v);
    }
    return v as T;
  };
}
