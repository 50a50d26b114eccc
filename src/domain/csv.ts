/**
 * One field of a CSV file that people open in a spreadsheet (the regulator's complaints export, the analytics
 * summary, the audit trail).
 *
 *   csvField(value, { quote?: "always" }) → the field's text
 *
 * RFC 4180: quoted when it holds a quote, a comma or a line break (or always, with `quote: "always"`), quotes
 * doubled. Text a spreadsheet would read as a formula — starting with =, +, -, @, a tab or a carriage return
 * (Excel and LibreOffice skip a leading tab or CR and then read the = that follows) — gets a leading apostrophe,
 * which makes it text (OWASP's advice on CSV injection); the apostrophe shows that the field was changed. A number
 * is written as it is: a negative number is a number, not a formula. null and undefined are an empty field.
 */
// Also text that already starts with apostrophes before such a character: it gets one more, so that reading a
// field back (`fromCsvText`) takes exactly one off and every text survives the round trip.
const FORMULA_START = /^'*[=+\-@\t\r]/;

/** Text that no spreadsheet reads as a formula: one that starts like one gets a leading apostrophe. */
export function notAFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** A field of a file Datang wrote, read back (an import of its own export): the apostrophe `notAFormula` added goes. */
export function fromCsvText(text: string): string {
  return text.startsWith("'") && FORMULA_START.test(text) ? text.slice(1) : text;
}

export function csvField(value: unknown, options?: { readonly quote?: "always" }): string {
  const text =
    value === null || value === undefined
      ? ""
      : typeof value === "number" || typeof value === "bigint"
        ? String(value)
        : notAFormula(String(value));
  return options?.quote === "always" || /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
