import { NavLink, Outlet } from "react-router";
import { api } from "../api/client.js";
import { useSession } from "../auth/session.js";
import { PAGES } from "../pages/registry.js";
import { useTheme } from "./theme.js";

/** The frame of every signed-in page: navigation, the user, the theme switch, and the page. */
export function Shell() {
  const { user } = useSession();
  const { theme, toggle } = useTheme();
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">Rampart</span>
        <nav aria-label="Main">
          {PAGES.filter((p) => p.nav).map((p) => (
            <NavLink key={p.path} to={p.path} end={p.path === "/"}>
              {p.nav}
            </NavLink>
          ))}
        </nav>
        <span className="spacer" />
        <button
          type="button"
          className="ghost"
          onClick={toggle}
          aria-label={`Switch to the ${theme === "dark" ? "light" : "dark"} theme`}
        >
          {theme === "dark" ? "☀ Light" : "☾ Dark"}
        </button>
        <span className="who" title={user?.role}>
          {user?.email} · {user?.role}
        </span>
        <button type="button" className="ghost" onClick={() => void api.signOut()}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
