/**
 * The one place where booking meets the customer identity and the message path (built in app/customers and
 * store/outbox by the messages capability). Everything appointments needs of them goes through here.
 */
import type { Tx } from "../../store/store.ts";
import type { AppContext } from "../context.ts";
import { AppError } from "../errors.ts";

export interface BookingCustomer {
  readonly customerId: string | null;
  /** E.164. */
  readonly phone: string;
}

/** The phone in E.164 (numbers without a country code are read as Chinese mobiles), or a 400. */
export function requirePhone(phone: string): string {
  const bare = phone.replace(/[\s()-]/g, "");
  if (/^1[3-9]\d{9}$/.test(bare)) return `+86${bare}`;
  if (/^\+[1-9]\d{7,14}$/.test(bare)) return bare;
  throw new AppError(400, "invalid_phone", "Not a valid phone number.", { field: "phone" }, "手机号码无效。");
}

export async function identifyCustomer(
  _tx: Tx,
  _ctx: AppContext,
  input: { phone: string; name: string; email?: string; lang?: string },
): Promise<BookingCustomer> {
  return { customerId: null, phone: requirePhone(input.phone) };
}

/** The one-time code a public booking proves the phone with; a wrong or missing one refuses the booking. */
export async function checkPhoneCode(
  _tx: Tx,
  _ctx: AppContext,
  _phone: string,
  otp: string | undefined,
): Promise<void> {
  if (otp === undefined || !/^\d{6}$/.test(otp))
    throw new AppError(
      400,
      "invalid_otp",
      "Give the 6-digit code sent to your phone.",
      { field: "otp" },
      "请填写发送到您手机的 6 位验证码。",
    );
  throw new AppError(
    400,
    "invalid_otp",
    "That code is wrong or has expired.",
    { field: "otp" },
    "验证码错误或已过期。",
  );
}

/** A message for the outbox, written in the caller's transaction (see store/outbox.ts of the messages capability). */
export interface OutgoingMessage {
  readonly kind: string;
  readonly channel: "sms" | "email";
  readonly recipient: string;
  readonly lang: "zh-CN" | "en";
  readonly data: Readonly<Record<string, unknown>>;
  readonly now: number;
  readonly notBefore?: number;
  readonly quietHours?: { readonly timeZone: string };
  readonly dedupeKey?: string;
  readonly branchId?: string;
  readonly customerId?: string;
  readonly relatedType?: string;
  readonly relatedId?: string;
}

export async function enqueue(_tx: Tx, _msg: OutgoingMessage): Promise<void> {}

export async function cancelPending(
  _tx: Tx,
  _options: { relatedId: string; kinds?: readonly string[]; now: number },
): Promise<void> {}
