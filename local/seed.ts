import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { Temporal } from 'temporal-polyfill';
import type { Services } from '#shared/app/services';
import { keys } from '#shared/platform/keys';
import { londonDate } from '#shared/platform/london';
import { newActivity, newProvider, newVenue } from '#shared/registry/rules';
import type { CreateActivityInput, CreateProviderInput } from '#shared/registry/schema';
import { newAssessment } from '#shared/assessments/rules';
import { newCardIssue } from '#shared/cards/rules';
import type { Principal } from '#shared/platform/auth';
import { newReferral } from '#shared/patients/rules';
import { applyChange, categoriesOf, newPrescription } from '#shared/prescriptions/rules';
import { applyPrescriptionChange, followUpChange, newFollowUp } from '#shared/followups/rules';
import { randomUUID } from 'node:crypto';
import { fixedClock } from '#shared/platform/clock';
import { LONDON } from '#shared/platform/london';
import type { ActivityRecord } from '#shared/registry/rules';
import { WEEKDAYS } from '#shared/registry/schema';
import { ScanService } from '#shared/scans/service';
import { registerLocalPerson } from './person-directory';
import { PublicReferralService } from '#shared/patients/public-service';
import { PatientService } from '#shared/patients/service';

type DemoActivity = Omit<CreateActivityInput, 'venueId'>;

interface DemoProvider {
  provider: Omit<CreateProviderInput, 'accreditation'> & { accreditation: { status: 'accredited' | 'suspended' | 'lapsed'; validForDays: number } };
  venues: { name: string; postcode: string; town: string; county: string; activities: DemoActivity[] }[];
}

/** A small scheme in the shape of Luton's: providers in all five areas, one suspended and one lapsed. */
export const DEMO_PROVIDERS: DemoProvider[] = [
  {
    provider: { name: 'Wardown Walkers', categories: ['physical'], accreditation: { status: 'accredited', validForDays: 365 } },
    venues: [
      {
        name: 'Wardown Park Pavilion',
        postcode: 'LU2 7HA',
        town: 'Luton',
        county: 'Bedfordshire',
        activities: [
          { name: 'Health walk (gentle, 45 minutes)', category: 'physical', capacity: 25, schedule: [{ day: 'tuesday', startTime: '10:00', endTime: '11:00' }] },
          { name: 'Nordic walking for beginners', category: 'physical', capacity: 12, schedule: [{ day: 'thursday', startTime: '10:00', endTime: '11:30' }] },
        ],
      },
    ],
  },
  {
    provider: { name: 'Marsh Farm Community Café', categories: ['social', 'volunteering'], accreditation: { status: 'accredited', validForDays: 300 } },
    venues: [
      {
        name: 'Futures House',
        postcode: 'LU3 3QB',
        town: 'Luton',
        county: 'Bedfordshire',
        activities: [
          { name: 'Friday lunch club', category: 'social', capacity: 30, schedule: [{ day: 'friday', startTime: '12:00', endTime: '14:00' }] },
          { name: 'Café volunteering', category: 'volunteering', capacity: 6, schedule: [{ day: 'wednesday', startTime: '09:30', endTime: '13:00' }] },
        ],
      },
    ],
  },
  {
    provider: { name: 'Lea Valley Mind', categories: ['wellbeing', 'social'], accreditation: { status: 'accredited', validForDays: 200 } },
    venues: [
      {
        name: 'Wellbeing Centre, George Street',
        postcode: 'LU1 2AF',
        town: 'Luton',
        county: 'Bedfordshire',
        activities: [
          { name: 'Mindfulness for beginners', category: 'wellbeing', capacity: 15, schedule: [{ day: 'monday', startTime: '18:00', endTime: '19:30' }] },
          { name: 'Art for wellbeing', category: 'wellbeing', capacity: 12, schedule: [{ day: 'wednesday', startTime: '14:00', endTime: '16:00' }] },
        ],
      },
      {
        name: 'Stopsley Community Hall',
        postcode: 'LU2 7UG',
        town: 'Luton',
        county: 'Bedfordshire',
        activities: [{ name: 'Men’s shed', category: 'social', capacity: 20, schedule: [{ day: 'saturday', startTime: '10:00', endTime: '13:00' }] }],
      },
    ],
  },
  {
    provider: { name: 'Town Centre Advice Hub', categories: ['advice'], accreditation: { status: 'accredited', validForDays: 400 } },
    venues: [
      {
        name: 'Central Library, Room 2',
        postcode: 'LU1 2NG',
        town: 'Luton',
        county: 'Bedfordshire',
        activities: [
          { name: 'Money and debt drop-in', category: 'advice', schedule: [{ day: 'tuesday', startTime: '13:00', endTime: '16:00' }] },
          { name: 'Housing and benefits advice', category: 'advice', schedule: [{ day: 'thursday', startTime: '09:30', endTime: '12:30' }] },
        ],
      },
    ],
  },
  {
    provider: { name: 'Stockwood Green Volunteers', categories: ['volunteering', 'physical'], accreditation: { status: 'accredited', validForDays: 250 } },
    venues: [
      {
        name: 'Stockwood Park Walled Garden',
        postcode: 'LU1 4BH',
        town: 'Luton',
        county: 'Bedfordshire',
        activities: [{ name: 'Conservation volunteering', category: 'volunteering', capacity: 15, schedule: [{ day: 'saturday', startTime: '10:00', endTime: '15:00' }] }],
      },
    ],
  },
  {
    provider: { name: 'Bury Park Boxing Club', categories: ['physical'], accreditation: { status: 'suspended', validForDays: 120 } },
    venues: [
      {
        name: 'Bury Park Gym',
        postcode: 'LU1 1HD',
        town: 'Luton',
        county: 'Bedfordshire',
        activities: [{ name: 'Boxing fitness', category: 'physical', capacity: 20, schedule: [{ day: 'monday', startTime: '19:00', endTime: '20:00' }] }],
      },
    ],
  },
  {
    provider: { name: 'Leagrave Singers', categories: ['social', 'wellbeing'], accreditation: { status: 'lapsed', validForDays: -30 } },
    venues: [
      {
        name: 'Leagrave Methodist Church Hall',
        postcode: 'LU4 9JG',
        town: 'Luton',
        county: 'Bedfordshire',
        activities: [{ name: 'Singing for the brain', category: 'wellbeing', capacity: 40, schedule: [{ day: 'friday', startTime: '10:30', endTime: '12:00' }] }],
      },
    ],
  },
];

