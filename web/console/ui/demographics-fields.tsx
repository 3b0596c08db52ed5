import {
  DISABILITY_OPTIONS,
  ETHNICITY_GROUPS,
  ETHNICITY_UNGROUPED,
  GENDER_IDENTITY_OPTIONS,
  NOT_RECORDED,
  SEX_OPTIONS,
  type DemographicsForm,
} from '../lib/demographics';
import { SelectField, TextField } from './components';

/** The ids of the demographic inputs, for a form whose ids carry a prefix (the record's edit form: `editSex`). */
export function demographicIds(prefix: string): Record<keyof DemographicsForm, string> {
  const id = (name: string) => (prefix ? `${prefix}${name[0]!.toUpperCase()}${name.slice(1)}` : name);
  return { sex: id('sex'), genderIdentity: id('genderIdentity'), ethnicity: id('ethnicity'), disability: id('disability'), imdDecile: id('imdDecile') };
}

/**
 * "About the person (optional, for reporting)": the census questions as selects, each with a blank
 * "Not recorded" and "Prefer not to say", and the IMD decile (ARCHITECTURE.md decision 89).
 */
export function DemographicsFields(props: {
  prefix: string;
  value: DemographicsForm;
  onValue: (changes: Partial<DemographicsForm>) => void;
  errors: Record<string, string | undefined>;
}) {
  const ids = demographicIds(props.prefix);
  const select = (key: keyof DemographicsForm) => ({
    id: ids[key],
    value: props.value[key],
    onValue: (value: string) => props.onValue({ [key]: value }),
    error: props.errors[ids[key]],
    placeholder: NOT_RECORDED,
  });
  return (
    <fieldset class="fieldset section-fieldset">
      <legend class="fieldset__legend fieldset__legend--m">About the person (optional, for reporting)</legend>
      <p class="hint">
        Only if the person is happy to say. These are the 2021 census questions; they are used only in the scheme’s reports and never shown to
        providers.
      </p>
      <SelectField {...select('sex')} label="Sex" options={SEX_OPTIONS} />
      <SelectField
        {...select('genderIdentity')}
        label="Gender identity"
        hint="Is the gender they identify with the same as their sex registered at birth?"
        options={GENDER_IDENTITY_OPTIONS}
      />
      <SelectField {...select('ethnicity')} label="Ethnic group" groups={ETHNICITY_GROUPS} options={ETHNICITY_UNGROUPED} />
      <SelectField
        {...select('disability')}
        label="Disability"
        hint="Are their day-to-day activities limited because of a health problem or disability which has lasted, or is expected to last, at least 12 months?"
        options={DISABILITY_OPTIONS}
      />
      <TextField
        id={ids.imdDecile}
        label="IMD decile"
        hint="From 1 (the most deprived 10% of areas in England) to 10 (the least): look up their postcode in the Index of Multiple Deprivation 2019 postcode lookup"
        value={props.value.imdDecile}
        onValue={(value) => props.onValue({ imdDecile: value })}
        error={props.errors[ids.imdDecile]}
        type="number"
        min="1"
        max="10"
        inputMode="numeric"
        width="2"
        autocomplete="off"
      />
    </fieldset>
  );
}
