/** A secret's place in the file and its masked form, for masking every secret on a shown line. */
export interface MaskedSpan {
  start: number;
  end: number;
  mask: string;
}

/** Snippets are at most this many characters. */
export const SNIPPET_CHARS = 200;
/** Bytes read each side of the secret to fill a snippet: enough for 200 characters of 4-byte UTF-8. */
const SNIPPET_BYTES = SNIPPET_CHARS * 4;

const decoder = new TextDecoder("utf-8");

/**
 * The line [lineStart, lineEnd) around `spans[focus]`, with every span on it replaced by its mask, cut to
 * 200 characters centred on the focus. `spans` must be sorted by start.
 */
export function buildSnippet(
  bytes: Uint8Array,
  lineStart: number,
  lineEnd: number,
  spans: readonly MaskedSpan[],
  focus: number,
): string {
  const f = spans[focus] as MaskedSpan;
  const x0 = Math.max(lineStart, f.start - SNIPPET_BYTES);
  const x1 = Math.min(lineEnd, Math.min(f.end, lineEnd) + SNIPPET_BYTES);
  let text = "";
  let pos = x0;
  let focusAt = 0;
  let focusEnd = 0;
  for (let i = firstReaching(spans, focus, x0); i < spans.length; i++) {
    const s = spans[i] as MaskedSpan;
    if (s.start >= x1) break;
    if (s.end > pos) {
      if (s.start >= pos) {
        text += clean(decoder.decode(bytes.subarray(pos, s.start)));
        if (i === focus) focusAt = text.length;
        text += s.mask;
      } else if (pos === x0 && text === "") {
        // A secret that began before the shown part.
        if (i === focus) focusAt = text.length;
        text += "***";
      } else if (i === focus) {
        focusAt = text.length; // already masked by an overlapping secret
      }
      pos = Math.max(pos, Math.min(s.end, x1));
    } else if (i === focus) {
      focusAt = text.length;
    }
    if (i === focus) focusEnd = text.length;
  }
  text += clean(decoder.decode(bytes.subarray(pos, x1)));
  return cut(text, focusAt, focusEnd);
}

/** Index of the first span that may reach into the shown part: spans starting before `from` end near it. */
function firstReaching(spans: readonly MaskedSpan[], focus: number, from: number): number {
  let first = focus;
  for (let i = focus - 1; i >= 0 && i >= focus - 64; i--) if ((spans[i] as MaskedSpan).end > from) first = i;
  return first;
}

/** Control characters other than tab would garble a terminal or a report. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/g;
const clean = (s: string) => s.replace(CONTROL, "?");

function cut(text: string, focusAt: number, focusEnd: number): string {
  const chars = [...text];
  if (chars.length <= SNIPPET_CHARS) return text.trim();
  // Positions above are in UTF-16 units; convert to code-point positions for the cut.
  const prefix = [...text.slice(0, focusAt)].length;
  const focusLen = [...text.slice(focusAt, focusEnd)].length;
  const mid = prefix + Math.floor(focusLen / 2);
  const from = Math.max(0, Math.min(chars.length - SNIPPET_CHARS, mid - SNIPPET_CHARS / 2));
  return chars
    .slice(from, from + SNIPPET_CHARS)
    .join("")
    .trim();
}
