import type { Composition, Observation, Patient, ServiceRequest } from 'fhir/r4';
import { describe, expect, it } from 'vitest';
import { letterPdf, wrap } from '#shared/gp-messages/pdf';
import { fhirBundle, letterHtml, NHS_NUMBER_SYSTEM, ODS_CODE_SYSTEM, SNOMED_SYSTEM } from '#shared/gp-messages/document';
import { closeRepeatsFollowUp, gpSummaryBlock, markSent, newGpMessage, type GpMessageRecord } from '#shared/gp-messages/rules';
import type { GpSummaryContent } from '#shared/gp-messages/schema';
import { fhirSchemaErrors, pdfText } from './support';

const consent = { given: true, recordedAt: '2026-01-05T10:00:00Z', recordedBy: 'nav-1' };
const clock = { now: () => new Date('2026-04-01T09:30:00Z') };
const ids = { next: () => '01JQ0000000000000000000001' };

const completed: GpSummaryContent = {
  messageId: '01JQ0000000000000000000001',
  trigger: 'follow_up_completed',
  preparedAt: '2026-04-01T09:30:00.000Z',
  practiceCode: 'E81046',
  practiceName: 'Bute House Medical Centre',
  patient: { nhsNumber: '9990000018', givenName: 'Margaret', familyName: 'Doyle', dateOfBirth: '1951-06-17' },
  referral: { referralId: '01JQ0000000000000000000002', receivedAt: '2025-12-01T10:00:00.000Z', source: 'gp', reasons: ['isolation'], status: 'prescribed' },
  support: {
    prescriptionId: '01JQ0000000000000000000003',
    status: 'completed',
    startDate: '2026-01-05',
    endDate: '2026-03-29',
    weeks: 12,
    goals: ['Get out of the house twice a week'],
    sessionsAttended: 17,
    activities: [{ name: 'Walking football', provider: 'Luton Town Community Trust', category: 'physical' }],
  },
  outcomes: {
    baseline: { assessmentId: 'A1', recordedAt: '2026-01-02T10:00:00.000Z', ons4: { satisfied: 3, worthwhile: 4, happy: 3, anxious: 6 }, swemwbsMetric: 17.43 },
    followUp: { assessmentId: 'A2', recordedAt: '2026-03-30T10:00:00.000Z', ons4: { satisfied: 6, worthwhile: 7, happy: 6, anxious: 4 }, swemwbsMetric: 22.35 },
  },
};

const declined: GpSummaryContent = {
  ...completed,
  messageId: '01JQ0000000000000000000009',
  trigger: 'referral_declined',
  referral: { ...completed.referral, status: 'declined', endReason: 'not_interested', endedAt: '2025-12-10T11:00:00.000Z' },
  support: undefined,
  outcomes: {},
} as GpSummaryContent;
delete (declined as Partial<GpSummaryContent>).support;

const resources = (bundle: ReturnType<typeof fhirBundle>) => bundle.entry!.map((e) => e.resource!);

describe('whether a summary may be prepared', () => {
  it('needs consent given to a GP summary, and the practice’s ODS code', () => {
    expect(gpSummaryBlock({ gpPracticeCode: 'A81001' })).toBe('no_consent');
    expect(gpSummaryBlock({ gpPracticeCode: 'A81001', consents: { gpSummary: { ...consent, given: false } } })).toBe('no_consent');
    expect(gpSummaryBlock({ consents: { gpSummary: consent } })).toBe('no_practice_code');
    expect(gpSummaryBlock({ gpPracticeCode: 'A81001', consents: { gpSummary: consent } })).toBeUndefined();
  });

  it('makes a ready message for the practice, or says why not', () => {
    const patient = { patientId: 'P1', navigator: 'nav-1', openReferralId: 'R1', gpPracticeCode: 'A81001', consents: { gpSummary: consent } };
    const made = newGpMessage({ trigger: 'referral_declined', patient, referralId: 'R1', by: 'nav-1' }, { clock, ids });
    expect(made).toEqual({
      ok: true,
      message: expect.objectContaining({ status: 'ready', practiceCode: 'A81001', trigger: 'referral_declined', navigator: 'nav-1', preparedAt: '2026-04-01T09:30:00.000Z' }),
    });
    expect(newGpMessage({ trigger: 'referral_declined', patient: { ...patient, consents: {} }, referralId: 'R1', by: 'x' }, { clock, ids })).toEqual({ ok: false, block: 'no_consent' });
  });

  it('a close as completed after the follow-up’s summary adds none; any other close does', () => {
    const existing = [{ referralId: 'R1', trigger: 'follow_up_completed' as const }];
    expect(closeRepeatsFollowUp(existing, 'R1', 'completed')).toBe(true);
    expect(closeRepeatsFollowUp(existing, 'R1', 'moved_away')).toBe(false);
    expect(closeRepeatsFollowUp(existing, 'R2', 'completed')).toBe(false);
    expect(closeRepeatsFollowUp([], 'R1', 'completed')).toBe(false);
  });
});

