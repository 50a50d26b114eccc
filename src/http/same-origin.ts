import type { FastifyRequest } from "fastify";
import { AppError } from "../app/errors.ts";

const UNSAFE = new Set(["POST", "PATCH", "PUT", "DELETE"]);

/**
 * Same-site forgery: a page on another port of the same host (or any other site) can make a signed-in browser
 * send a POST with its cookies. A state-changing request authenticated by a cookie is therefore accepted only
 * when the browser says it came from Datang's own pages:
 * - `Sec-Fetch-Site: same-origin`, or
 * - an `Origin` with the same host and port as the request's `Host` (how the browser reached this server), or
 *   the origin of `DATANG_PUBLIC_URL` when set (a proxy that rewrites `Host`).
 * A request with neither header is not from a browser (every current browser sends `Origin` on a cross-site
 * POST and `Sec-Fetch-Site` on every request): curl or a script holding the cookie is let through, since it
 * could set either header anyway. Bearer-token devices are not concerned (no browser attaches a bearer token
 * on its own).
 */
export function checkSameOrigin(req: FastifyRequest, publicOrigin: string | undefined): void {
  if (!UNSAFE.has(req.method)) return;
  const fetchSite = header(req, "sec-fetch-site");
  if (fetchSite === "same-origin") return;
  const origin = header(req, "origin");
  if (origin === undefined && fetchSite === undefined) return;
  if (origin !== undefined && isOwnOrigin(origin, header(req, "host"), publicOrigin)) return;
  throw new AppError(
    403,
    "cross_origin",
    "This request did not come from Datang's own pages (Origin or Sec-Fetch-Site); it was refused.",
    { origin: origin ?? null, secFetchSite: fetchSite ?? null },
    "此请求并非来自本系统的页面（Origin 或 Sec-Fetch-Site 不符），已拒绝。",
  );
}

function header(req: FastifyRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function isOwnOrigin(origin: string, host: string | undefined, publicOrigin: string | undefined): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // "null" (a sandboxed frame, a file) or garbage
  }
  if (publicOrigin !== undefined && url.origin === publicOrigin) return true;
  if (!host) return false;
  try {
    // The Host read with the Origin's scheme, so that default ports compare equal ("x" and "x:443" over https).
    return new URL(`${url.protocol}//${host}`).host === url.host;
  } catch {
    return false;
  }
}

/** The origin of DATANG_PUBLIC_URL, or undefined when unset or not a URL. */
export function originOf(publicUrl: string | undefined): string | undefined {
  if (!publicUrl) return undefined;
  try {
    return new URL(publicUrl).origin;
  } catch {
    return undefined;
  }
}
