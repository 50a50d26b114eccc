/**
 * Table shapes as Kysely sees them. Times are epoch milliseconds (bigint in PostgreSQL, integer in SQLite);
 * JSON values are stored as text in both databases so that both behave identically.
 */
import type { ColumnType, Generated } from "kysely";
import type { CounterKind, CounterState } from "../domain/counter.ts";
import type { PriorityClass, Rating, TicketStatus } from "../domain/ticket.ts";

export interface BranchTable {
  id: string;
  code: string;
  name_zh: string;
  name_en: string;
  timezone: string;
  opening_hours: string;
  target_wait_minutes: number;
  alarm_wait_minutes: number;
  max_recalls: number;
  dispatch_policy: string;
  /** Last event sequence number handed out in this branch; the event stream's ids. */
  event_seq: number;
  created_at: number;
  /** Migration 006: a called customer not come after this long is marked no-show (0: never). */
  no_show_after_seconds: Generated<number>;
  /** Migration 006: the least time between two calls of one ticket. */
  min_recall_gap_seconds: Generated<number>;
  /** Migration 016: minutes a back-office review should wait at most, and after which the lobby is warned. */
  review_target_minutes: Generated<number>;
  review_alarm_minutes: Generated<number>;
}

export interface ServiceTable {
  id: string;
  branch_id: string;
  code: string;
  name_zh: string;
  name_en: string;
  description_zh: string;
  description_en: string;
  category: string;
  expected_minutes: number;
  prefix: string;
  needs_review: number;
  required_documents: string;
  sort_order: number;
  active: number;
  created_at: number;
  /** Opening rules (migration 005): "HH:MM" branch-local, or null for no rule. */
  opens_at: string | null;
  closes_at: string | null;
  ticket_cutoff: string | null;
  daily_cap: number | null;
}

export interface CounterTable {
  id: string;
  branch_id: string;
  number: number;
  name: string;
  kind: CounterKind;
  state: CounterState;
  skills: string;
  dispatch_policy: string | null;
  signed_in_user_id: string | null;
  current_ticket_id: string | null;
  last_ticket_id: string | null;
  pause_reason: string | null;
  created_at: number;
}

export interface UserTable {
  id: string;
  username: string;
  display_name: string;
  staff_no: string;
  password_hash: string;
  roles: string;
  active: number;
  failed_logins: number;
  locked_until: number;
  created_at: number;
  /** Migration 013: the staff member's own contact for notices (null: none). */
  email: ColumnType<string | null, string | null | undefined, string | null>;
  phone: ColumnType<string | null, string | null | undefined, string | null>;
  /** Migration 032: the language of this member of staff's notices ("zh-CN" | "en"; null: the branch's). */
  lang: ColumnType<string | null, string | null | undefined, string | null>;
}

/** Sign-in failure counts shared by every instance (migration 011, src/app/auth/login-limits.ts). */
export interface LoginLimitTable {
  key: string;
  failures: number;
  locked_until: number;
  last_at: number;
}

export interface MembershipTable {
  user_id: string;
  branch_id: string;
}

export interface SessionTable {
  id: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  ip: string;
}

export interface DeviceTable {
  id: string;
  branch_id: string;
  kind: string;
  name: string;
  counter_id: string | null;
  token_hash: string;
  revoked_at: number | null;
  created_at: number;
  /** A kiosk's network receipt printer, `tcp://host:port` (migration 005). */
  printer_url: string | null;
  /** Its last known state (ok, paper_low, paper_out, offline, unreachable) and when it was learned. */
  printer_state: string | null;
  printer_checked_at: number | null;
  /** The device's last heartbeat and the web app version it runs. */
  last_seen_at: number | null;
  page_version: string | null;
  /** A kiosk's own auto-return seconds, overriding the branch's display settings; null: the branch's (migration 022). */
  kiosk_return_seconds: number | null;
}