/**
 * Loads the demo data once per data folder: a marker item records that it was loaded,
 * so restarting `npm start` neither duplicates it nor brings back what a person deleted.
 */
export async function seedDemo(services: Services): Promise<'seeded' | 'already-seeded'> {
  const { db, clock } = services;
  const marker = keys.seedMarker('demo');
  const existing = await db.client.send(new GetCommand({ TableName: db.tableName, Key: marker }));
  if (existing.Item) return 'already-seeded';

  const activities = await seedRegistry(services);
  await seedTeam(services, activities);
  const caseload = await seedCaseload(services, activities);
  await seedLifecycle(services, caseload);
  await seedPublicReferrals(services);
  await db.client.send(
    new PutCommand({ TableName: db.tableName, Item: { ...marker, type: 'seed', loadedAt: clock.now().toISOString() } }),
  );
  return 'seeded';
}

/** The demo providers, venues and activities; returns the accredited providers' activities. */
async function seedRegistry(services: Services): Promise<ActivityRecord[]> {
  const { registry, clock, ids } = services;
  const accreditedActivities: ActivityRecord[] = [];
  const today = Temporal.PlainDate.from(londonDate(clock.now()));
  for (const demo of DEMO_PROVIDERS) {
    const { validForDays, status } = demo.provider.accreditation;
    const provider = newProvider(
      { ...demo.provider, accreditation: { status, validUntil: today.add({ days: validForDays }).toString() } },
      { clock, ids },
    );
    await registry.createProvider(provider);
    for (const demoVenue of demo.venues) {
      const venue = newVenue(provider.providerId, demoVenue, { clock, ids });
      if ((await registry.createVenue(venue)) !== 'created') throw new Error('venue not created: its provider is missing');
      for (const activity of demoVenue.activities) {
        const record = newActivity(provider.providerId, { ...activity, venueId: venue.venueId }, { clock, ids });
        if ((await registry.createActivity(record)) !== 'created') throw new Error('activity not created: its provider or venue changed');
        if (status === 'accredited') accreditedActivities.push(record);
      }
    }
  }
  return accreditedActivities;
}

