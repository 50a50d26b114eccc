/**
 * Table shapes as Kysely sees them. Times are epoch milliseconds (bigint in PostgreSQL, integer in SQLite);
 * JSON values are stored as text in both databases so that both behave identically.
 */
import type { Generated } from "kysely";
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
  memberships: MembershipTable;
  sessions: SessionTable;
  devices: DeviceTable;
  tickets: TicketTable;
  ticket_transitions: TicketTransitionTable;
  queue_days: QueueDayTable;
  events: EventTable;
  audit_log: AuditTable;
  knowledge_articles: KnowledgeArticleTable;
  knowledge_versions: KnowledgeVersionTable;
  knowledge_synonyms: KnowledgeSynonymTable;
  knowledge_revision: KnowledgeRevisionTable;
  chat_conversations: ChatConversationTable;
  chat_messages: ChatMessageTable;
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
}

export interface ChatMessageTable {
  conversation_id: string;
  seq: number;
  author: string;
  text: string;
  data: string | null;
  at: number;
}
