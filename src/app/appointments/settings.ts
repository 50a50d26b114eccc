import { type FormField, formProblems } from "../../domain/appointments/forms.ts";
import { type BookingRules, ruleFieldProblems, withDefaults } from "../../domain/appointments/rules.ts";
import type { BranchId } from "../../domain/ids.ts";
import { formOf, rulesOf } from "../../store/appointments.ts";
import { findService } from "../../store/branches.ts";
import { BRANCH_READERS, CONFIG_ROLES, requireBranchAccess } from "../access.ts";
import type { Actor } from "../actor.ts";
import type { AppContext } from "../context.ts";
import { invalid, notFound } from "../errors.ts";
import { audit } from "../record.ts";
import { setupChanged } from "./slot-state.ts";

async function serviceFor(ctx: AppContext, actor: Actor, serviceId: string, write: boolean) {
  const service = await findService(ctx.store.db, serviceId);
  if (!service) throw notFound("Business type", serviceId);
  requireBranchAccess(actor, service.branchId as BranchId, write ? CONFIG_ROLES : BRANCH_READERS);
  return service;
}

export async function getBookingRules(ctx: AppContext, actor: Actor, serviceId: string): Promise<BookingRules> {
  await serviceFor(ctx, actor, serviceId, false);
  return withDefaults(await rulesOf(ctx.store.db, serviceId));
}

/** A branch manager sets a business type's booking rules; fields left out keep their current values. */
export async function setBookingRules(
  ctx: AppContext,
  actor: Actor,
  serviceId: string,
  patch: Partial<BookingRules>,
): Promise<BookingRules> {
  const service = await serviceFor(ctx, actor, serviceId, true);
  const rules = { ...withDefaults(await rulesOf(ctx.store.db, serviceId)), ...patch };
  const wrong = ruleFieldProblems(rules);
  if (wrong.length > 0) {
    const problems = wrong.map((p) => p.en);
    // `fields`: each wrong field with its text in both languages, which the admin page puts next to the field.
    throw invalid(
      `Booking rules: ${problems.join("; ")}`,
      { problems, fields: wrong },
      `预约规则有误：${wrong.map((p) => p.zh).join("；")}`,
    );
  }
  const now = ctx.clock();
  await ctx.store.write(async (tx, afterCommit) => {
    await setupChanged(tx, afterCommit, ctx, service.branchId, serviceId);
    await tx
      .insertInto("booking_rules")
      .values({ service_id: serviceId, rules: JSON.stringify(rules), updated_at: now })
      .onConflict((oc) => oc.column("service_id").doUpdateSet({ rules: JSON.stringify(rules), updated_at: now }))
      .execute();
    await audit(
      tx,
      actor,
      now,
      "booking_rules.set",
      { type: "service", id: serviceId, branchId: service.branchId },
      patch,
    );
  });
  return rules;
}

export async function getBookingForm(ctx: AppContext, actor: Actor, serviceId: string): Promise<FormField[]> {
  await serviceFor(ctx, actor, serviceId, false);
  return formOf(ctx.store.db, serviceId);
}

export async function setBookingForm(
  ctx: AppContext,
  actor: Actor,
  serviceId: string,
  fields: FormField[],
): Promise<FormField[]> {
  const service = await serviceFor(ctx, actor, serviceId, true);
  const problems = formProblems(fields);
  if (problems.length > 0) throw invalid(problems.join("; "), { problems }, `表单定义有误：${problems.join("；")}`);
  const now = ctx.clock();
  const text = JSON.stringify(fields);
  await ctx.store.write(async (tx, afterCommit) => {
    await setupChanged(tx, afterCommit, ctx, service.branchId, serviceId);
    await tx
      .insertInto("booking_forms")
      .values({ service_id: serviceId, fields: text, updated_at: now })
      .onConflict((oc) => oc.column("service_id").doUpdateSet({ fields: text, updated_at: now }))
      .execute();
    await audit(
      tx,
      actor,
      now,
      "booking_form.set",
      { type: "service", id: serviceId, branchId: service.branchId },
      {
        fields: fields.length,
      },
    );
  });
  return fields;
}