export interface TicketTable {
  id: string;
  branch_id: string;
  service_id: string;
  day: string;
  seq: number;
  number: string;
  priority: PriorityClass;
  status: TicketStatus;
  channel: string;
  counter_id: string | null;
  target_counter_id: string | null;
  issued_at: number;
  queued_at: number;
  /** The latest call (a recall moves it). */
  called_at: number | null;
  /** The first call: where the customer's wait ended (migration 002). */
  first_called_at: number | null;
  started_at: number | null;
  completed_at: number | null;
  recall_count: number;
  appointment_at: number | null;
  outcome: string | null;
  notes: string | null;
  redirect_reason: string | null;
  rating: Rating | null;
  rating_comment: string | null;
  served_by: string | null;
  estimated_wait_minutes: number;
  idempotency_key: string | null;
  /** Incremented by every change: a write based on an older read changes nothing (optimistic concurrency). */
  version: number;
  updated_at: number;
}

export interface TicketTransitionTable {
  id: Generated<number>;
  ticket_id: string;
  branch_id: string;
  action: string;
  from_status: string | null;
  to_status: string;
  at: number;
  actor_type: string;
  actor_id: string | null;
  data: string | null;
}

export interface QueueDayTable {
  branch_id: string;
  prefix: string;
  day: string;
  last_seq: number;
}

export interface EventTable {
  branch_id: string;
  seq: number;
  type: string;
  at: number;
  payload: string;
}

export interface AuditTable {
  id: Generated<number>;
  at: number;
  actor_type: string;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  entity_type: string | null;
  entity_id: string | null;
  branch_id: string | null;
  ip: string | null;
  details: string | null;
}

export interface Database {
  branches: BranchTable;
  services: ServiceTable;
  counters: CounterTable;
  users: UserTable;
  login_limits: LoginLimitTable;
  memberships: MembershipTable;
  sessions: SessionTable;
  devices: DeviceTable;
  tickets: TicketTable;
  ticket_transitions: TicketTransitionTable;
  queue_days: QueueDayTable;
  events: EventTable;
  audit_log: AuditTable;
  customers: CustomerTable;
  customer_consents: CustomerConsentTable;
  otp_codes: OtpCodeTable;
  outbox: OutboxTable;
  webhook_subscriptions: WebhookSubscriptionTable;
  webhook_deliveries: WebhookDeliveryTable;
  webhook_cursors: WebhookCursorTable;
  analytics_cells: AnalyticsCellTable;
  analytics_rollups: AnalyticsRollupTable;
  analytics_month_rollups: AnalyticsMonthRollupTable;
  analytics_counter_hours: AnalyticsCounterHourTable;
  analytics_counter_totals: AnalyticsCounterTotalTable;
  imported_tickets: ImportedTicketTable;
  storage_probe: StorageProbeTable;
  appointments: AppointmentTable;
  appointment_slots: AppointmentSlotTable;
  slot_holds: SlotHoldTable;
  appointment_waitlist: WaitlistTable;
  staff_contacts: StaffContactTable;
  ticket_alerts: TicketAlertTable;
  booking_rules: BookingRulesTable;
  booking_forms: BookingFormTable;
  branch_closures: BranchClosureTable;
  ticket_answers: TicketAnswersTable;
  knowledge_articles: KnowledgeArticleTable;
  knowledge_versions: KnowledgeVersionTable;
  knowledge_synonyms: KnowledgeSynonymTable;
  knowledge_revision: KnowledgeRevisionTable;
  chat_conversations: ChatConversationTable;
  chat_messages: ChatMessageTable;
  chat_agents: ChatAgentTable;
  chat_canned_answers: ChatCannedAnswerTable;
  chat_callbacks: ChatCallbackTable;
  reviews: ReviewTable;
  complaints: ComplaintTable;
  complaint_notes: ComplaintNoteTable;
  surveys: SurveyTable;
  branch_feedback_settings: BranchFeedbackSettingsTable;
  display_settings: DisplaySettingsTable;
  voice_clips: VoiceClipTable;
  display_notices: DisplayNoticeTable;
  ticket_customers: TicketCustomerTable;
  service_records: ServiceRecordTable;
  service_reports: ServiceReportTable;
  customer_merges: CustomerMergeTable;
  /** Migration 040: pairs of records staff said are not one person (the duplicate finder skips them). */
  customer_duplicate_dismissals: CustomerDuplicateDismissalTable;
  retention_settings: RetentionSettingTable;
  retention_runs: RetentionRunTable;
  /** Migrations 044, 052: jobs that run on one instance at a time (retention, the analytics tally; store/leases.ts). */
  job_schedule: JobScheduleTable;
  // Migration 026 (issue 15): threshold alerts and scheduled reports.
  analytics_alert_rules: AnalyticsAlertRuleTable;
  analytics_alerts: AnalyticsAlertTable;
  report_subscriptions: ReportSubscriptionTable;
  followup_rules: FollowupRuleTable;
  followup_policy: FollowupPolicyTable;
  customer_managers: CustomerManagerTable;
  followups: FollowupTable;
  // Migration 038 (issue 15): branch-days whose tallies the job runner rebuilds in the background.
  analytics_rebuild_queue: AnalyticsRebuildQueueTable;
  // Migration 045 (issue 15): branch-days marked for the tally job (its lease: `job_schedule`, migration 052).
  analytics_marks: AnalyticsMarkTable;
  // Migration 039 (issue 13): a branch's reminder times and quiet hours.
  branch_message_settings: BranchMessageSettingsTable;
}

