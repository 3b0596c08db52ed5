import { describe, expect, it } from 'vitest';
import { canOpen, homeRoute, href, navLinks, parseRoute } from '../../../web/console/lib/routes';

describe('hash routes', () => {
  it('parses every page', () => {
    expect(parseRoute('')).toEqual({ name: 'home' });
    expect(parseRoute('#/')).toEqual({ name: 'home' });
    expect(parseRoute('#/caseload')).toEqual({ name: 'caseload' });
    expect(parseRoute('#/referrals?status=new')).toEqual({ name: 'referrals', status: 'new' });
    expect(parseRoute('#/referrals/new')).toEqual({ name: 'newReferral' });
    expect(parseRoute('#/patients/01M85B6JBMPV7K5VMY0TGC2H86')).toEqual({ name: 'patient', patientId: '01M85B6JBMPV7K5VMY0TGC2H86' });
    expect(parseRoute('#/followups?status=scheduled')).toEqual({ name: 'followups', status: 'scheduled' });
    expect(parseRoute('#/providers/new')).toEqual({ name: 'newProvider' });
    expect(parseRoute('#/providers/P1')).toEqual({ name: 'provider', providerId: 'P1' });
    expect(parseRoute('#/reports?from=2026-09-01&to=2026-11-23&groupBy=provider')).toEqual({
      name: 'reports',
      query: { from: '2026-09-01', to: '2026-11-23', groupBy: 'provider' },
    });
  });

  it('sends anything else to "page not found"', () => {
    expect(parseRoute('#/patients').name).toBe('notFound');
    expect(parseRoute('#/patients/a/b').name).toBe('notFound');
    expect(parseRoute('#/patients/<script>').name).toBe('notFound');
    expect(parseRoute('#main-content').name).toBe('notFound');
  });

  it('parses and builds the GP outbox, with its status tab', () => {
    expect(parseRoute(href.gpMessages())).toEqual({ name: 'gpMessages' });
    expect(parseRoute(href.gpMessages('sent'))).toEqual({ name: 'gpMessages', status: 'sent' });
    const id = '01J9Z8X7W6V5T4S3R2Q1P0N9M8';
    expect(href.gpMessages('sent', id)).toBe(`#/gp-messages?status=sent&message=${id}`);
    expect(parseRoute(href.gpMessages(undefined, id))).toEqual({ name: 'gpMessages', message: id });
    expect(parseRoute('#/gp-messages?message=not-an-id')).toEqual({ name: 'gpMessages' });
    expect(parseRoute('#/gp-messages/x').name).toBe('notFound');
    expect(canOpen('navigator', 'gpMessages') && canOpen('manager', 'gpMessages')).toBe(true);
    expect(canOpen('provider', 'gpMessages')).toBe(false);
  });

  it('builds links the parser reads back', () => {
    const patientId = '01JD3ZKX4T0W8Q9R5N6M7P2B1C';
    expect(parseRoute(href.patient(patientId))).toEqual({ name: 'patient', patientId });
    expect(parseRoute(href.plan(patientId))).toEqual({ name: 'plan', patientId });
    expect(parseRoute(`#/patients/${patientId}/plans`).name).toBe('notFound');
    // Not a patient id at all: the page does not exist (the API would call it a bad request).
    expect(parseRoute('#/patients/01ABC').name).toBe('notFound');
    expect(parseRoute('#/patients/01JD3ZKX4T0W8Q9R5N6M7P2B1U').name).toBe('notFound');
    expect(canOpen('navigator', 'plan') && canOpen('manager', 'plan')).toBe(true);
    expect(canOpen('provider', 'plan')).toBe(false);
    expect(href.referrals()).toBe('#/referrals');
    expect(href.referrals('assessed')).toBe('#/referrals?status=assessed');
    expect(href.reports({ from: '2026-09-01', to: undefined })).toBe('#/reports?from=2026-09-01');
  });

  it('shows each role its own navigation', () => {
    const labels = (role: Parameters<typeof navLinks>[0]) => navLinks(role).map((l) => l.label);
    expect(labels('navigator')).toEqual(['Caseload', 'Referrals', 'New referral', 'Follow-ups', 'GP outbox', 'Reports']);
    expect(labels('manager')).toEqual(['Providers', 'Caseloads', 'Triage', 'GP outbox', 'Reports', 'People']);
    expect(labels('admin')).toEqual(['Caseload', 'Referrals', 'New referral', 'Follow-ups', 'GP outbox', 'Providers', 'Reports', 'People']);
    expect(homeRoute('navigator')).toEqual({ name: 'caseload' });
    expect(homeRoute('manager')).toEqual({ name: 'providers' });
  });

  it('keeps pages to the roles that use them', () => {
    expect(canOpen('navigator', 'reports')).toBe(true);
    expect(canOpen('manager', 'caseload')).toBe(true);
    expect(canOpen('navigator', 'patient')).toBe(true);
    expect(canOpen('manager', 'newReferral')).toBe(false);
    expect(canOpen('manager', 'providers')).toBe(true);
    expect(canOpen('admin', 'reports')).toBe(true);
    expect(canOpen('provider', 'caseload')).toBe(false);
    expect(canOpen('manager', 'people')).toBe(true);
    expect(canOpen('admin', 'people')).toBe(true);
    expect(canOpen('navigator', 'people')).toBe(false);
  });

  it('parses and builds the people page, with its role filter', () => {
    expect(parseRoute('#/people')).toEqual({ name: 'people' });
    expect(parseRoute(href.people('manager'))).toEqual({ name: 'people', role: 'manager' });
    expect(parseRoute('#/people/extra').name).toBe('notFound');
  });
});