describe('marking sent', () => {
  const ready: GpMessageRecord = {
    messageId: 'M1', patientId: 'P1', referralId: 'R1', trigger: 'referral_closed', practiceCode: 'A81001',
    status: 'ready', preparedAt: '2026-04-01T09:30:00.000Z', preparedBy: 'nav-1', version: 1,
  };
  it('freezes the content with who, when and how', () => {
    const moved = markSent(ready, completed, { via: 'mesh', reference: 'MESH-123' }, 'nav-2', new Date('2026-04-02T08:00:00Z'));
    expect(moved).toEqual({
      kind: 'sent',
      after: { ...ready, status: 'sent', sentAt: '2026-04-02T08:00:00.000Z', sentBy: 'nav-2', sentVia: 'mesh', sentReference: 'MESH-123', content: completed, version: 2 },
    });
  });
  it('twice is refused', () => {
    const sent = { ...ready, status: 'sent' as const, sentAt: '2026-04-02T08:00:00.000Z' };
    expect(markSent(sent, completed, { via: 'post' }, 'nav-2', new Date())).toEqual({ kind: 'already_sent', sentAt: '2026-04-02T08:00:00.000Z' });
  });
});

describe('the FHIR R4 document', () => {
  it('is a document Bundle whose first entry is the Composition, with the four sections', () => {
    const bundle = fhirBundle(completed);
    expect(bundle.type).toBe('document');
    expect(bundle.timestamp).toBe(completed.preparedAt);
    const [composition] = resources(bundle) as [Composition];
    expect(composition.resourceType).toBe('Composition');
    expect(composition.status).toBe('final');
    expect(composition.section!.map((s) => s.title)).toEqual(['Referral', 'Outcome and reason', 'Support offered', 'Outcome measures']);
    expect(composition.section![2]!.text!.div).toContain('Walking football, Luton Town Community Trust (physical)');
    expect(composition.section![2]!.text!.div).toContain('Sessions attended: 17.');
    // Every reference resolves to an entry of the bundle.
    const fullUrls = new Set(bundle.entry!.map((e) => e.fullUrl));
    const refs = JSON.stringify(bundle).match(/"reference":"([^"]+)"/g)!.map((r) => r.slice(13, -1));
    expect(refs.length).toBeGreaterThan(5);
    for (const ref of refs) expect(fullUrls.has(ref)).toBe(true);
  });

  it('identifies the Patient by NHS number with the NHS system, and the practice by ODS code', () => {
    const patient = resources(fhirBundle(completed)).find((r) => r.resourceType === 'Patient') as Patient;
    expect(patient.identifier).toEqual([{ system: NHS_NUMBER_SYSTEM, value: '9990000018' }]);
    expect(NHS_NUMBER_SYSTEM).toBe('https://fhir.nhs.uk/Id/nhs-number');
    expect(patient.generalPractitioner).toEqual([{ identifier: { system: ODS_CODE_SYSTEM, value: 'E81046' }, display: 'Bute House Medical Centre' }]);
    expect(patient.birthDate).toBe('1951-06-17');
  });

  it('codes the referral with SNOMED CT 871731000000106, and a decline with 871711000000103 too', () => {
    const referral = resources(fhirBundle(completed)).find((r) => r.resourceType === 'ServiceRequest') as ServiceRequest;
    expect(referral.code!.coding).toEqual([{ system: SNOMED_SYSTEM, code: '871731000000106', display: 'Referral to social prescribing service' }]);
    expect(referral.status).toBe('completed');
    expect(JSON.stringify(fhirBundle(completed))).not.toContain('871711000000103');

    const bundle = fhirBundle(declined);
    const codes = resources(bundle).flatMap((r) => ((r as { code?: { coding?: { code?: string }[] } }).code?.coding ?? []).map((c) => c.code));
    expect(codes).toContain('871731000000106');
    expect(codes).toContain('871711000000103');
    const decline = resources(bundle).find((r) => r.resourceType === 'Observation') as Observation;
    expect(decline.effectiveDateTime).toBe('2025-12-10T11:00:00.000Z');
    expect(decline.valueCodeableConcept).toEqual({ text: 'not interested' });
    expect((resources(bundle).find((r) => r.resourceType === 'ServiceRequest') as ServiceRequest).status).toBe('revoked');
  });

  it('has an Observation for each ONS4 item and the SWEMWBS metric score, at baseline and at follow-up', () => {
    const observations = resources(fhirBundle(completed)).filter((r): r is Observation => r.resourceType === 'Observation');
    expect(observations).toHaveLength(10);
    const byText = Object.fromEntries(observations.map((o) => [o.code.text, o.valueInteger ?? o.valueQuantity?.value]));
    expect(byText['Life satisfaction (ONS4, 0–10) (baseline)']).toBe(3);
    expect(byText['Life satisfaction (ONS4, 0–10) (follow-up)']).toBe(6);
    expect(byText['Anxiety yesterday (ONS4, 0–10) (follow-up)']).toBe(4);
    expect(byText['SWEMWBS metric score (7–35) (baseline)']).toBe(17.43);
    expect(byText['SWEMWBS metric score (7–35) (follow-up)']).toBe(22.35);
    expect(observations.every((o) => o.effectiveDateTime && o.status === 'final')).toBe(true);
  });

  it('is the same document every time it is built from the same content', () => {
    expect(fhirBundle(completed)).toEqual(fhirBundle(completed));
    expect(fhirBundle(completed).entry![0]!.fullUrl).not.toBe(fhirBundle(declined).entry![0]!.fullUrl);
  });

  it('validates against the FHIR R4 JSON schema (completed and declined)', () => {
    expect(fhirSchemaErrors(fhirBundle(completed))).toEqual([]);
    expect(fhirSchemaErrors(fhirBundle(declined))).toEqual([]);
  });

  it('the schema check can fail: a misspelt field or a bad status is caught', () => {
    const bad = fhirBundle(completed) as unknown as { entry: { resource: Record<string, unknown> }[] };
    bad.entry[1]!.resource.birthdate = '1951-06-17';
    expect(fhirSchemaErrors(bad).length).toBeGreaterThan(0);
    const badStatus = fhirBundle(completed) as unknown as { type: string };
    badStatus.type = 'letter';
    expect(fhirSchemaErrors(badStatus).length).toBeGreaterThan(0);
  });
});

