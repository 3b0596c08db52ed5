import { CATEGORIES, CATEGORY_LABELS } from '../lib/format';
import type { FieldErrors } from '../lib/issues';
import { activityIds, type ActivityForm } from '../lib/registry';
import type { Category, Venue } from '../lib/types';
import { SelectField, TextField } from './components';
import { ScheduleFields } from './schedule-fields';

/** An activity's fields, for adding one and for editing one (ids from `prefix`). */
export function ActivityFields(props: {
  prefix: string;
  form: ActivityForm;
  onChange: (change: Partial<ActivityForm>) => void;
  venues: readonly Venue[];
  categories: readonly Category[];
  errors: FieldErrors;
}) {
  const { prefix, form, onChange, errors } = props;
  const ids = activityIds(prefix);
  return (
    <>
      <SelectField
        id={ids.venue}
        label="Venue"
        value={form.venueId}
        onValue={(venueId) => onChange({ venueId })}
        options={props.venues.map((v) => ({ value: v.venueId, label: v.name }))}
        placeholder="Choose a venue"
        error={errors[ids.venue]}
      />
      <TextField id={ids.name} label="Activity name" value={form.name} onValue={(name) => onChange({ name })} error={errors[ids.name]} />
      <SelectField
        id={ids.category}
        label="Category"
        hint="Usually one the provider is accredited for"
        value={form.category}
        onValue={(category) => onChange({ category: category as ActivityForm['category'] })}
        options={CATEGORIES.map((c) => ({ value: c, label: `${CATEGORY_LABELS[c]}${props.categories.includes(c) ? '' : ' (not accredited)'}` }))}
        placeholder="Choose a category"
        error={errors[ids.category]}
      />
      <TextField
        id={ids.capacity}
        label="Capacity (optional)"
        hint="The most people at one session"
        value={form.capacity}
        onValue={(capacity) => onChange({ capacity })}
        error={errors[ids.capacity]}
        inputMode="numeric"
        width="3"
      />
      <ScheduleFields prefix={prefix} sessions={form.sessions} onChange={(sessions) => onChange({ sessions })} errors={errors} />
    </>
  );
}
