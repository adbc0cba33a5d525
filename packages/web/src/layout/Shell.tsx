import { NavLink, Outlet } from "react-router";
import { PAGES } from "../pages/registry.js";
import { useTheme } from "./theme.js";
import { UserMenu } from "./UserMenu.js";

/** The frame of every signed-in page: navigation, the theme switch, the user's menu, and the page. */
export function Shell() {
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
        <UserMenu />
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