/**
 * A change to what a branch-day's tallies count, appended by a trigger in the changing transaction (migration
 * 045); the tally job re-tallies the marked days and deletes the marks it read (src/app/analytics/tally-marks.ts).
 * `day` is the branch-local day; where null, the day of `at` in the branch's time zone.
 */
export interface AnalyticsMarkTable {
  id: Generated<number>;
  branch_id: string;
  day: string | null;
  at: number | null;
}

/**
 * A branch's appointment reminder times and quiet hours (migration 039); a branch without a row has the
 * defaults (reminders 24 h and 2 h before, quiet 21:00–08:00 branch time).
 */
export interface BranchMessageSettingsTable {
  branch_id: string;
  /** JSON array of whole minutes before the appointment, largest first: "[1440,120]". */
  reminder_offsets: string;
  /** "HH:MM" in the branch's time zone: quiet from `quiet_start` (inclusive) to `quiet_end`. */
  quiet_start: string;
  quiet_end: string;
  updated_at: number;
  updated_by: string | null;
}

/**
 * A branch-day whose analytics tallies are to be rebuilt from its raw records (migration 038: the days tallied
 * before migration 033 added the NPS, complaint, review and appointment figures). A job claims a few at a time
 * with a lease, rebuilds them, and deletes them (src/app/analytics/rebuild-queue.ts).
 */
export interface AnalyticsRebuildQueueTable {
  branch_id: string;
  day: string;
  queued_at: number;
  lease_owner: string | null;
  lease_until: number | null;
}

// Migration 007: customers, one-time codes, the outbox and webhooks.

export interface CustomerTable {
  id: string;
  /** E.164 (+8613812345678): unique, one customer per phone. */
  phone_e164: string;
  name: string;
  email: string | null;
  /** "zh-CN" | "en". */
  lang: string;
  /** "sms" | "email". */
  preferred_channel: string;
  created_at: number;
  updated_at: number;
  /** Migration 018: the customer code (客户号), unique; null only before the migration backfilled it. */
  code: string | null;
  /** National digits reversed, for a search by the last digits. */
  phone_rev: Generated<string>;
  id_number: string | null;
  /** YYYY-MM-DD. */
  birth_date: string | null;
  /** JSON array of segment codes set by staff ("elderly", "small_business", "vip"). */
  segments: Generated<string>;
  vip_tier: string | null;
  /** Preferred counter number, as text. */
  pref_counter: string | null;
  notes: Generated<string>;
  anonymised_at: number | null;
  merged_into: string | null;
}

export interface CustomerConsentTable {
  id: Generated<number>;
  customer_id: string;
  /** "service" | "marketing". */
  purpose: string;
  /** 1 granted, 0 withdrawn; the latest row per purpose is the customer's current choice. */
  granted: number;
  /** Where it was given: "web", "kiosk", "staff", "phone", "counter", "chat". */
  channel: string;
  /** Version of the text the customer agreed to. */
  text_version: string;
  at: number;
  /** The ways of reaching the customer it is about: comma-separated "sms", "email", "call" (migration 047). */
  covers: Generated<string>;
}

