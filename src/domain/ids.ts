/** Branded identifiers: mixing a ticket id with a counter id is a type error, not a runtime bug. */
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type BranchId = Brand<string, "BranchId">;
export type ServiceId = Brand<string, "ServiceId">;
export type CounterId = Brand<string, "CounterId">;
export type TicketId = Brand<string, "TicketId">;
export type UserId = Brand<string, "UserId">;
export type DeviceId = Brand<string, "DeviceId">;

/** Epoch milliseconds. Domain code never reads a clock: time is always an argument. */
export type EpochMs = number;

export const MINUTE_MS = 60_000;
