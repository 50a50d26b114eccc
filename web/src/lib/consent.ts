/**
 * The version of the consent texts the booking page shows (web/src/i18n/book-flow.ts, `consent.*`), recorded
 * with each consent the customer gives there. Change it whenever those words change.
 */
export const CONSENT_TEXT_VERSION = "book-2026-12";