describe('the letter', () => {
  it('HTML escapes every value', () => {
    const html = letterHtml({ ...completed, patient: { ...completed.patient, givenName: '<script>alert(1)</script>' } });
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('NHS number: 999 000 0018');
    expect(html).toContain('Social prescribing completed: follow-up held');
  });

  it('the PDF reads back with the patient, the codes, the support and the measures', async () => {
    const text = await pdfText(await letterPdf(completed));
    expect(text).toContain('Social prescribing completed: follow-up held');
    expect(text).toContain('Name: Margaret Doyle');
    expect(text).toContain('NHS number: 999 000 0018');
    expect(text).toContain('GP practice: Bute House Medical Centre (E81046)');
    expect(text).toContain('SNOMED CT 871731000000106');
    expect(text).toContain('Activity: Walking football, Luton Town Community Trust (physical).');
    expect(text).toContain('Sessions attended: 17.');
    expect(text).toContain('SWEMWBS metric score (7–35): baseline 17.43, follow-up 22.35.');
    expect(text).not.toContain('871711000000103');
  });

  it('a declined PDF says so, with the reason and the decline code; a name outside the PDF fonts does not break it', async () => {
    const text = await pdfText(await letterPdf({ ...declined, patient: { ...declined.patient, givenName: 'Łucja', familyName: 'Nowak' } }));
    expect(text).toContain('Declined on 2025-12-10: not interested.');
    expect(text).toContain('Social prescribing declined (SNOMED CT 871711000000103).');
    expect(text).toContain('Name: ?ucja Nowak');
    expect(text).toContain('No social prescription was started.');
  });

  it('wraps long lines at words', () => {
    expect(wrap('aa bb cc', (s) => s.length, 5)).toEqual(['aa bb', 'cc']);
    expect(wrap('abcdefgh', (s) => s.length, 3)).toEqual(['abc', 'def', 'gh']);
  });
});
