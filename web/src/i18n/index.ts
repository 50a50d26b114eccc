import i18next from "i18next";
import { initReactI18next } from "react-i18next";
import { analyticsEn, analyticsZh } from "./analytics.ts";
import { analyticsAlertsEn, analyticsAlertsZh } from "./analytics-alerts.ts";
import { analyticsEditEn, analyticsEditZh } from "./analytics-edit.ts";
import { analytics2En, analytics2Zh } from "./analytics2.ts";
import { analytics3En, analytics3Zh } from "./analytics3.ts";
import { appointmentShareEn, appointmentShareZh } from "./appointment-share.ts";
import { bookingEn, bookingZh } from "./booking.ts";
import { chatEn, chatZh } from "./chat.ts";
import { chat2En, chat2Zh } from "./chat2.ts";
import { closuresEn, closuresZh } from "./closures.ts";
import { customersEn, customersZh } from "./customers.ts";
import { dailyEn, dailyZh } from "./daily.ts";
import { daily2En, daily2Zh } from "./daily2.ts";
import en from "./en.ts";
import { feedbackEn, feedbackZh } from "./feedback.ts";
import { feedback2En, feedback2Zh } from "./feedback2.ts";
import { followupsEn, followupsZh } from "./followups.ts";
import { kioskDisplayStrings } from "./kiosk-display.ts";
import { knowledgeEn, knowledgeZh } from "./knowledge.ts";
import { messagesStrings } from "./messages.ts";
import { mySettingsEn, mySettingsZh } from "./my-settings.ts";
import { auditEn, auditZh, staffEn, staffZh } from "./staff.ts";
import zhCN from "./zh-CN.ts";

export type Language = "zh-CN" | "en";
const STORAGE_KEY = "datang.lang";

function initialLanguage(): Language {
  // `?lang=en` lets a paired device (a TV, a kiosk) be pinned to a language by its URL.
  const fromUrl = new URLSearchParams(window.location.search).get("lang");
  if (fromUrl === "en" || fromUrl === "zh-CN") return fromUrl;
  return window.localStorage.getItem(STORAGE_KEY) === "en" ? "en" : "zh-CN";
}

void i18next.use(initReactI18next).init({
  resources: {
    "zh-CN": {
      translation: {
        ...zhCN,
        ...messagesStrings.zh,
        ...kioskDisplayStrings.zh,
        staff: staffZh,
        audit: auditZh,
        daily: dailyZh,
        daily2: daily2Zh,
      },
      analytics: analyticsZh,
      analytics2: analytics2Zh,
      chat: chatZh,
      chat2: chat2Zh,
      booking: bookingZh,
      feedback: feedbackZh,
      appointmentShare: appointmentShareZh,
      customers: customersZh,
      knowledge: knowledgeZh,
      analyticsAlerts: analyticsAlertsZh,
      followups: followupsZh,
      feedback2: feedback2Zh,
      analytics3: analytics3Zh,
      analyticsEdit: analyticsEditZh,
      closures: closuresZh,
      mySettings: mySettingsZh,
    },
    en: {
      translation: {
        ...en,
        ...messagesStrings.en,
        ...kioskDisplayStrings.en,
        staff: staffEn,
        audit: auditEn,
        daily: dailyEn,
        daily2: daily2En,
      },
      analytics: analyticsEn,
      analytics2: analytics2En,
      chat: chatEn,
      chat2: chat2En,
      booking: bookingEn,
      feedback: feedbackEn,
      appointmentShare: appointmentShareEn,
      customers: customersEn,
      knowledge: knowledgeEn,
      analyticsAlerts: analyticsAlertsEn,
      followups: followupsEn,
      feedback2: feedback2En,
      analytics3: analytics3En,
      analyticsEdit: analyticsEditEn,
      closures: closuresEn,
      mySettings: mySettingsEn,
    },
  },
  lng: initialLanguage(),
  fallbackLng: "zh-CN",
  interpolation: { escapeValue: false },
  returnNull: false,
});

document.documentElement.lang = i18next.language;
i18next.on("languageChanged", (lng) => {
  document.documentElement.lang = lng;
  try {
    window.localStorage.setItem(STORAGE_KEY, lng);
  } catch {
    // A page framed by another site may be refused storage (the chat widget): the choice lasts this page.
  }
});

/** Whether this browser was ever given a language (the switch, my settings, or `?lang=`). */
export function hasChosenLanguage(): boolean {
  if (new URLSearchParams(window.location.search).get("lang") !== null) return true;
  try {
    return window.localStorage.getItem(STORAGE_KEY) !== null;
  } catch {
    return true;
  }
}

export function toggleLanguage(): void {
  void i18next.changeLanguage(i18next.language === "en" ? "zh-CN" : "en");
}

export function isEnglish(): boolean {
  return i18next.language === "en";
}

export default i18next;
