import { ApiError, api } from "../api/client.ts";
import type { Device, Me, Role, User } from "../api/types.ts";

/** Reads `?pair=<token>` once, trades it for the device cookie, and removes the token from the address bar. */
export async function pairFromUrl(): Promise<void> {
  const url = new URL(window.location.href);
  const token = url.searchParams.get("pair");
  if (token === null) return;
  await api.post("/api/devices/pair", { token });
  url.searchParams.delete("pair");
  window.history.replaceState(null, "", `${url.pathname}${url.search}${url.hash}`);
}

export async function fetchMe(): Promise<Me | null> {
  try {
    return await api.get<Me>("/api/auth/me");
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) return null;
    throw error;
  }
}

/** The device this browser is paired as, after consuming a pairing link if present. */
export async function loadDevice(): Promise<Device | null> {
  await pairFromUrl();
  const me = await fetchMe();
  return me?.device ?? null;
}

export function rolesOf(user: User | null | undefined): readonly Role[] {
  return user?.roles ?? [];
}

export function hasRole(user: User | null | undefined, ...wanted: readonly Role[]): boolean {
  const roles = rolesOf(user);
  return roles.includes("admin") || wanted.some((r) => roles.includes(r));
}

export async function logout(): Promise<void> {
  try {
    await api.post("/api/auth/logout");
  } finally {
    window.location.assign("/login");
  }
}
