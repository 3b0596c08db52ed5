import type { TokenVerifier } from '#shared/platform/auth';
import type { Clock } from '#shared/platform/clock';
import type { Db } from '#shared/platform/dynamo';
import type { IdSource } from '#shared/platform/ids';
import type { Logger } from '#shared/platform/logger';
import type { FollowUpScheduler } from '#shared/followups/scheduler';
import { FollowUpDueMarker, FollowUpReminders } from '#shared/followups/reminders';
import { FollowUpStore } from '#shared/followups/store';
import { AssessmentService } from '#shared/assessments/service';
import { AssessmentStore } from '#shared/assessments/store';
import { FollowUpService } from '#shared/followups/service';
import { prescriptionFollowUps } from '#shared/followups/prescription-follow-ups';
import type { PrescriptionFollowUps } from '#shared/prescriptions/follow-ups';
import { CardService } from '#shared/cards/service';
import { CardStore } from '#shared/cards/store';
import { noDeprivationLookup, type DeprivationLookup, type PatientHistory } from '#shared/patients/ports';
import type { TimelineEntryView } from '#shared/patients/schema';
import { PatientService } from '#shared/patients/service';
import { PublicReferralService } from '#shared/patients/public-service';
import { PatientStore } from '#shared/patients/store';
import { PrescriptionService } from '#shared/prescriptions/service';
import { PrescriptionStore } from '#shared/prescriptions/store';
import { RegistryService } from '#shared/registry/service';
import { RegistryStore } from '#shared/registry/store';
import type { FeedFetcher } from '#shared/registry/import-fetch';
import { lazyRegistryImports, type RegistryImports } from '#shared/registry/import-lazy';
import { ScanService } from '#shared/scans/service';
import { ScanStore } from '#shared/scans/store';
import type { PseudonymKeySource } from '#shared/reports/pseudonym';
import { ReportService } from '#shared/reports/service';
import { ReportStore } from '#shared/reports/store';
import type { PersonDirectory } from '#shared/people/directory';
import { PeopleService } from '#shared/people/service';
import { PeopleStore } from '#shared/people/store';
import type { DigestMailer } from '#shared/digest/mailer';
import { DeviceService } from '#shared/devices/service';
import { DeviceStore } from '#shared/devices/store';
import type { SecretSource } from '#shared/devices/rules';
import type { DeviceIssuerSettings, DeviceTokenSigner } from '#shared/devices/tokens';
import { DigestService, type NavigatorDirectory } from '#shared/digest/service';
import { DigestStore } from '#shared/digest/store';
import { GpMessageService } from '#shared/gp-messages/service';
import { GpMessageStore } from '#shared/gp-messages/store';
import { DirectoryService } from '#shared/directory/service';
import type { Locality } from '#shared/directory/rules';
import { AuditService, AuditTrail } from '#shared/audit/service';
import { AuditStore } from '#shared/audit/store';

/** What the app needs from its surroundings; only the adapters differ between AWS and local mode. */
export interface AppDependencies {
  db: Db;
  clock: Clock;
  ids: IdSource;
  verifyToken: TokenVerifier;
  logger: Logger;
  /** EventBridge Scheduler in AWS; the local stand-in in local mode and tests. */
  scheduler: FollowUpScheduler;
  /** The evaluator exports' pseudonymisation key: Secrets Manager in AWS, a generated file locally. */
  pseudonymKey: PseudonymKeySource;
  /** Where people sign in: the Cognito user pool in AWS; the local directory in local mode and tests. */
  directory: PersonDirectory;
  /** Waymark's device key: KMS in AWS (only the device-token function signs), a local key pair in local mode. */
  deviceSigner: DeviceTokenSigner;
  deviceIssuer: DeviceIssuerSettings;
  /** The scanner app's address, for enrolment links: known once the local server listens; in AWS read once from SSM. */
  scannerUrl: () => Promise<string>;
  /** Where codes and refresh tokens come from (crypto.randomBytes unless a test fixes it). */
  random: SecretSource;
  /** Fetches registry import feeds by URL: HTTPS in AWS; absent (URL imports refused) unless configured. */
  feedFetcher?: FeedFetcher;
  /** The town and county of the scheme's venues, for the ORUK feed's addresses (none: locations without an address). */
  directoryLocality?: Locality;
  /** How long the ORUK feed reuses the registry it read, per instance (absent: not at all). */
  directoryCacheMs?: number;
  /** A postcode's IMD decile, for a record with none recorded (decision 89): absent, none ships, so none is looked up. */
  deprivation?: DeprivationLookup;
}

