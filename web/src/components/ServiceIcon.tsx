import type { Service } from "../api/types.ts";

/** Hand-drawn line icons (no icon library) picked from the business type's category or name. */
const PATHS = {
  cash: "M3 7h18v10H3z M12 9.5a2.5 2.5 0 1 0 0 5a2.5 2.5 0 1 0 0-5 M6 10v4 M18 10v4",
  card: "M3 6h18v12H3z M3 10h18 M6 15h5",
  account: "M12 4a4 4 0 1 0 0 8a4 4 0 1 0 0-8 M4 20c0-4 4-6 8-6s8 2 8 6",
  wealth: "M4 18l5-6 4 3 7-9 M15 6h5v5",
  vip: "M4 9l4 3 4-6 4 6 4-3-2 9H6z",
  other: "M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18 M12 8v5 M12 16v.5",
} as const;

const BY_CATEGORY: Readonly<Record<string, keyof typeof PATHS>> = {
  cash: "cash",
  non_cash: "card",
  account: "account",
  wealth: "wealth",
  corporate: "account",
  payment: "card",
};

function pick(service: Service): keyof typeof PATHS {
  const byCategory = BY_CATEGORY[service.category ?? ""];
  if (byCategory !== undefined) return byCategory;
  const text = `${String(service.category ?? "")} ${service.nameZh} ${service.nameEn}`.toLowerCase();
  if (/cash|现金|存|取|deposit|withdraw/.test(text)) return "cash";
  if (/card|卡/.test(text)) return "card";
  if (/vip|贵宾/.test(text)) return "vip";
  if (/wealth|理财|基金|保险|fund|insur|loan|贷/.test(text)) return "wealth";
  if (/account|开户|户|sign|签约|电子银行|e-bank/.test(text)) return "account";
  return "other";
}

export function ServiceIcon({ service, size = 56 }: { readonly service: Service; readonly size?: number }) {
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
    >
      <path d={PATHS[pick(service)]} />
    </svg>
  );
}
