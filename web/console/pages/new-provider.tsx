import { useState } from 'preact/hooks';
import { CATEGORIES, CATEGORY_LABELS } from '../lib/format';
import { hasProblems, noProblems, problemsFromError, type FormProblems } from '../lib/issues';
import { PROVIDER_FIELDS, emptyProviderForm, toCreateProvider, validateProvider, type ProviderForm } from '../lib/registry';
import { href } from '../lib/routes';
import type { Category } from '../lib/types';
import { AccreditationFields } from '../ui/accreditation-fields';
import { Button, Checkboxes, ErrorSummary, TextField } from '../ui/components';
import { useServices, useTitle } from '../ui/services';

const ORDER = ['providerName', 'categories', 'accreditationStatus', 'validUntil'];

export function NewProvider() {
  useTitle('Add a provider');
  const { api, today } = useServices();
  const [form, setForm] = useState<ProviderForm>(() => emptyProviderForm(today()));
  const [problems, setProblems] = useState<FormProblems>(noProblems);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const found = validateProvider(form);
    setProblems(found);
    if (hasProblems(found)) return;
    setBusy(true);
    const { data, error, response } = await api.POST('/v1/providers', { body: toCreateProvider(form) });
    if (!data) {
      setProblems(problemsFromError(error, PROVIDER_FIELDS, '', `The provider was not added (HTTP ${response.status}).`));
      setBusy(false);
      return;
    }
    location.hash = href.provider(data.providerId);
  };

  return (
    <>
      <p class="back">
        <a href={href.providers()} class="back-link">
          Back
        </a>
      </p>
      <h1 class="heading-xl">Add a provider</h1>
      <ErrorSummary problems={problems} order={ORDER} />
      <form onSubmit={submit} noValidate class="form">
        <TextField id="providerName" label="Name" value={form.name} onValue={(name) => setForm((f) => ({ ...f, name }))} error={problems.fields.providerName} />
        <Checkboxes
          id="categories"
          name="categories"
          legend="Categories"
          legendClass="fieldset__legend--s"
          hint="The areas the provider is accredited for. Select all that apply."
          options={CATEGORIES.map((c) => ({ value: c, label: CATEGORY_LABELS[c] }))}
          values={form.categories}
          onValues={(values) => setForm((f) => ({ ...f, categories: values as Category[] }))}
          error={problems.fields.categories}
        />
        <AccreditationFields
          ids={{ status: 'accreditationStatus', validUntil: 'validUntil' }}
          value={form}
          onChange={(change) => setForm((f) => ({ ...f, ...change }))}
          errors={problems.fields}
        />
        <Button type="submit" disabled={busy}>
          Add provider
        </Button>
      </form>
    </>
  );
}
