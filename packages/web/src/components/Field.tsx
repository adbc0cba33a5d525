import type { InputHTMLAttributes } from "react";

/** A labelled text input (the label names it for screen readers and tests) whose value the caller holds. */
export function Field({
  label,
  value,
  onChange,
  ...input
}: { label: string; value: string; onChange(value: string): void } & Omit<
  InputHTMLAttributes<HTMLInputElement>,
  "value" | "onChange"
>) {
  return (
    <label>
      {label}
      <input {...input} value={value} onChange={(e) => onChange(e.target.value)} />
    </label>
  );
}
