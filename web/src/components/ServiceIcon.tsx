import { KIOSK_ICONS, type KioskIcon } from "../../../src/domain/display/voice.ts";
import type { Service } from "../api/types.ts";

/** Hand-drawn line icons (no icon library), one per kind of business; a branch may pick one per business type. */
const PATHS: Readonly<Record<KioskIcon, string>> = {
  cash: "M3 7h18v10H3z M12 9.5a2.5 2.5 0 1 0 0 5a2.5 2.5 0 1 0 0-5 M6 10v4 M18 10v4",
  transfer: "M4 8h14 M14 4l4 4-4 4 M20 16H6 M10 12l-4 4 4 4",
  card: "M3 6h18v12H3z M3 10h18 M6 15h5",
  account: "M12 4a4 4 0 1 0 0 8a4 4 0 1 0 0-8 M4 20c0-4 4-6 8-6s8 2 8 6",
  wealth: "M4 18l5-6 4 3 7-9 M15 6h5v5",
  vip: "M4 9l4 3 4-6 4 6 4-3-2 9H6z",
  loan: "M4 20h16 M5 20V10 M19 20V10 M9 20v-6 M15 20v-6 M3 10l9-6 9 6z",
  exchange: "M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18 M9 8l3 4 3-4 M12 12v6 M9 13h6 M9 16h6",
  corporate: "M4 21V5l8-2v18 M12 9h8v12 M7 8h2 M7 12h2 M7 16h2 M15 13h2 M15 17h2 M3 21h18",
  other: "M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18 M12 8v5 M12 16v.5",
};

export const ICON_NAMES: readonly KioskIcon[] = KIOSK_ICONS;

/**
 * The default icon of a business type: its name first (so that transfers, card loss and account opening,
 * all "non-cash", still look different), then its category.
 */
export function defaultIcon(service: Service): KioskIcon {
  const text = `${service.nameZh} ${service.nameEn}`.toLowerCase();
  if (/vip|贵宾/.test(text)) return "vip";
  if (/对公|企业|corporate|business account/.test(text)) return "corporate";
  if (/外汇|兑换|exchange|currency/.test(text)) return "exchange";
  if (/贷|loan|mortgage/.test(text)) return "loan";
  if (/转账|汇款|transfer|remit/.test(text)) return "transfer";
  if (/挂失|冻结|卡|card/.test(text)) return "card";
  if (/开户|销户|account/.test(text)) return "account";
  if (/理财|基金|保险|wealth|fund|insur/.test(text)) return "wealth";
  if (/现金|存|取|cash|deposit|withdraw/.test(text)) return "cash";
  const byCategory: Readonly<Record<string, KioskIcon>> = {
    cash: "cash",
    non_cash: "transfer",
    account: "account",
    wealth: "wealth",
    corporate: "corporate",
    payment: "card",
  };
  return byCategory[service.category ?? ""] ?? "other";
}

export function ServiceIcon({
  service,
  icon,
  size = 56,
}: {
  readonly service?: Service;
  /** The branch's choice for this business type; the default follows its name and category. */
  readonly icon?: KioskIcon | undefined;
  readonly size?: number;
}) {
  const name = icon ?? (service ? defaultIcon(service) : "other");
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.6}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      data-icon={name}
    >
      <path d={PATHS[name]} />
    </svg>
  );
}
