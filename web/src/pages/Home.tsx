import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import type { Me, Role } from "../api/types.ts";
import { LangSwitch } from "../components/LangSwitch.tsx";
import { userName } from "../lib/format.ts";
import { fetchMe, logout, rolesOf } from "../lib/session.ts";

interface PageLink {
  readonly path: string;
  readonly key:
    | "kiosk"
    | "display"
    | "counter"
    | "rate"
    | "lobby"
    | "admin"
    | "planning"
    | "analytics"
    | "messages"
    | "audit"
    | "agent"
    | "chat"
    | "appointments"
    | "reviews"
    | "complaints"
    | "knowledge"
    | "followups";
  readonly roles: readonly Role[];
  /** Labels from this i18n namespace's `home` (pages added with their own namespace). */
  readonly ns?: "feedback" | "knowledge" | "followups";
}

const STAFF_PAGES: readonly PageLink[] = [
  { path: "/counter", key: "counter", roles: ["teller", "admin"] },
  { path: "/lobby", key: "lobby", roles: ["lobby_manager", "branch_manager", "admin", "back_office"] },
  { path: "/admin", key: "admin", roles: ["admin", "branch_manager"] },
  { path: "/planning", key: "planning", roles: ["branch_manager", "admin", "lobby_manager"] },
  {
    path: "/analytics",
    key: "analytics",
    roles: ["branch_manager", "admin", "lobby_manager", "teller", "head_office"],
  },
  { path: "/messages", key: "messages", roles: ["admin", "branch_manager"] },
  { path: "/appointments", key: "appointments", roles: ["admin", "branch_manager", "lobby_manager", "teller"] },
  { path: "/audit", key: "audit", roles: ["auditor", "admin"] },
  { path: "/agent", key: "agent", roles: ["agent", "admin"] },
  {
    path: "/reviews",
    key: "reviews",
    roles: ["back_office", "branch_manager", "admin", "lobby_manager"],
    ns: "feedback",
  },
  {
    path: "/complaints",
    key: "complaints",
    roles: ["lobby_manager", "branch_manager", "admin", "back_office", "teller"],
    ns: "feedback",
  },
  { path: "/knowledge", key: "knowledge", roles: ["admin"], ns: "knowledge" },
  {
    path: "/followups",
    key: "followups",
    roles: ["branch_manager", "admin", "lobby_manager", "teller", "back_office"],
    ns: "followups",
  },
];
const DEVICE_PAGES: readonly PageLink[] = [
  { path: "/kiosk", key: "kiosk", roles: [] },
  { path: "/display", key: "display", roles: [] },
  { path: "/rate", key: "rate", roles: [] },
];
const DEVICE_HOME: Record<string, string> = { kiosk: "/kiosk", display: "/display", rating_pad: "/rate" };

/** Leads each role to its pages; a paired device goes straight to its screen. */
export default function Home() {
  const { t } = useTranslation();
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  useEffect(() => {
    fetchMe().then(setMe, () => setMe(null));
  }, []);
  useEffect(() => {
    const target = me?.device ? DEVICE_HOME[me.device.kind] : undefined;
    if (target !== undefined) window.location.replace(target);
  }, [me]);

  const roles = rolesOf(me?.user);
  const staff = me?.user ? STAFF_PAGES.filter((p) => p.roles.some((r) => roles.includes(r))) : STAFF_PAGES;

  return (
    <div className="home">
      <header className="home-header">
        <div>
          <h1>{t("home.title")}</h1>
          <p>{t("home.subtitle")}</p>
        </div>
        <div className="home-header-right">
          {me?.user ? (
            <>
              <span>{t("home.signedInAs", { name: userName(me.user) })}</span>
              <button type="button" className="link-button" onClick={() => void logout()}>
                {t("common.logout")}
              </button>
            </>
          ) : (
            <Link to="/login" className="link-button">
              {t("home.login")}
            </Link>
          )}
          <LangSwitch />
        </div>
      </header>
      <h2>{t("home.staffPages")}</h2>
      <div className="home-grid">
        {staff.map((p) => (
          <Link key={p.path} to={p.path} className="home-card" data-testid={`home-${p.key}`}>
            <strong>{t(`${p.ns ? `${p.ns}:` : ""}home.${p.key}`)}</strong>
            <span>{t(`${p.ns ? `${p.ns}:` : ""}home.${p.key}Desc`)}</span>
          </Link>
        ))}
      </div>
      <h2>{t("home.devicePages")}</h2>
      <div className="home-grid">
        {DEVICE_PAGES.map((p) => (
          <Link key={p.path} to={p.path} className="home-card device" data-testid={`home-${p.key}`}>
            <strong>{t(`${p.ns ? `${p.ns}:` : ""}home.${p.key}`)}</strong>
            <span>{t(`${p.ns ? `${p.ns}:` : ""}home.${p.key}Desc`)}</span>
          </Link>
        ))}
      </div>
      <p className="muted">{t("home.pairHint")}</p>
      <h2>{t("booking:homeCustomers")}</h2>
      <div className="home-grid">
        <Link to="/book" className="home-card device" data-testid="home-book">
          <strong>{t("booking:title")}</strong>
          <span>{t("booking:homeBookDesc")}</span>
        </Link>
        <Link to="/chat" className="home-card device" data-testid="home-chat">
          <strong>{t("home.chat")}</strong>
          <span>{t("home.chatDesc")}</span>
        </Link>
      </div>
    </div>
  );
}
