import { describe, expect, it } from "vitest";
import { parsedRecords, readCsvRecords } from "./read-csv.ts";

const HEADER = "branch_code,service_code,number,issued_at,outcome,rating";

/** Quote-free files of every shape the fast path takes: it must answer exactly what csv-parse answers. */
const SAME = [
  `${HEADER}\nSH001,CASH,A001,2026-11-16T09:00:00+08:00,served,3\n`,
  `${HEADER}\r\nSH001,CASH,A001,2026-11-16T09:00:00+08:00,served,3\r\n\r\nSH001,CASH,A002,x,served,\r\n`,
  `\uFEFF${HEADER}\nSH001,CASH,A001,t,served,3`,
  // Empty lines before the header and between records are skipped but counted.
  `\n\n${HEADER}\n\nSH001,CASH,A001,t,served,3\n\n\nSH001,CASH,A002,t,served,\n`,
  // Fewer fields, more fields, a blank-looking line, spaces kept inside fields, spaces around header names.
  `a, b ,c\n1,2,3\n4,5\n6,7,8,9\n  \n 10 ,11,12\n,,\n`,
  // Two equal header names: the later wins.
  "a,a,b\n1,2,3\n",
  "",
  `${HEADER}\n`,
  `${HEADER}`,
  "one\nx\ny\n",
];

describe("reading the importer's CSV", () => {
  it.each(SAME.map((csv, i) => [i, csv] as const))("answers as csv-parse does (case %i)", (_i, csv) => {
    expect(readCsvRecords(csv)).toEqual(parsedRecords(csv));
  });

  it("answers as csv-parse does over generated quote-free files", () => {
    let seed = 11;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)] as T;
    for (let n = 0; n < 200; n++) {
      const eol = pick(["\n", "\r\n"]);
      const lines: string[] = [];
      const lineCount = Math.floor(rand() * 8);
      for (let l = 0; l < lineCount; l++) {
        const fields = Math.floor(rand() * 5);
        lines.push(Array.from({ length: fields }, () => pick(["", "a", " b ", "c d", "1", "é字"])).join(","));
      }
      const csv = (rand() < 0.2 ? "\uFEFF" : "") + lines.join(eol) + (rand() < 0.5 ? eol : "");
      expect(readCsvRecords(csv), JSON.stringify(csv)).toEqual(parsedRecords(csv));
    }
  });

  it("leaves quotes and mixed line endings to csv-parse, and its errors with their line", () => {
    const quoted = `${HEADER}\nSH001,"CASH",A001,t,served,"3"\n`;
    expect(readCsvRecords(quoted)[0]?.record.service_code).toBe("CASH");
    const mixed = "a,b\n1,2\r\n3,4\n";
    expect(readCsvRecords(mixed)).toEqual(parsedRecords(mixed));
    expect(readCsvRecords(mixed)[0]?.record.b).toBe("2\r");
    expect(() => readCsvRecords(`${HEADER}\nSH001,"CASH,A001\n`)).toThrow();
    try {
      readCsvRecords(`${HEADER}\nSH001,CASH,A001,t,served,3\nSH001,CA"SH,A002,t,served,3\n`);
      expect.unreachable();
    } catch (error) {
      expect((error as { lines?: number }).lines).toBe(3);
    }
  });
});
