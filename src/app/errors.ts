/** The one error type every use case throws; the HTTP layer turns it into `{error, message, details?}`. */
export class AppError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const invalid = (message: string, details?: unknown) => new AppError(400, "invalid_request", message, details);
export const unauthorized = (message = "Sign in first.") => new AppError(401, "unauthorized", message);
export const forbidden = (message = "Your role or branch does not allow this.") =>
  new AppError(403, "forbidden", message);
export const notFound = (what: string, id: string) => new AppError(404, "not_found", `${what} ${id} does not exist.`);
export const conflict = (message: string, details?: unknown) => new AppError(409, "conflict", message, details);
