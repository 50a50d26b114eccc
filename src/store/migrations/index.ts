import type { Kysely, Migration, MigrationProvider } from "kysely";
import type { DialectName } from "../dialect-name.ts";
import * as initial from "./001-initial.ts";
import * as firstCall from "./002-first-call.ts";
import * as storageProbe from "./004-storage-probe.ts";
import * as kioskDisplay from "./005-kiosk-display.ts";
import * as counterRules from "./006-counter-rules.ts";
import * as customersOutbox from "./007-customers-outbox.ts";
import * as appointments from "./008-appointments.ts";
import * as knowledge from "./009-knowledge.ts";
import * as analytics from "./010-analytics.ts";
import * as usernamesLoginLimits from "./011-usernames-login-limits.ts";
import * as displayVoiceNotices from "./012-display-voice-notices.ts";
import * as staffContacts from "./013-staff-contacts.ts";
import * as bookingExtras from "./015-booking-extras.ts";
import * as reviews from "./016-reviews.ts";
import * as complaintsSurveys from "./017-complaints-surveys.ts";
import * as customerRecords from "./018-customer-records.ts";
import * as analyticsRollups from "./020-analytics-rollups.ts";
import * as chatAgents from "./021-chat-agents.ts";
import * as deviceKioskReturn from "./022-device-kiosk-return.ts";
import * as followups from "./024-followups.ts";
import * as feedbackSettings from "./025-feedback-settings.ts";
import * as analyticsAlertsReports from "./026-analytics-alerts-reports.ts";
import * as analyticsMonthRollups from "./027-analytics-month-rollups.ts";
import * as chatSelfService from "./029-chat-self-service.ts";
import * as followupAttemptsStaffLang from "./032-followup-attempts-staff-lang.ts";
import * as analyticsMoreFigures from "./033-analytics-more-figures.ts";
import * as reportRunRights from "./034-report-run-rights.ts";
import * as staffNoticeChannels from "./037-staff-notice-channels.ts";
import * as analyticsRebuildQueue from "./038-analytics-rebuild-queue.ts";
import * as branchMessageSettings from "./039-branch-message-settings.ts";
import * as customerDuplicateDismissals from "./040-customer-duplicate-dismissals.ts";
import * as jobScheduleReportLinks from "./044-job-schedule-report-links.ts";
import * as analyticsMarks from "./045-analytics-marks.ts";
import * as analyticsCounterTotals from "./046-analytics-counter-totals.ts";
import * as consentCovers from "./047-consent-covers.ts";
import * as smartAlarmFirstDefault from "./051-smart-alarm-first-default.ts";
import * as oneJobLease from "./052-one-job-lease.ts";
import * as appointmentsCustomer from "./053-appointments-customer.ts";

interface DialectMigration {
  up(db: Kysely<unknown>, dialect: DialectName): Promise<void>;
}

/** Migrations are listed in code (not read from a folder) so that they work the same from tsx, a bundle or tests. */
const MIGRATIONS: Readonly<Record<string, DialectMigration>> = {
  "001-initial": initial,
  "002-first-call": firstCall,
  "010-analytics": analytics,
  "007-customers-outbox": customersOutbox,
  "004-storage-probe": storageProbe,
  "005-kiosk-display": kioskDisplay,
  "006-counter-rules": counterRules,
  "008-appointments": appointments,
  "009-knowledge": knowledge,
  "021-chat-agents": chatAgents,
  "011-usernames-login-limits": usernamesLoginLimits,
  "016-reviews": reviews,
  "017-complaints-surveys": complaintsSurveys,
  "013-staff-contacts": staffContacts,
  "012-display-voice-notices": displayVoiceNotices,
  "020-analytics-rollups": analyticsRollups,
  "015-booking-extras": bookingExtras,
  "018-customer-records": customerRecords,
  "022-device-kiosk-return": deviceKioskReturn,
  "026-analytics-alerts-reports": analyticsAlertsReports,
  "024-followups": followups,
  "029-chat-self-service": chatSelfService,
  "027-analytics-month-rollups": analyticsMonthRollups,
  "025-feedback-settings": feedbackSettings,
  "033-analytics-more-figures": analyticsMoreFigures,
  "034-report-run-rights": reportRunRights,
  "032-followup-attempts-staff-lang": followupAttemptsStaffLang,
  "037-staff-notice-channels": staffNoticeChannels,
  "038-analytics-rebuild-queue": analyticsRebuildQueue,
  "039-branch-message-settings": branchMessageSettings,
  "040-customer-duplicate-dismissals": customerDuplicateDismissals,
  "044-job-schedule-report-links": jobScheduleReportLinks,
  "045-analytics-marks": analyticsMarks,
  "046-analytics-counter-totals": analyticsCounterTotals,
  "047-consent-covers": consentCovers,
  "051-smart-alarm-first-default": smartAlarmFirstDefault,
  "052-one-job-lease": oneJobLease,
  "053-appointments-customer": appointmentsCustomer,
};

export function migrationProvider(dialect: DialectName): MigrationProvider {
  return {
    async getMigrations() {
      const out: Record<string, Migration> = {};
      for (const [name, m] of Object.entries(MIGRATIONS)) out[name] = { up: (db) => m.up(db, dialect) };
      return out;
    },
  };
}
