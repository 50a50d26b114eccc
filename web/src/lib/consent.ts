/**
 * The version of the consent texts the booking page shows (web/src/i18n/book-flow.ts, `consent.*`), recorded
 * with each consent the customer gives there. Change it whenever those words change. The server records what each
 * answer covers from the words: service messages by SMS or e-mail; marketing by SMS, e-mail or a call
 * (src/app/customers/identify.ts DEFAULT_COVERS). "book-2026-12b": the marketing text names its three ways.
 */
export const CONSENT_TEXT_VERSION = "book-2026-12b";