/** The demo navigator: the `sub` a local navigator token has unless another is asked for. */
export const DEMO_NAVIGATOR = 'local-navigator';

/**
 * The scheme's team, as people in the local directory. The demo navigator keeps the sub the demo
 * caseload uses, and the manager and admin the subs of role-only local tokens, so both ways of
 * signing in locally see the same things. Provider staff work for the first two accredited providers.
 */
export const DEMO_TEAM: { givenName: string; familyName: string; role: 'navigator' | 'manager' | 'admin' | 'provider'; sub: string; provider?: 0 | 1 }[] = [
  { givenName: 'Alex', familyName: 'Morgan', role: 'navigator', sub: DEMO_NAVIGATOR },
  { givenName: 'Jordan', familyName: 'Ellis', role: 'navigator', sub: 'local-navigator-2' },
  { givenName: 'Sam', familyName: 'Patel', role: 'manager', sub: 'local-manager' },
  { givenName: 'Chris', familyName: 'Taylor', role: 'admin', sub: 'local-admin' },
  { givenName: 'Dee', familyName: 'Walker', role: 'provider', sub: 'local-provider-staff-1', provider: 0 },
  { givenName: 'Marcus', familyName: 'Green', role: 'provider', sub: 'local-provider-staff-2', provider: 1 },
];

async function seedTeam(services: Services, activities: ActivityRecord[]): Promise<void> {
  const providers = [...new Set(activities.map((activity) => activity.providerId))];
  for (const member of DEMO_TEAM) {
    const providerId = member.provider === undefined ? undefined : providers[member.provider];
    await registerLocalPerson(
      services.db,
      services.clock,
      services.people,
      {
        email: `${member.givenName}.${member.familyName}@example.org`.toLowerCase(),
        givenName: member.givenName,
        familyName: member.familyName,
        role: member.role,
        ...(providerId ? { providerId } : {}),
        sub: member.sub,
      },
      services.ids,
    );
  }
}

interface DemoPatient {
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  source: 'gp' | 'nurse' | 'pharmacist' | 'social_care' | 'self' | 'other';
  reasons: string[];
  /** Where they are: days since the prescription started, and what happened to it. */
  stage:
    | { kind: 'referred' }
    | { kind: 'baseline' }
    | { kind: 'prescribed'; startedDaysAgo: number; weeks?: number }
    | { kind: 'paused'; startedDaysAgo: number; pausedDaysAgo: number }
    | { kind: 'withdrawn'; startedDaysAgo: number; withdrawnDaysAgo: number }
    /** Finished, with the follow-up assessment held `followedUpDaysAgo` (its answers in `followUp`). */
    | { kind: 'completed'; startedDaysAgo: number; followedUpDaysAgo: number; followUp: { ons4: [number, number, number, number]; swemwbs: number[] } };
  wellbeing: { ons4: [number, number, number, number]; swemwbs: number[] };
}