export interface OtpCodeTable {
  id: string;
  phone_e164: string;
  salt: string;
  /** sha256(salt + code): the code itself is kept only in the outbox until the SMS is sent. */
  code_hash: string;
  ip_hash: string;
  created_at: number;
  expires_at: number;
  /** Wrong codes entered. */
  tries: number;
  /** When the right code was entered (checkOtp); verifyOtp consumes only a checked code. */
  checked_at: number | null;
  consumed_at: number | null;
}

export interface OutboxTable {
  id: string;
  kind: string;
  /** "sms" | "email". */
  channel: string;
  recipient: string;
  lang: string;
  /** The template's data (JSON); the text is rendered from the language's catalogue when sent. */
  data: string;
  /** pending | sending | sent | failed (will retry) | dead | undeliverable | cancelled */
  status: string;
  attempts: number;
  next_attempt_at: number;
  lease_owner: string | null;
  lease_until: number | null;
  last_error: string | null;
  dedupe_key: string | null;
  branch_id: string | null;
  customer_id: string | null;
  related_type: string | null;
  related_id: string | null;
  created_at: number;
  updated_at: number;
  sent_at: number | null;
}

export interface WebhookSubscriptionTable {
  id: string;
  url: string;
  /** Standard Webhooks secret ("whsec_…"), shown once when created. */
  secret: string;
  /** JSON array of event types; "*" matches all, "ticket.*" a family. */
  event_types: string;
  /** Null: every branch. */
  branch_id: string | null;
  allow_personal_data: number;
  active: number;
  description: string;
  created_at: number;
}

export interface WebhookDeliveryTable {
  id: string;
  subscription_id: string;
  event_type: string;
  branch_id: string | null;
  /** The signed body, exactly as sent (personal data already removed unless the subscription allows it). */
  payload: string;
  /** pending | sending | sent | failed | dead */
  status: string;
  attempts: number;
  next_attempt_at: number;
  lease_owner: string | null;
  lease_until: number | null;
  last_error: string | null;
  last_status_code: number | null;
  created_at: number;
  updated_at: number;
  delivered_at: number | null;
}

export interface WebhookCursorTable {
  branch_id: string;
  last_seq: number;
}

/** A ticket brought from the bank's old queue system (migration 010), with what of it has no match here. */
export interface ImportedTicketTable {
  ticket_id: string;
  /** The old system's counter number where no counter of ours has it. */
  counter_label: string | null;
  /** The old system's teller username where no user of ours has it. */
  staff_label: string | null;
  imported_at: number;
}

export interface AnalyticsCellTable extends AnalyticsTallyColumns {
  branch_id: string;
  day: string;
  hour: number;
  service_id: string;
  counter_key: string;
  staff_key: string;
}

/** The counts and sums of a tally, as the three analytics tables keep them (src/store/tally-row.ts). */
export interface AnalyticsTallyColumns {
  arrived: number;
  served: number;
  no_shows: number;
  walk_aways: number;
  redirected: number;
  called: number;
  wait_sum_ms: number;
  wait_max_ms: number;
  within_target: number;
  above_alarm: number;
  wait_bins: string;
  timed: number;
  service_sum_ms: number;
  rated: number;
  satisfied: number;
  neutral: number;
  dissatisfied: number;
  // Issue 15, second part (migration 033): patience, NPS, complaints, reviews and appointments.
  left_count: number;
  left_wait_sum_ms: number;
  nps_promoters: number;
  nps_passives: number;
  nps_detractors: number;
  complaints: number;
  reviews_taken: number;
  review_wait_sum_ms: number;
  reviews_decided: number;
  review_sum_ms: number;
  appts_booked: number;
  appts_cancelled: number;
  appts_no_show: number;
  appts_checked_in: number;
  appts_on_time: number;
  appts_lead_sum_ms: number;
}

/** The cells of one branch-day merged along one dimension (migration 020, src/domain/analytics/rollup.ts). */
export interface AnalyticsRollupTable
  extends Omit<AnalyticsCellTable, "hour" | "service_id" | "counter_key" | "staff_key"> {
  /** "day", "hour", "service", "counter" or "staff". */
  grain: string;
  /** "" for the day, else the hour, business type id, counter key or staff key. */
  key: string;
}

