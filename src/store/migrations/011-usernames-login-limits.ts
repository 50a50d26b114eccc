import { type Kysely, sql } from "kysely";
import type { DialectName } from "../dialect-name.ts";

/**
 * Two things of issue 11 ("Survive outages and attacks"):
 *
 * - Usernames are unique regardless of case (`Admin` and `admin` cannot both exist), by a unique index on
 *   lower(username), so that two concurrent creations (two instances) cannot both pass the application's
 *   check. A database that already holds such pairs keeps the oldest account's name; every later one is
 *   renamed `<name>-<n>` (the first free n from 2), written to the audit trail and to standard error, so the
 *   administrators can tell those users their new names. Nobody loses an account or a password.
 * - `login_limits`: the sign-in failure counts (src/app/auth/login-limits.ts), kept in the database so that
 *   every instance on one PostgreSQL counts the same attempts. A row per key: a username with an address, an
 *   address, a username, or an address where a username signed in (for the exemption from the per-username
 *   limit). Rows are forgotten an hour after their last failure (30 days for known addresses).
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  const users = await sql<{ id: string; username: string; created_at: number }>`
    SELECT id, username, created_at FROM users ORDER BY created_at, id`.execute(db);
  const taken = new Set(users.rows.map((u) => u.username.toLowerCase()));
  const seen = new Set<string>();
  for (const user of users.rows) {
    const lower = user.username.toLowerCase();
    if (!seen.has(lower)) {
      seen.add(lower);
      continue;
    }
    let n = 2;
    while (taken.has(`${lower}-${n}`)) n++;
    const renamed = `${user.username}-${n}`;
    taken.add(renamed.toLowerCase());
    seen.add(renamed.toLowerCase());
    await sql`UPDATE users SET username = ${renamed} WHERE id = ${user.id}`.execute(db);
    await sql`INSERT INTO audit_log (at, actor_type, actor_id, actor_name, action, entity_type, entity_id, branch_id, ip, details)
      VALUES (${Date.now()}, ${"system"}, ${null}, ${null}, ${"user.rename_duplicate"}, ${"user"}, ${user.id}, ${null}, ${null},
        ${JSON.stringify({ from: user.username, to: renamed })})`.execute(db);
    console.error(
      `Datang: username ${user.username} differed only by case from an older user's; renamed to ${renamed}`,
    );
  }
  await sql`CREATE UNIQUE INDEX users_username_lower ON users (lower(username))`.execute(db);

  await db.schema
    .createTable("login_limits")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("failures", "integer", (c) => c.notNull())
    .addColumn("locked_until", "bigint", (c) => c.notNull())
    .addColumn("last_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("login_limits_last_at").on("login_limits").column("last_at").execute();
}