/** Thirteen people at every point of the journey, each with a card (LUTON-DEMO-01 … 13). */
export const DEMO_PATIENTS: DemoPatient[] = [
  { givenName: 'Aisha', familyName: 'Rahman', dateOfBirth: '1961-03-14', source: 'self', reasons: ['isolation'], stage: { kind: 'referred' }, wellbeing: { ons4: [4, 5, 4, 6], swemwbs: [2, 3, 2, 3, 3, 2, 3] } },
  { givenName: 'Derek', familyName: 'Holloway', dateOfBirth: '1949-11-02', source: 'pharmacist', reasons: ['exercise', 'weight'], stage: { kind: 'referred' }, wellbeing: { ons4: [5, 6, 5, 4], swemwbs: [3, 3, 3, 3, 3, 3, 3] } },
  { givenName: 'Bronwen', familyName: 'Evans', dateOfBirth: '1972-07-29', source: 'gp', reasons: ['low mood', 'isolation'], stage: { kind: 'baseline' }, wellbeing: { ons4: [3, 4, 3, 7], swemwbs: [2, 2, 2, 3, 2, 2, 3] } },
  { givenName: 'Tomasz', familyName: 'Nowak', dateOfBirth: '1985-01-20', source: 'social_care', reasons: ['debt', 'housing'], stage: { kind: 'prescribed', startedDaysAgo: 8 }, wellbeing: { ons4: [3, 5, 4, 8], swemwbs: [2, 3, 2, 2, 3, 3, 3] } },
  { givenName: 'Grace', familyName: 'Adeyemi', dateOfBirth: '1956-05-11', source: 'nurse', reasons: ['exercise'], stage: { kind: 'prescribed', startedDaysAgo: 10 }, wellbeing: { ons4: [6, 6, 5, 4], swemwbs: [3, 4, 3, 3, 3, 4, 4] } },
  { givenName: 'Ian', familyName: 'McAllister', dateOfBirth: '1944-09-30', source: 'gp', reasons: ['isolation', 'bereavement'], stage: { kind: 'prescribed', startedDaysAgo: 72 }, wellbeing: { ons4: [2, 3, 3, 6], swemwbs: [2, 2, 3, 2, 3, 2, 3] } },
  { givenName: 'Priya', familyName: 'Shah', dateOfBirth: '1990-12-08', source: 'gp', reasons: ['anxiety'], stage: { kind: 'prescribed', startedDaysAgo: 80 }, wellbeing: { ons4: [5, 5, 4, 8], swemwbs: [3, 3, 2, 2, 3, 3, 3] } },
  { givenName: 'Michael', familyName: 'O’Brien', dateOfBirth: '1958-04-03', source: 'gp', reasons: ['exercise', 'isolation'], stage: { kind: 'prescribed', startedDaysAgo: 88 }, wellbeing: { ons4: [4, 4, 4, 5], swemwbs: [3, 2, 3, 3, 2, 3, 3] } },
  { givenName: 'Fatima', familyName: 'Begum', dateOfBirth: '1967-08-19', source: 'other', reasons: ['carer stress'], stage: { kind: 'paused', startedDaysAgo: 30, pausedDaysAgo: 5 }, wellbeing: { ons4: [4, 6, 4, 7], swemwbs: [2, 3, 2, 3, 3, 3, 3] } },
  { givenName: 'Samuel', familyName: 'Clarke', dateOfBirth: '1979-02-25', source: 'gp', reasons: ['low mood'], stage: { kind: 'withdrawn', startedDaysAgo: 40, withdrawnDaysAgo: 20 }, wellbeing: { ons4: [3, 3, 3, 6], swemwbs: [2, 2, 2, 2, 3, 2, 2] } },
  { givenName: 'Margaret', familyName: 'Doyle', dateOfBirth: '1951-06-17', source: 'gp', reasons: ['isolation'], stage: { kind: 'completed', startedDaysAgo: 100, followedUpDaysAgo: 14, followUp: { ons4: [6, 7, 6, 4], swemwbs: [3, 3, 3, 4, 3, 3, 4] } }, wellbeing: { ons4: [3, 4, 3, 6], swemwbs: [2, 2, 3, 2, 2, 2, 3] } },
  { givenName: 'Kwame', familyName: 'Mensah', dateOfBirth: '1983-10-05', source: 'nurse', reasons: ['exercise', 'low mood'], stage: { kind: 'completed', startedDaysAgo: 110, followedUpDaysAgo: 20, followUp: { ons4: [7, 7, 6, 3], swemwbs: [4, 3, 3, 4, 4, 3, 3] } }, wellbeing: { ons4: [4, 5, 4, 6], swemwbs: [3, 2, 2, 3, 3, 2, 2] } },
  { givenName: 'Helen', familyName: 'Price', dateOfBirth: '1969-01-23', source: 'pharmacist', reasons: ['anxiety', 'isolation'], stage: { kind: 'completed', startedDaysAgo: 95, followedUpDaysAgo: 2, followUp: { ons4: [5, 6, 5, 6], swemwbs: [3, 3, 2, 3, 3, 3, 3] } }, wellbeing: { ons4: [4, 5, 4, 7], swemwbs: [2, 3, 2, 3, 2, 3, 3] } },
];