/** The day rollups of one branch-month merged per grain and key (migration 027, src/store/month-rollups.ts). */
export interface AnalyticsMonthRollupTable extends Omit<AnalyticsRollupTable, "day"> {
  /** "2026-11". */
  month: string;
}

/** Counter time of one branch-day, hour and counter (migration 020, src/domain/analytics/counter-time.ts). */
export interface AnalyticsCounterHourTable {
  branch_id: string;
  day: string;
  hour: number;
  counter_id: string;
  open_ms: number;
  paused_ms: number;
  busy_ms: number;
}

/** Counter time of one branch-day summed over its counters, per hour, and (hour −1) for the day (migration 046). */
export interface AnalyticsCounterTotalTable {
  branch_id: string;
  day: string;
  hour: number;
  open_ms: number;
  paused_ms: number;
  busy_ms: number;
}

/** One row, rewritten to test whether the disk takes writes again (see migration 004). */
export interface StorageProbeTable {
  id: number;
  at: number;
}

/** Appointments (migration 008). */
export interface AppointmentTable {
  id: string;
  branch_id: string;
  service_id: string;
  customer_id: string | null;
  customer_name: string;
  /** E.164. */
  customer_phone: string;
  customer_email: string | null;
  lang: string;
  /** Branch-local day of the start, YYYY-MM-DD. */
  day: string;
  start_at: number;
  end_at: number;
  status: "booked" | "cancelled" | "checked_in" | "no_show" | "completed";
  code: string;
  manage_token_hash: string;
  answers: string;
  channel: "online" | "staff";
  created_by: string | null;
  manager_user_id: string | null;
  ticket_id: string | null;
  cancel_reason: string | null;
  checked_in_at: number | null;
  version: number;
  created_at: number;
  updated_at: number;
}

export interface AppointmentSlotTable {
  branch_id: string;
  service_id: string;
  start_at: number;
  version: number;
}

export interface SlotHoldTable {
  id: string;
  branch_id: string;
  service_id: string;
  start_at: number;
  expires_at: number;
  created_at: number;
  /** Migration 015: the client address's hash (holds are limited per address); null for staff holds. */
  ip_hash: string | null;
}

export interface WaitlistTable {
  id: string;
  branch_id: string;
  service_id: string;
  day: string;
  customer_id: string | null;
  customer_name: string;
  customer_phone: string;
  lang: string;
  status: "waiting" | "offered" | "booked" | "left";
  joined_at: number;
  offered_at: number | null;
  /** Migration 015. */
  customer_email: string | null;
  /** The slot starts the customer wants, [from_at, to_at); null for the whole day. */
  from_at: number | null;
  to_at: number | null;
  offer_token_hash: string | null;
  offer_start: number | null;
  offer_hold_id: string | null;
  offer_expires_at: number | null;
}

/** Migration 015: how a member of staff is reached (a customer manager told of an arrival). */
export interface StaffContactTable {
  user_id: string;
  phone: string | null;
  email: string | null;
  updated_at: number;
  /** Migration 037: the channels they want staff notices on (1 = wanted). */
  notify_email: Generated<number>;
  notify_sms: Generated<number>;
}

/** Migration 015: "your turn is near" for a live ticket, sent once when `ahead` people are left before it. */
export interface TicketAlertTable {
  ticket_id: string;
  branch_id: string;
  channel: "sms" | "email";
  recipient: string;
  lang: string;
  ahead: number;
  status: "waiting" | "sent" | "cancelled";
  created_at: number;
  sent_at: number | null;
}

export interface BookingRulesTable {
  service_id: string;
  rules: string;
  updated_at: number;
}

export interface BookingFormTable {
  service_id: string;
  fields: string;
  updated_at: number;
}

export interface BranchClosureTable {
  branch_id: string;
  day: string;
  hours: string | null;
  reason: string;
}

export interface TicketAnswersTable {
  ticket_id: string;
  appointment_id: string | null;
  answers: string;
  updated_by: string | null;
  updated_at: number;
}

