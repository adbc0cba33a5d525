import type { ReactNode } from "react";
import { Link, NavLink } from "react-router";
import { useCan } from "../../auth/session.js";

interface Section {
  path: string;
  title: string;
  what: string;
  admin?: boolean;
}

/** Settings' sections; admin-only ones are not offered to other roles. */
export const SECTIONS: Section[] = [
  { path: "/settings/users", title: "Users", what: "Who may sign in, their roles, invitations.", admin: true },
  { path: "/settings/api-keys", title: "API keys", what: "Keys for automation and for registering sensors." },
  { path: "/settings/sensors", title: "Sensors", what: "Install a sensor on a host or a Kubernetes cluster." },
  { path: "/settings/system", title: "System status", what: "Version, storage, the vulnerability DB's feeds." },
  { path: "/settings/audit", title: "Audit log", what: "Security-relevant actions, newest first.", admin: true },
];

/** Every settings page: the section navigation, then the section. */
export function SettingsFrame({ title, children }: { title: string; children: ReactNode }) {
  const can = useCan();
  return (
    <div className="page settings">
      <h1>{title}</h1>
      <nav aria-label="Settings" className="subnav">
        {SECTIONS.filter((s) => can.admin || !s.admin).map((s) => (
          <NavLink key={s.path} to={s.path}>
            {s.title}
          </NavLink>
        ))}
      </nav>
      {children}
    </div>
  );
}

/** Shown instead of an admin section to other roles who reach it by its address. */
export function AdminOnly({ what }: { what: string }) {
  return (
    <p className="empty card">
      Only admins manage {what}. Ask an admin of this console, or go back to <Link to="/settings">Settings</Link>.
    </p>
  );
}

export function Settings() {
  const can = useCan();
  return (
    <SettingsFrame title="Settings">
      <ul className="settings-home">
        {SECTIONS.filter((s) => can.admin || !s.admin).map((s) => (
          <li key={s.path} className="card">
            <h2>
              <Link to={s.path}>{s.title}</Link>
            </h2>
            <p className="hint">{s.what}</p>
          </li>
        ))}
      </ul>
    </SettingsFrame>
  );
}
