/**
 * Shannon entropy in bits per character of `text`: how evenly its characters are spread. Random base64
 * scores about 5-6, hex about 3.7-4, English words and placeholders ("xxxxxxxx", "changeme") much less.
 * Counted over UTF-16 code units, which is what rules see.
 */
export function shannonEntropy(text: string): number {
  if (text.length === 0) return 0;
  const counts = new Map<number, number>();
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}
