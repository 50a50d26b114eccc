import { listBranches, listServices } from "../../store/branches.ts";
import { enqueueMessage } from "../../store/outbox.ts";
import { listBranchContacts, listUnnoticedOverdue, WAIT_ALARM_KIND } from "../../store/wait-alarms.ts";
import type { AppContext } from "../context.ts";

const MINUTE_MS = 60_000;

export interface WaitAlarmNotice {
  readonly branchId: string;
  readonly ticketNumber: string;
  readonly recipients: number;
}

/**
 * Housekeeping: a waiting ticket whose wait has passed its branch's alarm (`alarmWaitMinutes`, counted from
 * issue as the lobby counts it) is told to the branch's managers through the outbox: an e-mail to each active
 * branch manager of that branch with an address, an SMS to each with a mobile number, kept and shown in the
 * Messages admin like every other message. At most one notice per ticket and recipient: the outbox's dedupe key
 * makes a second sweep (or a second instance) a no-op, and tickets already noticed are not read again.
 * Answers what it enqueued.
 */
export async function notifyWaitAlarms(ctx: AppContext): Promise<WaitAlarmNotice[]> {
  const now = ctx.clock();
  const notices: WaitAlarmNotice[] = [];
  for (const branch of await listBranches(ctx.store.db)) {
    const overdue = await listUnnoticedOverdue(ctx.store.db, branch.id, now - branch.alarmWaitMinutes * MINUTE_MS);
    if (overdue.length === 0) continue;
    const managers = (await listBranchContacts(ctx.store.db, branch.id)).filter((c) =>
      c.roles.includes("branch_manager"),
    );
    if (managers.length === 0) continue;
    const services = new Map((await listServices(ctx.store.db, branch.id)).map((s) => [s.id as string, s]));
    for (const ticket of overdue) {
      const service = services.get(ticket.serviceId);
      const data = {
        number: ticket.number,
        branch: { zh: branch.nameZh, en: branch.nameEn },
        service: service ? { zh: service.nameZh, en: service.nameEn } : "",
        waitedMinutes: Math.floor((now - ticket.issuedAt) / MINUTE_MS),
        alarmMinutes: branch.alarmWaitMinutes,
        issuedAt: new Date(ticket.issuedAt).toISOString(),
        timeZone: branch.timezone,
      };
      const recipients = await ctx.store.write(async (tx) => {
        let created = 0;
        for (const manager of managers) {
          const channels = [
            ...(manager.email ? [{ channel: "email" as const, recipient: manager.email }] : []),
            ...(manager.phone ? [{ channel: "sms" as const, recipient: manager.phone }] : []),
          ];
          for (const { channel, recipient } of channels) {
            const result = await enqueueMessage(tx, {
              kind: WAIT_ALARM_KIND,
              channel,
              recipient,
              lang: "zh-CN",
              data,
              now,
              dedupeKey: `${WAIT_ALARM_KIND}:${ticket.id}:${manager.userId}:${channel}`,
              branchId: branch.id,
              relatedType: "ticket",
              relatedId: ticket.id,
            });
            if (result.created) created++;
          }
        }
        return created;
      });
      if (recipients > 0) notices.push({ branchId: branch.id, ticketNumber: ticket.number, recipients });
    }
  }
  return notices;
}
