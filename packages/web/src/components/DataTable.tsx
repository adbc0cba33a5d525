import type { ReactNode } from "react";

/** A column heading: its text, or a key and what to show (a heading only screen readers read, say). */
export type Column = string | { key: string; label: ReactNode };

/**
 * A table with one row of column headings and the rows the caller gives. A `false` column is left out, so a
 * column shown only sometimes reads `all && "Owner"`; the rows leave the same cell out.
 */
export function DataTable({
  columns,
  children,
  className,
  label,
  testId,
}: {
  columns: (Column | false)[];
  children: ReactNode;
  className?: string;
  /** The table's accessible name, where no heading names it. */
  label?: string;
  testId?: string;
}) {
  return (
    <table className={className} aria-label={label} data-testid={testId}>
      <thead>
        <tr>
          {columns
            .filter((c): c is Column => c !== false)
            .map((c) =>
              typeof c === "string" ? (
                <th key={c} scope="col">
                  {c}
                </th>
              ) : (
                <th key={c.key} scope="col">
                  {c.label}
                </th>
              ),
            )}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}