/** The dependencies plus every capability's store, built once per process. */
export interface Services extends AppDependencies {
  registry: RegistryStore;
  registryService: RegistryService;
  registryImportService: RegistryImports;
  patients: PatientStore;
  patientService: PatientService;
  publicReferralService: PublicReferralService;
  assessments: AssessmentStore;
  assessmentService: AssessmentService;
  prescriptions: PrescriptionStore;
  prescriptionFollowUps: PrescriptionFollowUps;
  prescriptionService: PrescriptionService;
  cards: CardStore;
  cardService: CardService;
  scans: ScanStore;
  scanService: ScanService;
  followUps: FollowUpStore;
  followUpReminders: FollowUpReminders;
  followUpService: FollowUpService;
  followUpDue: FollowUpDueMarker;
  reports: ReportStore;
  reportService: ReportService;
  people: PeopleStore;
  peopleService: PeopleService;
  devices: DeviceStore;
  deviceService: DeviceService;
  /** The GP outbox; also prepares the summaries that ending a referral or a prescription calls for. */
  gpMessageService: GpMessageService;
  directoryService: DirectoryService;
  /** The audit trail: routes write through `audit`; `auditService` reads it (decision 82). */
  auditStore: AuditStore;
  audit: AuditTrail;
  auditService: AuditService;
}

export function createServices(deps: AppDependencies): Services {
  const prescriptions = new PrescriptionStore(deps.db);
  const followUps = new FollowUpStore(deps.db);
  const patients = new PatientStore(deps.db);
  const scans = new ScanStore(deps.db, prescriptions);
  const cards = new CardStore(deps.db);
  const registry = new RegistryStore(deps.db);
  const assessments = new AssessmentStore(deps.db);
  const deprivation = deps.deprivation ?? noDeprivationLookup;
  const reports = new ReportStore({ scans, patients, prescriptions, followUps, assessments, deprivation });
  const followUpReminders = new FollowUpReminders(deps.scheduler, deps.logger);
  const people = new PeopleStore(deps.db);
  const devices = new DeviceStore(deps.db);
  const auditStore = new AuditStore(deps.db);
  const gpMessageService = new GpMessageService({
    messages: new GpMessageStore(deps.db),
    patients,
    prescriptions,
    assessments,
    followUps,
    registry,
    clock: deps.clock,
    ids: deps.ids,
    logger: deps.logger,
  });
  const providerExists = async (providerId: string) => (await registry.getProvider(providerId)) !== undefined;
  const peopleService = new PeopleService({
    people,
    directory: deps.directory,
    providers: { providerExists },
    clock: deps.clock,
    ids: deps.ids,
    logger: deps.logger,
  });
  const prescriptionFollows = prescriptionFollowUps(followUps, followUpReminders, deps.clock);
  const followUpService = new FollowUpService({
    db: deps.db,
    ids: deps.ids,
    clock: deps.clock,
    patients,
    assessments,
    followUps,
    prescriptions,
    reminders: followUpReminders,
    gpSummaries: gpMessageService,
  });
  const prescriptionService = new PrescriptionService({ patients, prescriptions, registry, followUps: prescriptionFollows, clock: deps.clock, ids: deps.ids });
  return {
    ...deps,
    registry,
    registryService: new RegistryService({ registry, clock: deps.clock, ids: deps.ids }),
    registryImportService: lazyRegistryImports({ db: deps.db, clock: deps.clock, ids: deps.ids, logger: deps.logger, fetcher: deps.feedFetcher }),
    patients,
    patientService: new PatientService({
      patients,
      navigators: peopleService,
      prescriptions: prescriptionService,
      history: patientHistory({ assessments, prescriptions, cards, followUps }),
      gpSummaries: gpMessageService,
      deprivation,
      clock: deps.clock,
      ids: deps.ids,
    }),
    publicReferralService: new PublicReferralService({ patients, navigators: peopleService, clock: deps.clock, ids: deps.ids }),
    assessments,
    assessmentService: new AssessmentService({ patients, assessments, followUps: followUpService, clock: deps.clock, ids: deps.ids }),
    prescriptions,
    prescriptionFollowUps: prescriptionFollows,
    prescriptionService,
    cards,
    cardService: new CardService({ cards, patients, clock: deps.clock, ids: deps.ids }),
    scans,
    scanService: new ScanService(scans, deps.clock, deps.logger, { providerExists }, devices),
    followUps,
    followUpReminders,
    followUpService,
    followUpDue: new FollowUpDueMarker(followUps, deps.clock, deps.logger),
    reports,
    reportService: new ReportService({ reports, registry, clock: deps.clock, logger: deps.logger, pseudonymKey: deps.pseudonymKey }),
    people,
    peopleService,
    auditStore,
    audit: new AuditTrail({ store: auditStore, ids: deps.ids, logger: deps.logger }),
    auditService: new AuditService({
      store: auditStore,
      patients: { patientExists: async (patientId) => (await patients.getPatient(patientId)) !== undefined },
      clock: deps.clock,
    }),
    directoryService: new DirectoryService({ registry, clock: deps.clock, locality: deps.directoryLocality, cacheMs: deps.directoryCacheMs }),
    devices,
    gpMessageService,
    deviceService: new DeviceService({
      devices,
      providers: { providerExists },
      signer: deps.deviceSigner,
      issuer: deps.deviceIssuer,
      scannerUrl: deps.scannerUrl,
      clock: deps.clock,
      ids: deps.ids,
      random: deps.random,
      logger: deps.logger,
    }),
  };
}

