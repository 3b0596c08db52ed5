import { createHash } from 'node:crypto';
import type { Bundle, BundleEntry, Composition, CompositionSection, Observation, Patient, Resource, ServiceRequest } from 'fhir/r4';
import { SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING, SNOMED_SOCIAL_PRESCRIBING_DECLINED } from '#shared/patients/schema';
import type { GpMessageTrigger, GpSummaryContent } from './schema';

/**
 * A GP summary rendered: the letter's words (as HTML for the console; `pdf.ts` draws them into the
 * PDF) and the FHIR R4 document. Loaded only when a summary is read, so the API's cold start does
 * not carry it.
 */

export const NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';
export const ODS_CODE_SYSTEM = 'https://fhir.nhs.uk/Id/ods-organization-code';
export const SNOMED_SYSTEM = 'http://snomed.info/sct';
export const LOINC_SYSTEM = 'http://loinc.org';
/** Waymark's own code system for the measures that have no national code we can vouch for (ONS4 items, the SWEMWBS metric score). */
export const WAYMARK_MEASURE_SYSTEM = 'https://waymark.example.org/fhir/CodeSystem/outcome-measure';

// ---------------------------------------------------------------------------------------------
// The letter's words: one source for the HTML and the PDF
// ---------------------------------------------------------------------------------------------

const TRIGGER_TITLE: Record<GpMessageTrigger, string> = {
  referral_declined: 'Social prescribing referral declined',
  referral_closed: 'Social prescribing referral closed',
  follow_up_completed: 'Social prescribing completed: follow-up held',
};

const REASON_TEXT: Record<string, string> = {
  not_interested: 'not interested',
  unable_to_contact: 'unable to contact',
  did_not_attend: 'did not attend',
  already_supported: 'already supported elsewhere',
  mis_referred: 'referred in error',
  moved_away: 'moved away',
  consent_withdrawn: 'consent withdrawn',
  deceased: 'deceased',
  other: 'other',
  completed: 'support completed',
};

const ONS4_LABELS = {
  satisfied: 'Life satisfaction (ONS4, 0–10)',
  worthwhile: 'Things done are worthwhile (ONS4, 0–10)',
  happy: 'Happiness yesterday (ONS4, 0–10)',
  anxious: 'Anxiety yesterday (ONS4, 0–10)',
} as const;
const SWEMWBS_LABEL = 'SWEMWBS metric score (7–35)';

export interface LetterSection {
  heading: string;
  lines: string[];
}
export interface Letter {
  title: string;
  sections: LetterSection[];
}

const day = (instant: string) => instant.slice(0, 10);
const formatNhsNumber = (n: string) => `${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`;

export function outcomeText(content: GpSummaryContent): string {
  const { referral, trigger } = content;
  const reason = referral.endReason ? REASON_TEXT[referral.endReason] ?? referral.endReason : undefined;
  if (trigger === 'referral_declined') return `Declined${referral.endedAt ? ` on ${day(referral.endedAt)}` : ''}${reason ? `: ${reason}` : ''}.`;
  if (trigger === 'referral_closed') return `Closed${referral.endedAt ? ` on ${day(referral.endedAt)}` : ''}${reason ? `: ${reason}` : ''}.`;
  return `The prescription ended with its follow-up assessment${content.outcomes.followUp ? ` on ${day(content.outcomes.followUp.recordedAt)}` : ''}.`;
}

