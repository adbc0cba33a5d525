import { createContext, type ReactNode, useContext, useEffect, useState } from "react";

export type Theme = "light" | "dark";
const KEY = "rampart-theme";

const ThemeContext = createContext<{ theme: Theme; toggle(): void }>({ theme: "light", toggle: () => undefined });

/** Light or dark: the user's choice (kept in this browser), else the system's. */
export function ThemeProvider({ children }: { children: ReactNode }) {
  const [theme, setTheme] = useState<Theme>(() => {
    const kept = localStorage.getItem(KEY);
    if (kept === "light" || kept === "dark") return kept;
    return window.matchMedia?.("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  });
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  const toggle = () =>
    setTheme((t) => {
      const next = t === "dark" ? "light" : "dark";
      localStorage.setItem(KEY, next);
      return next;
    });
  return <ThemeContext.Provider value={{ theme, toggle }}>{children}</ThemeContext.Provider>;
}

export const useTheme = () => useContext(ThemeContext);
