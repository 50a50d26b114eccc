import ReceiptPrinterEncoder from "@point-of-sale/receipt-printer-encoder";
import { gb18030 } from "./gb18030.ts";

/** What a kiosk's ticket slip says, in both languages (the branch serves both). */
export interface TicketSlip {
  readonly branchNameZh: string;
  readonly branchNameEn: string;
  readonly number: string;
  readonly serviceNameZh: string;
  readonly serviceNameEn: string;
  /** People of the business type ahead. */
  readonly ahead: number;
  /** Minutes, or null when no counter serving the type is open (the slip then says so, no number). */
  readonly estimatedWaitMinutes: number | null;
  /** The live page `/t/:id`, as the QR code. */
  readonly liveUrl: string;
  /** Local "YYYY-MM-DD HH:MM". */
  readonly issuedAt: string;
}

/**
 * ESC/POS commands the encoder has no word for, named here: FS & turns on the Chinese-character mode in which
 * Chinese printers read two-byte GB18030 (the encoder's initialise sends FS . , which turns it off), and ESC a
 * aligns raw text (the encoder aligns only the text it encodes itself).
 */
const CHINESE_MODE_ON = [0x1c, 0x26];
const ALIGN_CENTER = [0x1b, 0x61, 0x01];
const NEWLINE = [0x0a];

/** The slip as ESC/POS bytes: initialise, Chinese mode, the slip's lines in GB18030, the live page's QR code, a cut. */
export function encodeTicketSlip(slip: TicketSlip): Uint8Array {
  const line = (text: string) => [...gb18030(text), ...NEWLINE];
  const wait =
    slip.estimatedWaitMinutes === null
      ? "暂无窗口开放 No counter open"
      : `预计等候 ${slip.estimatedWaitMinutes} 分钟 / about ${slip.estimatedWaitMinutes} min`;
  const encoder = new ReceiptPrinterEncoder({ language: "esc-pos", columns: 48, feedBeforeCut: 4 });
  encoder
    .initialize()
    .raw(CHINESE_MODE_ON)
    .raw(ALIGN_CENTER)
    .raw(line(slip.branchNameZh))
    .raw(line(slip.branchNameEn))
    .raw(NEWLINE)
    .size(3, 3)
    .raw(line(slip.number))
    .size(1, 1)
    .raw(line(`${slip.serviceNameZh} ${slip.serviceNameEn}`))
    .raw(line(`前面还有 ${slip.ahead} 人 / ${slip.ahead} ahead`))
    .raw(line(wait))
    .qrcode(slip.liveUrl, { model: 2, size: 6, errorlevel: "m" })
    .raw(line("扫码查看排队进度 Scan to follow your place"))
    .raw(line(slip.issuedAt))
    .raw(line("过号请重新取号 A missed call needs a new ticket"))
    .cut();
  return encoder.encode();
}