/** The letter as headed sections of plain lines (no HTML): rendered as HTML for the console and drawn into the PDF. */
export function letter(content: GpSummaryContent): Letter {
  const { patient, referral, support, outcomes } = content;
  const sections: LetterSection[] = [
    {
      heading: 'Patient',
      lines: [
        `Name: ${patient.givenName} ${patient.familyName}`,
        `Date of birth: ${patient.dateOfBirth}`,
        `NHS number: ${patient.nhsNumber ? formatNhsNumber(patient.nhsNumber) : 'not recorded'}`,
        `GP practice: ${content.practiceName ? `${content.practiceName} (${content.practiceCode})` : content.practiceCode}`,
      ],
    },
    {
      heading: 'Referral',
      lines: [
        `Referral to social prescribing service (SNOMED CT ${SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING}), received ${day(referral.receivedAt)} from ${referral.source.replace('_', ' ')}.`,
        `Reasons: ${referral.reasons.join(', ')}.`,
      ],
    },
    {
      heading: 'Outcome',
      lines: [
        outcomeText(content),
        ...(content.trigger === 'referral_declined' ? [`Social prescribing declined (SNOMED CT ${SNOMED_SOCIAL_PRESCRIBING_DECLINED}).`] : []),
      ],
    },
    {
      heading: 'Support offered',
      lines: support
        ? [
            `Social prescription of ${support.weeks} weeks, ${support.startDate} to ${support.endDate} (${support.status}).`,
            ...(support.goals.length ? [`Goals: ${support.goals.join('; ')}.`] : []),
            ...support.activities.map((a) => `Activity: ${a.name}, ${a.provider} (${a.category}).`),
            `Sessions attended: ${support.sessionsAttended}.`,
          ]
        : ['No social prescription was started.'],
    },
    { heading: 'Outcome measures', lines: measureLines(outcomes) },
  ];
  return { title: TRIGGER_TITLE[content.trigger], sections };
}