/** A valid NHS number in the 999 range (reserved for testing, never issued to a person). */
function demoNhsNumber(index: number): string {
  for (let base = 999_000_000 + index * 37; ; base++) {
    const digits = String(base);
    const sum = [...digits].reduce((total, digit, i) => total + Number(digit) * (10 - i), 0);
    const check = (11 - (sum % 11)) % 11;
    if (check !== 10) return `${digits}${check}`;
  }
}

/** A demo patient as seeded: their ids and NHS number, by given name (the demo's given names are unique). */
type SeededCaseload = Map<string, { patientId: string; referralId: string; nhsNumber: string; demo: DemoPatient }>;

async function seedCaseload(services: Services, activities: ActivityRecord[]): Promise<SeededCaseload> {
  const { patients, assessments, prescriptions, cards, followUps, followUpReminders, clock, ids } = services;
  const seeded: SeededCaseload = new Map();
  const navigator: Principal = { sub: DEMO_NAVIGATOR, role: 'navigator' };
  const today = Temporal.PlainDate.from(londonDate(clock.now()));
  const daysAgo = (days: number) => today.subtract({ days }).toString();
  const at = (days: number) => new Date(clock.now().getTime() - days * 86_400_000);

  for (const [index, demo] of DEMO_PATIENTS.entries()) {
    // The first meeting was a week before the prescription started (or three days ago); the referral came a week before it.
    // Those still waiting for first contact were referred today.
    const metDaysAgo = 'startedDaysAgo' in demo.stage ? demo.stage.startedDaysAgo + 7 : 3;
    const referredAt = demo.stage.kind === 'referred' ? clock.now() : at(metDaysAgo + 7);
    const made = newReferral(
      {
        patient: {
          givenName: demo.givenName,
          familyName: demo.familyName,
          dateOfBirth: demo.dateOfBirth,
          nhsNumber: demoNhsNumber(index),
          postcode: ['LU1 3JH', 'LU2 0SD', 'LU3 2RD', 'LU4 9TT'][index % 4]!,
          gpPractice: index % 2 === 0 ? 'Bute House Medical Centre' : 'Lea Vale Medical Group',
          // Demo ODS codes (the right shape, one letter and five digits; not the real practices' codes).
          gpPracticeCode: index % 2 === 0 ? 'Y90001' : 'Y90002',
        },
        source: demo.source,
        reasons: demo.reasons,
      },
      navigator,
      { clock: fixedClock(referredAt), ids },
    );
    if (!made.ok) throw new Error(`the generated referral is invalid: ${made.issues.map((issue) => issue.path).join(', ')}`);
    const { patient, referral } = made;
    seeded.set(demo.givenName, { patientId: patient.patientId, referralId: referral.referralId, nhsNumber: patient.nhsNumber!, demo });
    // Those who finished (but Kwame) agreed at the first meeting to a summary for their GP: their follow-up prepares one.
    if (demo.stage.kind === 'completed' && demo.givenName !== 'Kwame') {
      const metAt = at(demo.stage.startedDaysAgo + 7).toISOString();
      patient.consents = { gpSummary: { given: true, recordedAt: metAt, recordedBy: DEMO_NAVIGATOR } };
    }
    await patients.createReferral(patient, referral);
    // The card was handed over at the first meeting (to those not yet met, when they were referred).
    const cardId = `LUTON-DEMO-${String(index + 1).padStart(2, '0')}`;
    const cardAt = demo.stage.kind === 'referred' ? referredAt : at(metDaysAgo);
    const issued = await cards.issue(newCardIssue({ cardId, patientId: patient.patientId }, navigator, { clock: fixedClock(cardAt), ids }));
    if (issued.kind !== 'written') throw new Error(`demo card ${cardId} was not issued: ${issued.kind}`);
    if (demo.stage.kind === 'referred') continue;

    const [satisfied, worthwhile, happy, anxious] = demo.wellbeing.ons4;
    const baseline = newAssessment(
      { kind: 'baseline', ons4: { satisfied, worthwhile, happy, anxious }, swemwbs: demo.wellbeing.swemwbs },
      { patientId: patient.patientId, recordedBy: DEMO_NAVIGATOR },
      // Recorded at the first meeting, before the prescription started (so it counts as its baseline).
      { clock: fixedClock(at(metDaysAgo)), ids },
    );
    const assessed = (await patients.getReferral(patient.patientId, referral.referralId))!;
    // Accepted at the first meeting (the baseline is what records it).
    await assessments.record(baseline, navigator, [patients.advanceReferral(assessed, 'accepted', at(metDaysAgo))!]);
    if (demo.stage.kind === 'baseline') continue;

    const stage = demo.stage;
    const startedDaysAgo = stage.startedDaysAgo;
    const prescribed = [activities[index % activities.length]!, activities[(index + 3) % activities.length]!];
    const prescription = newPrescription(
      {
        patientId: patient.patientId,
        startDate: daysAgo(startedDaysAgo),
        weeks: stage.kind === 'prescribed' ? (stage.weeks ?? 12) : 12,
        goals: ['Get out of the house twice a week', 'Meet people with shared interests'],
        activityIds: prescribed.map((activity) => activity.activityId),
      },
      {
        prescriptionId: ids.next(),
        now: at(startedDaysAgo),
        createdBy: DEMO_NAVIGATOR,
        hasBaseline: true,
        baselineAssessmentId: baseline.assessmentId,
        categories: categoriesOf(prescribed),
        followUpId: ids.next(),
      },
    );
    // Its follow-up, with a reminder: the finished prescription's falls due as soon as the scheduler runs.
    const followUp = newFollowUp(prescription, { followUpId: prescription.followUpId!, navigator: DEMO_NAVIGATOR, now: at(startedDaysAgo) });
    const prescribedReferral = (await patients.getReferral(patient.patientId, referral.referralId))!;
    const refused = await prescriptions.create(prescription, navigator, [
      patients.advanceReferral(prescribedReferral, 'prescribed', at(startedDaysAgo))!,
      ...followUps.createItems(followUp),
    ]);
    if (refused) throw new Error(`demo prescription not written: ${refused.code}`);
    await followUpReminders.remind(undefined, followUp);
    if (stage.kind === 'paused' || stage.kind === 'withdrawn') {
      const daysAgoChanged = stage.kind === 'paused' ? stage.pausedDaysAgo : stage.withdrawnDaysAgo;
      const changed = applyChange(prescription, { status: stage.kind }, daysAgo(daysAgoChanged), at(daysAgoChanged));
      const movedFollowUp = applyPrescriptionChange(followUp, followUpChange(prescription, changed), at(daysAgoChanged))!;
      const changeRefused = await prescriptions.update(prescription, changed, navigator, [followUps.replaceItem(followUp, movedFollowUp)]);
      if (changeRefused) throw new Error(`demo prescription not changed: ${changeRefused.code}`);
      await followUpReminders.remind(followUp, movedFollowUp);
    }
    if (stage.kind === 'prescribed') {
      await seedPastWeekOfScans(services, cardId, prescription.activityIds, activities, index);
    }
    if (stage.kind === 'completed') {
      await seedScans(services, cardId, prescription.activityIds, activities, index, stage.startedDaysAgo - 1, stage.startedDaysAgo - 7 * 12 + 1);
      // Held on the day, through the same completion the inbox uses.
      const [satisfied, worthwhile, happy, anxious] = stage.followUp.ons4;
      const done = await services.followUpService.completeWith(
        navigator,
        followUp,
        { ...patient, baselineAssessmentId: baseline.assessmentId },
        { ons4: { satisfied, worthwhile, happy, anxious }, swemwbs: stage.followUp.swemwbs },
        fixedClock(at(stage.followedUpDaysAgo)),
      );
      if (done.kind !== 'completed') throw new Error(`demo follow-up not completed: ${done.code}`);
    }
  }
  return seeded;
}

