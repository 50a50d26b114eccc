import i18next from "i18next";
import { initReactI18next } from "react-i18next";
import { analyticsEn, analyticsZh } from "./analytics.ts";
import { appointmentShareEn, appointmentShareZh } from "./appointment-share.ts";
import { bookingEn, bookingZh } from "./booking.ts";
import { chatEn, chatZh } from "./chat.ts";
import { customersEn, customersZh } from "./customers.ts";
import { dailyEn, dailyZh } from "./daily.ts";
import en from "./en.ts";
import { feedbackEn, feedbackZh } from "./feedback.ts";
import { feedback2En, feedback2Zh } from "./feedback2.ts";
import { kioskDisplayStrings } from "./kiosk-display.ts";
import { messagesStrings } from "./messages.ts";
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
      },
      analytics: analyticsZh,
      chat: chatZh,
      booking: bookingZh,
      feedback: feedbackZh,
      appointmentShare: appointmentShareZh,
      customers: customersZh,
      feedback2: feedback2Zh,
    },
    en: {
      translation: {
        ...en,
        ...messagesStrings.en,
        ...kioskDisplayStrings.en,
        staff: staffEn,
        audit: auditEn,
        daily: dailyEn,
      },
      analytics: analyticsEn,
      chat: chatEn,
      booking: bookingEn,
      feedback: feedbackEn,
      appointmentShare: appointmentShareEn,
      customers: customersEn,
      feedback2: feedback2En,
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
  window.localStorage.setItem(STORAGE_KEY, lng);
});

export function toggleLanguage(): void {
  void i18next.changeLanguage(i18next.language === "en" ? "zh-CN" : "en");
}

export function isEnglish(): boolean {
  return i18next.language === "en";
}

export default i18next;