function measureLines(outcomes: GpSummaryContent['outcomes']): string[] {
  const { baseline, followUp } = outcomes;
  if (!baseline && !followUp) return ['No outcome measures were recorded.'];
  const lines: string[] = [];
  const value = (v: number | undefined) => (v === undefined ? '–' : String(v));
  const header = `Measured: baseline ${baseline ? day(baseline.recordedAt) : 'not recorded'}; follow-up ${followUp ? day(followUp.recordedAt) : 'not recorded'}.`;
  lines.push(header);
  for (const item of ['satisfied', 'worthwhile', 'happy', 'anxious'] as const) {
    lines.push(`${ONS4_LABELS[item]}: baseline ${value(baseline?.ons4[item])}, follow-up ${value(followUp?.ons4[item])}.`);
  }
  if (baseline?.swemwbsMetric !== undefined || followUp?.swemwbsMetric !== undefined) {
    lines.push(`${SWEMWBS_LABEL}: baseline ${value(baseline?.swemwbsMetric)}, follow-up ${value(followUp?.swemwbsMetric)}.`);
  }
  return lines;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

/** The letter as an HTML fragment: every value escaped, no scripts, no styles beyond the console's own. */
export function letterHtml(content: GpSummaryContent): string {
  const { title, sections } = letter(content);
  const body = sections
    .map((s) => `<section><h3>${escapeHtml(s.heading)}</h3>${s.lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('')}</section>`)
    .join('');
  return `<article class="gp-letter"><h2>${escapeHtml(title)}</h2><p>Prepared ${escapeHtml(day(content.preparedAt))} by the social prescribing service.</p>${body}</article>`;
}

// ---------------------------------------------------------------------------------------------
// The FHIR R4 document
// ---------------------------------------------------------------------------------------------

/** A stable UUID for one resource of one message, so the same message always gives the same document. */
function uuidFor(messageId: string, part: string): string {
  const h = createHash('sha256').update(`${messageId}:${part}`).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const xhtml = (lines: string[]) => `<div xmlns="http://www.w3.org/1999/xhtml">${lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('')}</div>`;

/** The FHIR R4 document Bundle: a Composition first, then the Patient, the referral and the outcome measures it refers to. */
export function fhirBundle(content: GpSummaryContent): Bundle {
  const id = (part: string) => `urn:uuid:${uuidFor(content.messageId, part)}`;
  const words = letter(content);
  const section = (heading: string) => words.sections.find((s) => s.heading === heading)!.lines;
  const patientRef = { reference: id('patient') };

  const patient: Patient = {
    resourceType: 'Patient',
    ...(content.patient.nhsNumber ? { identifier: [{ system: NHS_NUMBER_SYSTEM, value: content.patient.nhsNumber }] } : {}),
    name: [{ use: 'official', family: content.patient.familyName, given: [content.patient.givenName] }],
    birthDate: content.patient.dateOfBirth,
    generalPractitioner: [{ identifier: { system: ODS_CODE_SYSTEM, value: content.practiceCode }, ...(content.practiceName ? { display: content.practiceName } : {}) }],
  };
  const referral: ServiceRequest = {
    resourceType: 'ServiceRequest',
    status: content.trigger === 'referral_declined' ? 'revoked' : 'completed',
    intent: 'order',
    code: { coding: [{ system: SNOMED_SYSTEM, code: SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING, display: 'Referral to social prescribing service' }] },
    subject: patientRef,
    authoredOn: content.referral.receivedAt,
    reasonCode: content.referral.reasons.map((text) => ({ text })),
  };
  const entries: { part: string; resource: Resource }[] = [
    { part: 'patient', resource: patient },
    { part: 'referral', resource: referral },
  ];
  const outcomeRefs: { reference: string }[] = [];
  if (content.trigger === 'referral_declined') {
    const declined: Observation = {
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: SNOMED_SYSTEM, code: SNOMED_SOCIAL_PRESCRIBING_DECLINED, display: 'Social prescribing declined' }] },
      subject: patientRef,
      effectiveDateTime: content.referral.endedAt ?? content.preparedAt,
      ...(content.referral.endReason ? { valueCodeableConcept: { text: REASON_TEXT[content.referral.endReason] ?? content.referral.endReason } } : {}),
    };
    entries.push({ part: 'declined', resource: declined });
    outcomeRefs.push({ reference: id('declined') });
  }

  const measureRefs: { reference: string }[] = [];
  for (const [when, set] of [
    ['baseline', content.outcomes.baseline],
    ['follow-up', content.outcomes.followUp],
  ] as const) {
    if (!set) continue;
    const observation = (code: string, display: string, value: number): Observation => ({
      resourceType: 'Observation',
      status: 'final',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey', display: 'Survey' }] }],
      code: { coding: [{ system: WAYMARK_MEASURE_SYSTEM, code, display }], text: `${display} (${when})` },
      subject: patientRef,
      effectiveDateTime: set.recordedAt,
      valueInteger: Number.isInteger(value) ? value : undefined,
      ...(Number.isInteger(value) ? {} : { valueQuantity: { value, unit: 'score' } }),
    });
    for (const item of ['satisfied', 'worthwhile', 'happy', 'anxious'] as const) {
      entries.push({ part: `${when}-ons4-${item}`, resource: withoutUndefined(observation(`ons4-${item}`, ONS4_LABELS[item], set.ons4[item])) });
      measureRefs.push({ reference: id(`${when}-ons4-${item}`) });
    }
    if (set.swemwbsMetric !== undefined) {
      entries.push({ part: `${when}-swemwbs`, resource: withoutUndefined(observation('swemwbs-metric', SWEMWBS_LABEL, set.swemwbsMetric)) });
      measureRefs.push({ reference: id(`${when}-swemwbs`) });
    }
  }

  const sections: CompositionSection[] = [
    {
      title: 'Referral',
      code: { coding: [{ system: SNOMED_SYSTEM, code: SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING, display: 'Referral to social prescribing service' }] },
      text: { status: 'generated', div: xhtml(section('Referral')) },
      entry: [{ reference: id('referral') }],
    },
    {
      title: 'Outcome and reason',
      text: { status: 'generated', div: xhtml(section('Outcome')) },
      ...(outcomeRefs.length ? { entry: outcomeRefs } : {}),
    },
    { title: 'Support offered', text: { status: 'generated', div: xhtml(section('Support offered')) } },
    {
      title: 'Outcome measures',
      text: { status: 'generated', div: xhtml(section('Outcome measures')) },
      ...(measureRefs.length ? { entry: measureRefs } : { emptyReason: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/list-empty-reason', code: 'unavailable' }] } }),
    },
  ];
  const composition: Composition = {
    resourceType: 'Composition',
    status: 'final',
    type: { coding: [{ system: LOINC_SYSTEM, code: '34133-9', display: 'Summary of episode note' }], text: 'Social prescribing summary' },
    subject: patientRef,
    date: content.preparedAt,
    author: [{ display: 'Social prescribing service (Waymark)' }],
    title: words.title,
    section: sections,
  };
  const all: BundleEntry[] = [
    { fullUrl: id('composition'), resource: composition },
    ...entries.map(({ part, resource }) => ({ fullUrl: id(part), resource })),
  ];
  return {
    resourceType: 'Bundle',
    identifier: { system: 'urn:ietf:rfc:3986', value: `urn:uuid:${uuidFor(content.messageId, 'bundle')}` },
    type: 'document',
    timestamp: content.preparedAt,
    entry: all,
  };
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
