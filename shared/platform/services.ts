import type { TokenVerifier } from './auth';
import type { Clock } from './clock';
import type { Db } from './dynamo';
import type { IdSource } from './ids';
import type { Logger } from './logger';
import type { FollowUpScheduler } from '../followups/scheduler';
import { FollowUpDueMarker, FollowUpService } from '../followups/service';
import { FollowUpStore } from '../followups/store';
import { AssessmentStore } from '../assessments/store';
import { CardStore } from '../cards/store';
import { PatientStore } from '../patients/store';
import { PrescriptionStore } from '../prescriptions/store';
import { RegistryStore } from '../registry/store';
import { ScanStore } from '../scans/store';
import type { PseudonymKeySource } from '../reports/pseudonym';
import { ReportStore } from '../reports/store';

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
}

/** The dependencies plus every capability's store, built once per process. */
export interface Services extends AppDependencies {
  registry: RegistryStore;
  patients: PatientStore;
  assessments: AssessmentStore;
  prescriptions: PrescriptionStore;
  cards: CardStore;
  scans: ScanStore;
  followUps: FollowUpStore;
  followUpService: FollowUpService;
  followUpDue: FollowUpDueMarker;
  reports: ReportStore;
}

export function createServices(deps: AppDependencies): Services {
  const prescriptions = new PrescriptionStore(deps.db);
  const followUps = new FollowUpStore(deps.db);
  return {
    ...deps,
    registry: new RegistryStore(deps.db),
    patients: new PatientStore(deps.db),
    assessments: new AssessmentStore(deps.db),
    prescriptions,
    cards: new CardStore(deps.db),
    scans: new ScanStore(deps.db, prescriptions),
    followUps,
    followUpService: new FollowUpService(deps.scheduler, deps.logger),
    followUpDue: new FollowUpDueMarker(followUps, deps.clock, deps.logger),
    reports: new ReportStore(deps.db),
  };
}