/** The patients' use cases with the clock set to one moment of the demo's past (so each step is dated when it happened). */
function patientServiceAt(services: Services, when: Date): PatientService {
  return new PatientService({
    patients: services.patients,
    navigators: services.peopleService,
    prescriptions: services.prescriptionService,
    // The seed reads no timelines.
    history: { entriesFor: async () => [] },
    gpSummaries: services.gpMessageService,
    clock: fixedClock(when),
    ids: services.ids,
  });
}

/** A referral that the demo declines: the navigator could not reach her twice, then did, and she said no thank you. */
export const DEMO_DECLINED = {
  patient: { givenName: 'Rose', familyName: 'Whitfield', dateOfBirth: '1938-02-11', postcode: 'LU2 9AB', gpPractice: 'Bute House Medical Centre' },
  source: 'gp' as const,
  reasons: ['isolation'],
};

/**
 * The rest of the referral lifecycle, through the same use cases as the API, each with a clock
 * set to when it happened: contacts (one a did-not-attend, some unanswered), a declined referral,
 * referrals closed as completed and as moved away, a re-referred person with a second episode,
 * and consent decisions. Nobody here lands in `received`: the two waiting for first contact stay
 * Aisha and Derek (the triage walk-through works them).
 */
async function seedLifecycle(services: Services, caseload: SeededCaseload): Promise<void> {
  const navigator: Principal = { sub: DEMO_NAVIGATOR, role: 'navigator' };
  const at = (days: number, hours = 0) => new Date(services.clock.now().getTime() - days * 86_400_000 + hours * 3_600_000);
  const seeded = (givenName: string) => {
    const found = caseload.get(givenName);
    if (!found) throw new Error(`no demo patient ${givenName}`);
    return found;
  };
  const contact = async (patientId: string, days: number, kind: 'phone' | 'visit', outcome: 'reached' | 'no_answer' | 'left_message' | 'did_not_attend') => {
    const done = await patientServiceAt(services, at(days, 1)).recordContact(navigator, patientId, { at: at(days).toISOString(), kind, outcome });
    if (done.kind !== 'recorded') throw new Error(`demo contact not recorded: ${done.kind}`);
  };
  const end = async (referralId: string, days: number, to: 'declined' | 'closed', reason: 'not_interested' | 'moved_away' | 'completed') => {
    const done = await patientServiceAt(services, at(days)).end(navigator, referralId, to, { reason });
    if (done.kind !== 'done') throw new Error(`demo referral not ${to}: ${done.kind}`);
  };
  const consent = async (givenName: string, purpose: 'evaluation' | 'share_attendance', given: boolean) => {
    const { patientId, demo } = seeded(givenName);
    // Asked at the first meeting, a week before the prescription started.
    const metDaysAgo = 'startedDaysAgo' in demo.stage ? demo.stage.startedDaysAgo + 7 : 3;
    const done = await patientServiceAt(services, at(metDaysAgo, 1)).setConsent(navigator, patientId, purpose, { given });
    if (done.kind !== 'done') throw new Error(`demo consent not recorded: ${done.kind}`);
  };

  // Declined: referred 24 days ago, two tries that did not reach her, then a call that did (accepting it), and she declined.
  const referred = await patientServiceAt(services, at(24)).refer(navigator, DEMO_DECLINED);
  if (referred.kind !== 'created') throw new Error(`demo referral not made: ${referred.kind}`);
  const rose = referred.patient.patientId;
  await contact(rose, 22, 'phone', 'no_answer');
  await contact(rose, 20, 'phone', 'left_message');
  await contact(rose, 17, 'phone', 'reached');
  await end(referred.referral.referralId, 17, 'declined', 'not_interested');

  // Contacts in the caseload: Grace missed a meeting and was called the next day; Ian did not answer.
  await contact(seeded('Grace').patientId, 4, 'visit', 'did_not_attend');
  await contact(seeded('Grace').patientId, 3, 'phone', 'reached');
  await contact(seeded('Ian').patientId, 6, 'phone', 'no_answer');

  // Closed: Samuel moved away (his prescription was withdrawn the day before); Margaret's support is over.
  await end(seeded('Samuel').referralId, 19, 'closed', 'moved_away');
  await end(seeded('Margaret').referralId, 13, 'closed', 'completed');

  // Re-referred: Kwame's first episode closed after his follow-up; his GP referred him again, and the navigator reached him.
  const kwame = seeded('Kwame');
  await end(kwame.referralId, 19, 'closed', 'completed');
  const again = await patientServiceAt(services, at(5)).refer(navigator, {
    patient: { givenName: kwame.demo.givenName, familyName: kwame.demo.familyName, dateOfBirth: kwame.demo.dateOfBirth, nhsNumber: kwame.nhsNumber },
    source: 'gp',
    reasons: ['debt', 'low mood'],
  });
  if (again.kind !== 'created' || !again.rereferral) throw new Error(`demo re-referral not made: ${again.kind}`);
  await contact(kwame.patientId, 3, 'phone', 'reached');

  // Consents beside the GP summaries already recorded: evaluation yes and no, sharing attendance.
  // (Samuel, who said no to the evaluation, has no attendance, so the exports still hold every scan.)
  await consent('Margaret', 'evaluation', true);
  await consent('Helen', 'evaluation', true);
  await consent('Kwame', 'evaluation', true);
  await consent('Samuel', 'evaluation', false);
  await consent('Grace', 'share_attendance', true);
}

