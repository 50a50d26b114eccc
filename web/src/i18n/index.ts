import i18next from "i18next";
import { initReactI18next } from "react-i18next";
import { analyticsEn, analyticsZh } from "./analytics.ts";
import { analyticsAlertsEn, analyticsAlertsZh } from "./analytics-alerts.ts";
import { analyticsEditEn, analyticsEditZh } from "./analytics-edit.ts";
import { analytics2En, analytics2Zh } from "./analytics2.ts";
import { analytics3En, analytics3Zh } from "./analytics3.ts";
import { appointmentShareEn, appointmentShareZh } from "./appointment-share.ts";
import { bookFlowEn, bookFlowZh } from "./book-flow.ts";
import { bookingEn, bookingZh } from "./booking.ts";
import { chatEn, chatZh } from "./chat.ts";
import { chat2En, chat2Zh } from "./chat2.ts";
import { closuresEn, closuresZh } from "./closures.ts";
import { customerLinksEn, customerLinksZh } from "./customer-links.ts";
import { customersEn, customersZh } from "./customers.ts";
import { dailyEn, dailyZh } from "./daily.ts";
import { daily2En, daily2Zh } from "./daily2.ts";
import { feedbackEn, feedbackZh } from "./feedback.ts";
import { feedback2En, feedback2Zh } from "./feedback2.ts";
import { followupsEn, followupsZh } from "./followups.ts";
import { kioskDisplayStrings } from "./kiosk-display.ts";
import { kioskIdentifyEn, kioskIdentifyZh } from "./kiosk-identify.ts";
import { knowledgeEn, knowledgeZh } from "./knowledge.ts";
import { messagesStrings } from "./messages.ts";
import { mySettingsEn, mySettingsZh } from "./my-settings.ts";
import { record14En, record14Zh } from "./record14.ts";
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

const firstLanguage = initialLanguage();
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
      kioskIdentify: kioskIdentifyZh,
      customerLinks: customerLinksZh,
      bookFlow: bookFlowZh,
      record14: record14Zh,
    },
    en: {
      // The general English dictionary (en.ts) is fetched when English is first wanted (loadEnglish below),
      // so a Chinese page does not download it; these smaller English pieces are merged under it then.
      translation: {
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
      kioskIdentify: kioskIdentifyEn,
      customerLinks: customerLinksEn,
      bookFlow: bookFlowEn,
      record14: record14En,
    },
  },
  lng: firstLanguage,
  fallbackLng: "zh-CN",
  interpolation: { escapeValue: false },
  returnNull: false,
  // Re-render when the English dictionary arrives after a switch to English.
  react: { bindI18nStore: "added" },
});

let english: Promise<void> | undefined;
/** Fetches the general English dictionary once and merges it under the English strings already there. */
export function loadEnglish(): Promise<void> {
  english ??= import("./en.ts").then((m) => {
    i18next.addResourceBundle("en", "translation", m.default, true, false);
  });
  return english;
}
i18next.on("languageChanged", (lng) => {
  if (lng === "en") void loadEnglish();
});
/** Resolves when the first language's strings are all here (main.tsx renders after it). */
export const i18nReady: Promise<void> = firstLanguage === "en" ? loadEnglish() : Promise.resolve();

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
  if (i18next.language === "en") void i18next.changeLanguage("zh-CN");
  else void loadEnglish().then(() => i18next.changeLanguage("en"));
}

export function isEnglish(): boolean {
  return i18next.language === "en";
}

export default i18next;
