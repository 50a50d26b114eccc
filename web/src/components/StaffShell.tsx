import { Button, ConfigProvider, Layout, Result, Space, Spin, Typography } from "antd";
import enUSModule from "antd/es/locale/en_US.js";
import type { Locale } from "antd/es/locale/index.js";
import zhCNModule from "antd/es/locale/zh_CN.js";
import { createContext, lazy, type ReactNode, Suspense, useContext, useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { call, client } from "../api/client.ts";
import type { Role, User } from "../api/types.ts";
import { hasChosenLanguage, toggleLanguage } from "../i18n/index.ts";
import { userName } from "../lib/format.ts";
import { fetchMe, hasRole, logout, rolesOf } from "../lib/session.ts";

// antd ships no package exports, so TypeScript (NodeNext) sees these as CommonJS modules while Vite hands
// us the ES default export; accept both shapes.
const localeOf = (m: Locale | { readonly default: Locale }): Locale => ("default" in m ? m.default : m);
const enUS = localeOf(enUSModule);
const zhCN = localeOf(zhCNModule);

const UserContext = createContext<User | null>(null);

// The staff member's own settings (language, contact for notices): a chunk of its own, loaded on first open.
const MySettingsDrawer = lazy(() => import("./MySettings.tsx"));

export function useStaffUser(): User {
  const user = useContext(UserContext);
  if (user === null) throw new Error("useStaffUser outside StaffShell");
  return user;
}

/**
 * The staff consoles' Ant Design tokens. Ant's default secondary and placeholder greys (45% and 25% black) fall
 * below WCAG AA's 4.5:1 on white; these keep every text at 4.5:1 or more on white and on #fafafa.
 */
const STAFF_THEME = {
  token: {
    colorPrimary: "#b71c1c",
    borderRadius: 6,
    colorTextSecondary: "rgba(0, 0, 0, 0.65)",
    colorTextTertiary: "rgba(0, 0, 0, 0.6)",
    colorTextDescription: "rgba(0, 0, 0, 0.65)",
    colorTextPlaceholder: "rgba(0, 0, 0, 0.56)",
    // Ant's red (#ff4d4f, 3.3:1) and link blue (#1677ff, 4.1:1) on white: one shade darker each.
    colorError: "#cf1322",
    colorLink: "#0958d9",
  },
} as const;

const REDUCED_MOTION = "(prefers-reduced-motion: reduce)";

/**
 * Whether the user asked their system for less motion (WCAG 2.3.3). Followed live: the setting can change while a
 * console stays open all day.
 */
function usePrefersReducedMotion(): boolean {
  const [reduced, setReduced] = useState(() => typeof matchMedia === "function" && matchMedia(REDUCED_MOTION).matches);
  useEffect(() => {
    if (typeof matchMedia !== "function") return;
    const query = matchMedia(REDUCED_MOTION);
    const follow = () => setReduced(query.matches);
    follow();
    query.addEventListener("change", follow);
    return () => query.removeEventListener("change", follow);
  }, []);
  return reduced;
}

/**
 * Ant Design theme and locale for the staff consoles, following the i18next language. Drawers, modals and toasts
 * open without animation for users who asked their system for reduced motion.
 */
export function StaffTheme({ children }: { readonly children: ReactNode }) {
  const { i18n } = useTranslation();
  const reducedMotion = usePrefersReducedMotion();
  const theme = useMemo(
    () => (reducedMotion ? { ...STAFF_THEME, token: { ...STAFF_THEME.token, motion: false } } : STAFF_THEME),
    [reducedMotion],
  );
  return (
    <ConfigProvider locale={i18n.language === "en" ? enUS : zhCN} theme={theme}>
      {children}
    </ConfigProvider>
  );
}

type AuthState =
  | { readonly kind: "loading" }
  | { readonly kind: "anonymous" }
  | { readonly kind: "ready"; readonly user: User }
  | { readonly kind: "error"; readonly message: string };

/**
 * Header, language switch, the staff member's own settings (a drawer) and role check shared by the counter,
 * lobby and admin consoles.
 */
export function StaffShell({
  title,
  roles,
  children,
  extra,
}: {
  readonly title: string;
  readonly roles: readonly Role[];
  readonly children: ReactNode;
  readonly extra?: ReactNode;
}) {
  const { t, i18n } = useTranslation();
  const [auth, setAuth] = useState<AuthState>({ kind: "loading" });
  useEffect(() => {
    fetchMe().then(
      (me) => setAuth(me?.user ? { kind: "ready", user: me.user } : { kind: "anonymous" }),
      (error: unknown) => setAuth({ kind: "error", message: error instanceof Error ? error.message : String(error) }),
    );
  }, []);

  // A browser where no language was ever chosen follows the staff member's own setting (my settings).
  useEffect(() => {
    if (auth.kind !== "ready" || hasChosenLanguage()) return;
    call(client.GET("/api/me/contact")).then(
      (c) => {
        if (c.lang !== null && c.lang !== i18n.language) void i18n.changeLanguage(c.lang);
      },
      () => undefined, // the consoles work in the language they are in
    );
  }, [auth.kind, i18n]);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [settingsLoaded, setSettingsLoaded] = useState(false);

  useEffect(() => {
    if (auth.kind === "anonymous") {
      const next = encodeURIComponent(window.location.pathname + window.location.search);
      window.location.replace(`/login?next=${next}`);
    }
  }, [auth.kind]);

  let body: ReactNode;
  if (auth.kind === "loading" || auth.kind === "anonymous") {
    body = <Spin style={{ display: "block", margin: "20vh auto" }} />;
  } else if (auth.kind === "error") {
    body = <Result status="error" title={t("common.error", { message: auth.message })} />;
  } else if (!hasRole(auth.user, ...roles)) {
    body = (
      <Result
        status="403"
        title={t("common.notAllowed")}
        subTitle={t("common.notAllowedHint")}
        data-testid="forbidden"
        extra={
          <Space>
            <Link to="/">
              <Button>{t("common.home")}</Button>
            </Link>
            <Button type="primary" onClick={() => void logout()}>
              {t("common.loginAgain")}
            </Button>
          </Space>
        }
      />
    );
  } else {
    body = <UserContext.Provider value={auth.user}>{children}</UserContext.Provider>;
  }

  return (
    <StaffTheme>
      <Layout style={{ minHeight: "100vh" }}>
        <Layout.Header className="staff-header">
          <Link to="/" className="staff-brand">
            {t("app.name")}
          </Link>
          <Typography.Text className="staff-title">{title}</Typography.Text>
          <div className="staff-header-right">
            {extra}
            {auth.kind === "ready" ? (
              <span className="staff-user">
                {userName(auth.user)} ·{" "}
                {rolesOf(auth.user)
                  .map((r) => t(`role.${r}`))
                  .join("/")}
              </span>
            ) : null}
            {auth.kind === "ready" ? (
              <Button
                size="small"
                onClick={() => {
                  setSettingsLoaded(true);
                  setSettingsOpen(true);
                }}
                data-testid="my-settings"
                autoInsertSpace={false}
              >
                {t("mySettings:open")}
              </Button>
            ) : null}
            <Button size="small" onClick={toggleLanguage} data-testid="lang-switch" autoInsertSpace={false}>
              {t("app.language")}
            </Button>
            {auth.kind === "ready" ? (
              <Button size="small" onClick={() => void logout()}>
                {t("common.logout")}
              </Button>
            ) : null}
          </div>
        </Layout.Header>
        <Layout.Content className="staff-content">{body}</Layout.Content>
        {settingsLoaded ? (
          <Suspense fallback={null}>
            <MySettingsDrawer open={settingsOpen} onClose={() => setSettingsOpen(false)} />
          </Suspense>
        ) : null}
      </Layout>
    </StaffTheme>
  );
}
