import type { Db } from '#shared/platform/dynamo';
import { PatientBackfill } from '#shared/patients/backfill';
import { PatientStore } from '#shared/patients/store';
import { PrescriptionStore } from '#shared/prescriptions/store';

/**
 * The patients backfill (decision 92) wired to its stores: the prescriptions store answers its
 * "newest prescription" port, which the patients capability declares and cannot import.
 */
export function createPatientBackfill(db: Db): PatientBackfill {
  return new PatientBackfill({ db, patients: new PatientStore(db), prescriptions: new PrescriptionStore(db) });
}