/** The seed's scanners record scans and never read attendance. */
const NO_ATTENDANCE_READS = {
  providerExists: async () => {
    throw new Error('the demo data records scans only');
  },
};

/**
 * The last seven days at the door: the person comes to each prescribed session in its weekly
 * slot (missing about one in four), scanned by the provider's device through the real scan
 * path, so attendance counts and reports show at once.
 */
async function seedPastWeekOfScans(services: Services, cardId: string, prescribed: string[], activities: ActivityRecord[], seed: number) {
  await seedScans(services, cardId, prescribed, activities, seed, 7, 1);
}

/**
 * Scans on the days `fromDaysAgo` back to `toDaysAgo`, each through the real scan path with a
 * clock set to the moment of the scan (so one made weeks ago is judged as it was then).
 */
async function seedScans(
  services: Services,
  cardId: string,
  prescribed: string[],
  activities: ActivityRecord[],
  seed: number,
  fromDaysAgo: number,
  toDaysAgo: number,
) {
  const today = Temporal.PlainDate.from(londonDate(services.clock.now()));
  for (let back = fromDaysAgo; back >= toDaysAgo; back--) {
    const day = today.subtract({ days: back });
    for (const activityId of prescribed) {
      const activity = activities.find((candidate) => candidate.activityId === activityId);
      const session = activity?.schedule?.find((slot) => WEEKDAYS.indexOf(slot.day) + 1 === day.dayOfWeek);
      if (!activity || !session || (seed + back) % 4 === 0) continue;
      const scannedAt = day.toZonedDateTime({ timeZone: LONDON, plainTime: Temporal.PlainTime.from(session.startTime) }).add({ minutes: 5 });
      // A scanner whose clock is the moment of the scan; it records scans only, so it asks the registry nothing.
      const scanner = new ScanService(services.scans, fixedClock(new Date(scannedAt.epochMilliseconds + 60_000)), services.logger, NO_ATTENDANCE_READS, services.devices);
      await scanner.recordScan(
        { sub: `device-${activity.providerId}`, role: 'provider', providerId: activity.providerId },
        { scanId: randomUUID(), cardId, venueId: activity.venueId, activityId, scannedAt: scannedAt.toInstant().toString() },
      );
    }
  }
}

