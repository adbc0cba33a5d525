import { useState } from "react";

/** Copies text to the clipboard, saying whether it worked (the clipboard may be refused). */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [done, setDone] = useState<"copied" | "failed">();
  const copy = () =>
    navigator.clipboard.writeText(text).then(
      () => setDone("copied"),
      () => setDone("failed"),
    );
  return (
    <>
      <button type="button" onClick={() => void copy()}>
        {label}
      </button>
      <span role="status" className="hint">
        {done === "copied" ? " Copied." : done === "failed" ? " The browser refused: select and copy it." : ""}
      </span>
    </>
  );
}

/** A secret the console returns once (a key, an invitation link): shown with a warning and a copy button. */
export function ShownOnce({ title, value, warning }: { title: string; value: string; warning: string }) {
  return (
    <section className="once" aria-label={title}>
      <h3>{title}</h3>
      <p className="warning">{warning}</p>
      <code className="secret" data-testid="once-value">
        {value}
      </code>
      <div className="row">
        <CopyButton text={value} label="Copy" />
      </div>
    </section>
  );
}