/** A knowledge-base article (migration 009). `questions` and `keywords` are JSON arrays of strings. */
export interface KnowledgeArticleTable {
  id: string;
  title_zh: string;
  title_en: string;
  body_zh: string;
  body_en: string;
  questions: string;
  keywords: string;
  category: string;
  status: string;
  version: number;
  created_at: number;
  updated_at: number;
  updated_by: string | null;
}

/** One version of an article: who changed what, and the article as it was after the change. */
export interface KnowledgeVersionTable {
  id: Generated<number>;
  article_id: string;
  version: number;
  action: string;
  at: number;
  actor_id: string | null;
  actor_name: string | null;
  changed: string;
  snapshot: string;
}

/** A group of terms that mean the same (JSON array of strings, either language). */
export interface KnowledgeSynonymTable {
  id: string;
  terms: string;
  updated_at: number;
}

/** One row (id 1): bumped by every change of the knowledge base, so each instance knows its index is stale. */
export interface KnowledgeRevisionTable {
  id: number;
  revision: number;
}

export interface ChatConversationTable {
  id: string;
  token_hash: string;
  status: string;
  language: string;
  misses: number;
  skill: string | null;
  handover_at: number | null;
  last_seq: number;
  created_at: number;
  updated_at: number;
  /** Migration 021: the agent it is assigned to, and the figures of its handling. */
  agent_id: string | null;
  assigned_at: number | null;
  first_response_at: number | null;
  closed_at: number | null;
  closed_by: string | null;
  csat: number | null;
  vip: number;
  answered_by_bot: number;
  /** Migration 029: guided self-service in progress (JSON), the bot's last ticket, the identified customer. */
  flow: string | null;
  ticket_id: string | null;
  customer_id: string | null;
  identified_at: number | null;
}

/** A contact-centre agent's presence, skills and capacity (migration 021). */
export interface ChatAgentTable {
  user_id: string;
  presence: string;
  /** JSON array of skills (knowledge categories, e.g. "cards"). */
  skills: string;
  senior: number;
  max_chats: number;
  last_assigned_at: number;
  updated_at: number;
}

export interface ChatCannedAnswerTable {
  id: string;
  title: string;
  text_zh: string;
  text_en: string;
  updated_by: string;
  updated_at: number;
}

/** A message left when no agent was online: somebody calls or writes back before `due_at`. */
export interface ChatCallbackTable {
  id: string;
  conversation_id: string;
  contact: string;
  message: string;
  skill: string;
  status: string;
  due_at: number;
  created_at: number;
  done_at: number | null;
  done_by: string | null;
  outcome: string | null;
}

export interface ChatMessageTable {
  conversation_id: string;
  seq: number;
  author: string;
  text: string;
  data: string | null;
  at: number;
}

/** A back-office review of one ticket, one row per round (migration 016). */
export interface ReviewTable {
  id: string;
  ticket_id: string;
  branch_id: string;
  service_id: string;
  counter_id: string | null;
  teller_id: string;
  priority: PriorityClass;
  round: number;
  status: "pending" | "taken" | "approved" | "rejected";
  submitted_at: number;
  taken_by: string | null;
  taken_at: number | null;
  decided_by: string | null;
  decided_at: number | null;
  reason: string | null;
  alarmed_at: number | null;
}

/**
 * A branch's survey and review settings (migration 025); a branch without a row has the defaults: surveys on,
 * the instance's interval, the customer's preferred channel, reviews in the central queue.
 */
export interface BranchFeedbackSettingsTable {
  branch_id: string;
  survey_enabled: number;
  /** Days between two surveys of one customer; null: the instance's default (DATANG_SURVEY_INTERVAL_DAYS). */
  survey_interval_days: number | null;
  /** "sms" always, or null: the customer's preferred channel. */
  survey_channel: string | null;
  review_central: number;
  /** Migration 032: the language of staff notices in this branch ("zh-CN" | "en"; null: Chinese). */
  staff_lang: ColumnType<string | null, string | null | undefined, string | null>;
  updated_at: number;
  updated_by: string | null;
}