/**
 * Two referrals sent with the public form a few days ago, waiting in the unassigned triage queue
 * for a manager to give to a navigator (the console's Triage page).
 */
async function seedPublicReferrals(services: Services): Promise<void> {
  const forms = [
    {
      daysAgo: 5,
      form: {
        person: { givenName: 'Grace', familyName: 'Adeyemi', dateOfBirth: '1949-08-23', postcode: 'LU4 0PQ', phone: '07700 900611' },
        referrer: { role: 'pharmacist' as const, name: 'Sunil Patel', organisation: 'Marsh Road Pharmacy', phone: '01582 000222' },
        reasons: ['isolation', 'bereavement'],
        consentToContact: true as const,
      },
    },
    {
      daysAgo: 2,
      form: {
        person: { givenName: 'Callum', familyName: 'Reid', dateOfBirth: '1991-01-30', email: 'callum.reid@example.org' },
        referrer: { role: 'self' as const },
        reasons: ['low mood', 'exercise'],
        consentToContact: true as const,
      },
    },
  ];
  for (const { daysAgo, form } of forms) {
    const at = new Date(services.clock.now().getTime() - daysAgo * 86_400_000);
    const service = new PublicReferralService({ patients: services.patients, navigators: services.peopleService, clock: fixedClock(at), ids: services.ids });
    await service.receive(form);
  }
}