/**
 * The entries of a patient's timeline that the patients capability does not own — assessments,
 * prescriptions, cards, follow-ups — each read by its owner's store and told as events: ids,
 * kinds and statuses, never an assessment's answers or notes.
 */
function patientHistory(stores: { assessments: AssessmentStore; prescriptions: PrescriptionStore; cards: CardStore; followUps: FollowUpStore }): PatientHistory {
  return {
    async entriesFor(patientId) {
      const [assessments, prescriptions, cards, followUps] = await Promise.all([
        stores.assessments.listForPatient(patientId),
        stores.prescriptions.listForPatient(patientId),
        stores.cards.history(patientId),
        stores.followUps.listForPatient(patientId),
      ]);
      const entries: TimelineEntryView[] = [];
      for (const a of assessments) {
        entries.push({ eventId: `assessment:${a.assessmentId}:recorded`, at: a.recordedAt, type: 'assessment', action: 'recorded', assessmentId: a.assessmentId, kind: a.kind, by: a.recordedBy });
      }
      for (const p of prescriptions) {
        const { prescriptionId } = p;
        entries.push({ eventId: `prescription:${prescriptionId}:written`, at: p.createdAt, type: 'prescription', action: 'written', prescriptionId, status: p.status, by: p.createdBy });
        // The record keeps its status, not a history of changes: the latest change is the one told.
        if (p.status !== 'active') entries.push({ eventId: `prescription:${prescriptionId}:${p.status}`, at: p.updatedAt, type: 'prescription', action: p.status, prescriptionId, status: p.status });
      }
      for (const c of cards) {
        entries.push({ eventId: `card:${c.issueId}:issued`, at: c.issuedAt, type: 'card', action: 'issued', cardId: c.cardId, by: c.issuedBy });
        if (c.revokedAt) {
          entries.push({
            eventId: `card:${c.issueId}:revoked`,
            at: c.revokedAt,
            type: 'card',
            action: 'revoked',
            cardId: c.cardId,
            ...(c.revokeReason ? { reason: c.revokeReason } : {}),
            ...(c.revokedBy ? { by: c.revokedBy } : {}),
          });
        }
      }
      for (const f of followUps) {
        const entry = (action: string, at: string, extra: Partial<TimelineEntryView> = {}): TimelineEntryView => ({
          eventId: `follow_up:${f.followUpId}:${action}`,
          at,
          type: 'follow_up',
          action,
          followUpId: f.followUpId,
          prescriptionId: f.prescriptionId,
          dueAt: f.dueAt,
          ...extra,
        });
        entries.push(entry('scheduled', f.createdAt));
        if (f.becameDueAt) entries.push(entry('due', f.becameDueAt));
        if (f.completedAt) entries.push(entry('completed', f.completedAt, f.assessmentId ? { assessmentId: f.assessmentId } : {}));
        if (f.status === 'cancelled') entries.push(entry('cancelled', f.updatedAt));
      }
      return entries;
    },
  };
}

/** What the navigators' daily follow-up email needs: the table, and its own adapters. */
export interface DigestDependencies extends Pick<AppDependencies, 'db' | 'clock' | 'logger'> {
  /** Amazon SES in AWS; the local outbox in local mode and tests. */
  mailer: DigestMailer;
  /** The enabled navigators: the people capability's directory (see README, "The daily email"). */
  navigators: NavigatorDirectory;
  /** The console's base URL, for the inbox link: the stack's web URL in AWS, the local server's locally. */
  consoleUrl: string;
}

/**
 * The digest, built apart from the app's services: only its own function (and local mode's
 * scheduler) runs it, so the API needs no mailer, and the digest function no token settings.
 */
export function createDigestService(deps: DigestDependencies): DigestService {
  return new DigestService({
    navigators: deps.navigators,
    followUps: new FollowUpStore(deps.db),
    digests: new DigestStore(deps.db),
    mailer: deps.mailer,
    clock: deps.clock,
    logger: deps.logger,
    consoleUrl: deps.consoleUrl,
  });
}