/** A consumer complaint (migration 017). */
export interface ComplaintTable {
  id: string;
  branch_id: string;
  ticket_id: string | null;
  customer_id: string | null;
  survey_id: string | null;
  source: "staff" | "survey" | "online" | "rating_pad";
  category: string;
  severity: "simple" | "complex";
  description: string;
  status: "open" | "closed";
  owner_id: string | null;
  received_at: number;
  due_at: number;
  extended_at: number | null;
  extended_by: string | null;
  extension_reason: string | null;
  reminded_at: number | null;
  escalated_at: number | null;
  root_cause: string | null;
  reply: string | null;
  closed_at: number | null;
  closed_by: string | null;
  reopen_count: number;
  reopen_token_hash: string | null;
  created_by: string | null;
  version: number;
  /** Migration 025: the online complainant's link to follow it (SHA-256), and the filing address's hash. */
  status_token_hash?: string | null;
  ip_hash?: string | null;
  created_at: number;
  updated_at: number;
}

export interface ComplaintNoteTable {
  complaint_id: string;
  seq: number;
  at: number;
  action: string;
  actor_id: string | null;
  data: string | null;
}

/** A satisfaction survey of one served ticket (migration 017). */
export interface SurveyTable {
  id: string;
  ticket_id: string;
  branch_id: string;
  customer_id: string | null;
  token_hash: string | null;
  channel: string | null;
  sent_at: number | null;
  csat: Rating | null;
  csat_source: "survey" | "rating_pad" | null;
  nps: number | null;
  comment: string | null;
  answered_at: number | null;
  complaint_id: string | null;
  created_at: number;
}

// Migration 012: the lobby display's voice and notices, the kiosk's settings.

export interface DisplaySettingsTable {
  branch_id: string;
  /** "auto" (clips when the browser has no Mandarin voice) | "clips" (always). */
  voice_mode: string;
  announce_times: number;
  announce_english: number;
  notice_seconds: number;
  kiosk_return_seconds: number;
  /** JSON object: business type id → icon name. */
  kiosk_icons: string;
  updated_at: number;
}

export interface VoiceClipTable {
  branch_id: string;
  token: string;
  mime: string;
  size: number;
  /** The audio, base64. */
  data: string;
  updated_at: number;
}

export interface DisplayNoticeTable {
  id: string;
  branch_id: string;
  title_zh: string;
  title_en: string;
  body_zh: string;
  body_en: string;
  /** A data: URL (png, jpeg, webp, gif), or null for a text notice. */
  image: string | null;
  sort_order: number;
  active: number;
  created_at: number;
  updated_at: number;
}

// Migration 018: customer records (issue 14).

export interface TicketCustomerTable {
  ticket_id: string;
  customer_id: string;
  branch_id: string;
  /** "otp" (kiosk, phone and code) | "staff". */
  method: string;
  attached_by: string | null;
  attached_at: number;
}

export interface ServiceRecordTable {
  ticket_id: string;
  branch_id: string;
  needs: string;
  /** JSON array of strings. */
  products: string;
  outcome: string;
  updated_by: string | null;
  updated_at: number;
}

export interface ServiceReportTable {
  id: string;
  ticket_id: string;
  customer_id: string | null;
  branch_id: string;
  /** SHA-256 (hex) of the report's content lines, printed in the PDF. */
  sha256: string;
  /** The PDF, base64. */
  pdf: string;
  sent_message_id: string | null;
  created_at: number;
  /** Migration 044: SHA-256 of the short link's token (SMS customers), and when the link expires. */
  link_token_hash?: string | null;
  link_expires_at?: number | null;
}

export interface CustomerMergeTable {
  id: string;
  /** The record that disappears into the target. */
  source_id: string;
  target_id: string;
  /** proposed | confirmed | rejected */
  status: string;
  reason: string;
  proposed_by: string;
  proposed_at: number;
  decided_by: string | null;
  decided_at: number | null;
}

export interface CustomerDuplicateDismissalTable {
  /** The pair in byte order: customer_a < customer_b. */
  customer_a: string;
  customer_b: string;
  /** The branch whose list it was dismissed from. */
  branch_id: string | null;
  reason: string;
  dismissed_by: string;
  dismissed_at: number;
}

