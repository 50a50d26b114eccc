/** JSON columns are text in both databases; a value that does not parse is treated as absent rather than crashing a read. */
export function parseJson<T>(text: string | null, fallback: T): T {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
