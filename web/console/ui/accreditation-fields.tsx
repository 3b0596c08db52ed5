import { ACCREDITATION_STATUSES } from '../lib/registry';
import { SelectField, TextField } from './components';

type Status = (typeof ACCREDITATION_STATUSES)[number]['value'];

/** An accreditation's status and last valid day: the add-provider form and the change form both ask for them. */
export function AccreditationFields(props: {
  ids: { status: string; validUntil: string };
  value: { status: Status; validUntil: string };
  onChange: (change: { status?: Status; validUntil?: string }) => void;
  errors: Record<string, string | undefined>;
}) {
  const { ids, value, onChange, errors } = props;
  return (
    <>
      <SelectField
        id={ids.status}
        label="Accreditation status"
        value={value.status}
        onValue={(status) => onChange({ status: status as Status })}
        options={ACCREDITATION_STATUSES}
        error={errors[ids.status]}
      />
      <TextField
        id={ids.validUntil}
        label="Valid until"
        type="date"
        hint="The last day the accreditation covers"
        value={value.validUntil}
        onValue={(validUntil) => onChange({ validUntil })}
        error={errors[ids.validUntil]}
        width="10"
      />
    </>
  );
}