export interface RetentionSettingTable {
  data_class: string;
  days: number;
  updated_by: string | null;
  updated_at: number;
}

/**
 * A job that runs on one instance at a time (migrations 044, 052; store/leases.ts): its last run, and the lease of
 * the instance running it now (`lease_until` 0 and no owner: free).
 */
export interface JobScheduleTable {
  name: string;
  last_run_at: number;
  lease_owner: string | null;
  lease_until: number;
}

export interface RetentionRunTable {
  id: Generated<number>;
  at: number;
  actor_id: string | null;
  /** JSON: what the run did per data class. */
  summary: string;
}

// Migration 026 (issue 15): threshold alerts and scheduled reports.

export interface AnalyticsAlertRuleTable {
  id: string;
  branch_id: string;
  /** src/domain/analytics/alerts.ts ALERT_METRICS. */
  metric: string;
  window_minutes: number;
  /** "above" | "below". */
  comparison: string;
  threshold: number;
  service_id: string | null;
  active: number;
  /** 1 while the rule's breach lasts (fired once); 0 when armed. */
  firing: number;
  last_value: number | null;
  last_evaluated_at: number | null;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

export interface AnalyticsAlertTable {
  id: string;
  rule_id: string;
  branch_id: string;
  metric: string;
  window_minutes: number;
  comparison: string;
  threshold: number;
  service_id: string | null;
  /** The figure when it fired. */
  value: number;
  fired_at: number;
  cleared_at: number | null;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
}

export interface ReportSubscriptionTable {
  id: string;
  /** Null: every branch (head office, admins only). */
  branch_id: string | null;
  /** "daily" | "weekly" | "monthly". */
  period: string;
  /** JSON array of e-mail addresses. */
  recipients: string;
  /** "HH:MM" in `time_zone`. */
  time_of_day: string;
  time_zone: string;
  lang: string;
  active: number;
  next_run_at: number;
  /** The last period sent ("2026-11-23", "2026-W48", "2026-11"). */
  last_period: string | null;
  last_sent_at: number | null;
  created_by: string | null;
  created_at: number;
  updated_at: number;
  // Migration 034: the last due run, sent or refused, and why it was refused.
  last_run_at: number | null;
  /** "sent" | "refused". */
  last_outcome: string | null;
  /** REPORT_REFUSALS (src/app/analytics/reports.ts); null when sent. */
  last_reason: string | null;
}

// Migration 024: follow-up tasks (issue 14).

export interface FollowupRuleTable {
  service_id: string;
  days: number;
  /** "service" | "marketing". */
  purpose: string;
  active: number;
  /** Tickets completed before this are not followed up. */
  enabled_at: number;
  updated_by: string | null;
  updated_at: number;
}

export interface FollowupPolicyTable {
  id: string;
  marketing_cap: number;
  marketing_window_days: number;
  reminder_days: number;
  /** Migration 032: attempts before a customer who does not answer is closed as unreachable (null: default). */
  max_attempts: ColumnType<number | null, number | null | undefined, number | null>;
  updated_by: string | null;
  updated_at: number;
}

export interface CustomerManagerTable {
  customer_id: string;
  user_id: string;
  set_by: string | null;
  set_at: number;
}

export interface FollowupTable {
  id: string;
  branch_id: string;
  customer_id: string;
  ticket_id: string;
  service_id: string;
  purpose: "service" | "marketing";
  status: "open" | "closed";
  assignee_id: string | null;
  assigned_by: string | null;
  /** "appointment" | "customer" | "staff": where the assignee came from. */
  assigned_via: string | null;
  due_at: number;
  reminded_at: number | null;
  escalated_at: number | null;
  contacted_at: number | null;
  /** "done" | "no_answer" | "declined" | "unreachable" (no answer at the last allowed attempt). */
  outcome: string | null;
  note: string | null;
  /** Migration 032: times the customer did not answer (each "no answer" schedules another attempt). */
  attempts: number;
  appointment_id: string | null;
  closed_at: number | null;
  closed_by: string | null;
  version: number;
  created_at: number;
  updated_at: number;
}
