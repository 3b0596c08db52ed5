import { render } from 'preact';
import { useState } from 'preact/hooks';
import createClient from 'openapi-fetch';
import { londonDate } from '../console/lib/dates';
import { noProblems, problemsFromError, type FormProblems } from '../console/lib/issues';
import { Button, Checkboxes, ErrorSummary, Radios, TextField } from '../console/ui/components';
import type { paths } from '../shared/openapi';
import { REFER_FIELD_ORDER, REFER_FIELDS, ROLE_OPTIONS, emptyForm, toPublicReferral, validateReferForm, type ReferForm } from './form';

/**
 * The public referral form, served at /refer/: for people referring themselves and for
 * professionals without an account (a GP practice, a pharmacist, social care). No sign-in; one
 * page, then a confirmation. GOV.UK-style: labels on every field, an error summary linking to
 * each field, autocomplete attributes, one column that fits a 320-pixel phone.
 */
const api = createClient<paths>({ baseUrl: globalThis.location?.origin ?? '' });

function ReferPage() {
  const [form, setForm] = useState<ReferForm>(emptyForm);
  const [problems, setProblems] = useState<FormProblems>(noProblems);
  const [sending, setSending] = useState(false);
  const [sent, setSent] = useState<string>();
  const set = <K extends keyof ReferForm>(key: K) => (value: ReferForm[K]) => setForm((before) => ({ ...before, [key]: value }));
  const self = form.role === 'self';
  const error = (id: string) => problems.fields[id];

  async function submit(event: Event) {
    event.preventDefault();
    const checked = validateReferForm(form, londonDate(new Date()));
    setProblems(checked);
    if (Object.keys(checked.fields).length > 0) return;
    setSending(true);
    try {
      const { data, error: failure, response } = await api.POST('/v1/public/referrals', { body: toPublicReferral(form) });
      if (data) {
        setSent(data.message);
        window.scrollTo(0, 0);
        return;
      }
      const fallback =
        response.status === 429 ? 'Too many referrals have been sent from here just now. Please wait a few minutes and send it again.' : undefined;
      setProblems(problemsFromError(failure, REFER_FIELDS, '', fallback ?? 'The referral could not be sent. Please try again.'));
    } catch {
      setProblems({ fields: {}, general: ['The referral could not be sent: check your connection and try again.'] });
    } finally {
      setSending(false);
    }
  }

  if (sent) {
    return (
      <div class="panel panel--confirmation" role="status">
        <h1 class="heading-xl">Referral sent</h1>
        <p class="body">{sent}</p>
        <p class="body">
          <a href="/refer/" onClick={() => location.reload()}>
            Send another referral
          </a>
        </p>
      </div>
    );
  }

  return (
    <form class="refer-form" noValidate onSubmit={submit}>
      <h1 class="heading-xl">Refer to social prescribing</h1>
      <p class="body">
        Social prescribing connects people with local activities and support — for loneliness, low mood, getting active, money or housing
        worries. Use this form to refer yourself, or someone who has agreed to be referred.
      </p>
      <ErrorSummary problems={problems} order={REFER_FIELD_ORDER} />

      <h2 class="heading-l">Who is making this referral?</h2>
      <Radios id="role" name="role" legend="Who is making this referral?" legendClass="visually-hidden" options={ROLE_OPTIONS} value={form.role} onValue={(value) => set('role')(value as ReferForm['role'])} error={error('role')} />
      {!self && form.role !== '' && (
        <>
          <TextField id="referrerName" label="Your name (optional)" value={form.referrerName} onValue={set('referrerName')} autocomplete="name" error={error('referrerName')} />
          <TextField id="organisation" label="Your organisation (optional)" hint="For example, the GP practice or pharmacy" value={form.organisation} onValue={set('organisation')} autocomplete="organization" error={error('organisation')} />
          <TextField id="referrerEmail" label="Your email address (optional)" type="email" value={form.referrerEmail} onValue={set('referrerEmail')} autocomplete="work email" spellcheck={false} error={error('referrerEmail')} />
          <TextField id="referrerPhone" label="Your phone number (optional)" type="tel" value={form.referrerPhone} onValue={set('referrerPhone')} autocomplete="work tel" error={error('referrerPhone')} width="20" />
        </>
      )}

      <h2 class="heading-l">{self ? 'Your details' : 'The person’s details'}</h2>
      <TextField id="givenName" label="First name" value={form.givenName} onValue={set('givenName')} autocomplete={self ? 'given-name' : 'off'} spellcheck={false} error={error('givenName')} />
      <TextField id="familyName" label="Last name" value={form.familyName} onValue={set('familyName')} autocomplete={self ? 'family-name' : 'off'} spellcheck={false} error={error('familyName')} />
      <TextField id="dateOfBirth" label="Date of birth" type="date" value={form.dateOfBirth} onValue={set('dateOfBirth')} autocomplete={self ? 'bday' : 'off'} error={error('dateOfBirth')} width="10" />
      <TextField id="nhsNumber" label="NHS number (optional)" hint="10 digits, like 943 476 5919. Leave it out if you do not know it." value={form.nhsNumber} onValue={set('nhsNumber')} inputMode="numeric" autocomplete="off" error={error('nhsNumber')} width="10" />
      <TextField id="postcode" label="Postcode (optional)" value={form.postcode} onValue={set('postcode')} autocomplete={self ? 'postal-code' : 'off'} error={error('postcode')} width="10" />
      <TextField id="phone" label="Phone number (optional)" type="tel" value={form.phone} onValue={set('phone')} autocomplete={self ? 'tel' : 'off'} error={error('phone')} width="20" />
      <TextField id="email" label="Email address (optional)" type="email" value={form.email} onValue={set('email')} autocomplete={self ? 'email' : 'off'} spellcheck={false} error={error('email')} />

      <h2 class="heading-l">What would help?</h2>
      <TextField id="reasons" label="What would help?" labelClass="visually-hidden" hint="A few words each, separated by commas: for example loneliness, exercise, debt" value={form.reasons} onValue={set('reasons')} autocomplete="off" error={error('reasons')} />
      <Checkboxes
        id="consent"
        name="consent"
        legend="Agreement to be contacted"
        options={[{ value: 'yes', label: self ? 'I agree to be contacted about this referral' : 'The person agrees to be contacted about this referral' }]}
        values={form.consent ? ['yes'] : []}
        onValues={(values) => set('consent')(values.includes('yes'))}
        error={error('consent')}
      />
      <div class="refer-trap" aria-hidden="true">
        <label for="website">Leave this empty</label>
        <input id="website" name="website" type="text" tabIndex={-1} autocomplete="off" value={form.website} onInput={(event) => set('website')(event.currentTarget.value)} />
      </div>
      <Button type="submit" disabled={sending}>
        {sending ? 'Sending…' : 'Send referral'}
      </Button>
    </form>
  );
}

function Page() {
  return (
    <>
      <header class="header">
        <div class="width-container header__container">
          <span class="header__service">Waymark</span>
          <span class="header__tagline">Social prescribing</span>
        </div>
      </header>
      <div class="width-container">
        <main id="main-content" class="main">
          <ReferPage />
        </main>
      </div>
    </>
  );
}

render(<Page />, document.getElementById('root')!);
