/** A severity as a badge, coloured by the theme's sev-* classes. */
export function SeverityBadge({ severity }: { severity: string }) {
  return <span className={`badge sev-${severity}`}>{severity}</span>;
}

/** The finding's CVE is in CISA's KEV catalog: exploited in the wild. */
export function KevBadge() {
  return (
    <span className="badge kev" title="In CISA's Known Exploited Vulnerabilities catalog">
      KEV
    </span>
  );
}

/** How bad a finding is at a glance: its severity, and KEV when it is known to be exploited. */
export function SeverityBadges({ severity, kev }: { severity: string; kev?: boolean }) {
  return (
    <>
      <SeverityBadge severity={severity} />
      {kev && <KevBadge />}
    </>
  );
}
