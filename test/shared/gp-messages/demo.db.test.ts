import { beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '#local/seed';
import { createTestApp, type TestApp } from '../../support/app';
import { fhirSchemaErrors, pdfText } from './support';

/** The done-when of the GP message: a completed demo prescription has a ready GP message whose FHIR bundle validates and whose PDF reads correctly. */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ now: '2026-11-23T10:00:00Z' });
  expect(await seedDemo(t.services)).toBe('seeded');
});

describe('the demo outbox', () => {
  it('holds a ready summary for each finished patient who consented (Margaret Doyle, Helen Price), none for Kwame Mensah who did not', async () => {
    const { items } = (await t.call('GET', '/v1/gp-messages?status=ready&limit=100', { as: 'manager' })).body as {
      items: { messageId: string; trigger: string; practiceCode: string; patient: { givenName: string; familyName: string } }[];
    };
    expect(items.map((m) => `${m.patient.givenName} ${m.patient.familyName}`).sort()).toEqual(['Helen Price', 'Margaret Doyle']);
    expect(items.every((m) => m.trigger === 'follow_up_completed' && /^Y9000[12]$/.test(m.practiceCode))).toBe(true);

    const margaret = items.find((m) => m.patient.givenName === 'Margaret')!;
    const fhir = await t.call('GET', `/v1/gp-messages/${margaret.messageId}?format=fhir`, { as: 'navigator' });
    expect(fhir.status).toBe(200);
    expect(fhirSchemaErrors(fhir.body)).toEqual([]);
    const observations = fhir.body.entry.filter((e: { resource: { resourceType: string } }) => e.resource.resourceType === 'Observation');
    expect(observations).toHaveLength(10);

    const pdf = await t.app.request(`/v1/gp-messages/${margaret.messageId}?format=pdf`, { headers: { authorization: `Bearer ${await t.tokenFor('navigator')}` } });
    const text = await pdfText(new Uint8Array(await pdf.arrayBuffer()));
    expect(text).toContain('Name: Margaret Doyle');
    expect(text).toContain('Social prescription of 12 weeks');
    expect(text).toMatch(/Sessions attended: [1-9]\d*\./);
    expect(text).toContain('Life satisfaction (ONS4, 0–10): baseline 3, follow-up 6.');
  });
});
