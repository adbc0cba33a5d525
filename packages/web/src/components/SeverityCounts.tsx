/**
 * A count of findings and how many of each severity, as a card: the dashboard's per kind, a scan's summary.
 * `testId` names the card; each severity's item is `${itemTestId}${severity}` when given.
 */
export function SeverityCounts({
  title,
  total,
  bySeverity,
  severities,
  testId,
  itemTestId,
}: {
  title: string;
  /** undefined while loading. */
  total: number | undefined;
  bySeverity: Record<string, number> | undefined;
  severities: readonly string[];
  testId?: string;
  itemTestId?: string;
}) {
  return (
    <div className="card" data-testid={testId}>
      <h2>{title}</h2>
      <p className="big">{total ?? "…"}</p>
      <ul className="severities">
        {severities.map((s) => (
          <li key={s} className={`sev sev-${s}`} data-testid={itemTestId && `${itemTestId}${s}`}>
            <span>{s}</span> <strong>{bySeverity?.[s] ?? 0}</strong>
          </li>
        ))}
      </ul>
    </div>
  );
}
