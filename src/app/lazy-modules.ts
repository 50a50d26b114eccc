/**
 * Heavy libraries loaded on first use instead of at start: exceljs and pdfkit cost about 0.6 s of CPU to import,
 * and most processes (a server start, a kiosk request, most tests) never write a spreadsheet or a PDF.
 */
export const loadExcelJS = async () => (await import("exceljs")).default;
export const loadPdfKit = async () => (await import("pdfkit")).default;
