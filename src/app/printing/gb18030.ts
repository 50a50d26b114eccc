/**
 * Text → GB18030 bytes, as Chinese receipt printers read it in their Chinese-character mode. Node has a GB18030
 * decoder (WHATWG, from ICU) but no encoder, and the ESC/POS encoder's code pages are single-byte only, so the
 * encoder's table is derived once from the platform decoder: every two-byte sequence (the GBK range, which holds
 * every character a ticket slip uses), decoded and turned round. Nothing is typed in by hand.
 */
let table: Map<string, number> | undefined;

function twoByteTable(): Map<string, number> {
  if (table) return table;
  const decoder = new TextDecoder("gb18030", { fatal: true });
  const map = new Map<string, number>();
  const pair = new Uint8Array(2);
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      pair[0] = lead;
      pair[1] = trail;
      let char: string;
      try {
        char = decoder.decode(pair);
      } catch {
        continue;
      }
      if (char.length === 1 && !map.has(char)) map.set(char, (lead << 8) | trail);
    }
  }
  table = map;
  return map;
}

/** GB18030 bytes of `text`: ASCII as itself, Chinese as two bytes; a character outside GBK prints as "?". */
export function gb18030(text: string): Uint8Array {
  const map = twoByteTable();
  const out: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0x3f;
    if (code < 0x80) out.push(code);
    else {
      const bytes = map.get(char);
      if (bytes === undefined) out.push(0x3f);
      else out.push(bytes >> 8, bytes & 0xff);
    }
  }
  return Uint8Array.from(out);
}
