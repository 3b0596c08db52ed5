import { MAX_SESSIONS, WEEKDAYS, emptySession, sessionIds, sessionsGroupId, type SessionForm } from '../lib/schedule';
import type { FieldErrors } from '../lib/issues';
import { Button, VisuallyHidden } from './components';

/**
 * The weekly sessions of an activity: one small group per session (day, start, end) with a
 * button to remove it, and one to add another. Each session is its own fieldset, "Session 2",
 * so its three inputs are announced with it, laid out in a row as GOV.UK's date input is; the
 * ids come from `prefix`, so an add form and an edit form can be on one page.
 */
export function ScheduleFields(props: {
  prefix: string;
  sessions: readonly SessionForm[];
  onChange: (sessions: SessionForm[]) => void;
  errors: FieldErrors;
}) {
  const { prefix, sessions, onChange, errors } = props;
  const groupId = sessionsGroupId(prefix);
  const groupError = errors[groupId];
  const set = (index: number, change: Partial<SessionForm>) => onChange(sessions.map((s, i) => (i === index ? { ...s, ...change } : s)));
  const remove = (index: number) => {
    onChange(sessions.filter((_, i) => i !== index));
    // The removed row's button is gone: focus the group, so the keyboard is not lost.
    requestAnimationFrame(() => document.getElementById(groupId)?.focus());
  };
  const add = () => {
    onChange([...sessions, emptySession()]);
    requestAnimationFrame(() => document.getElementById(sessionIds(prefix, sessions.length).day)?.focus());
  };
  return (
    <div class={`form-group${groupError ? ' form-group--error' : ''}`}>
      <fieldset class="fieldset" aria-describedby={`${groupId}-hint${groupError ? ` ${groupId}-error` : ''}`}>
        <legend class="fieldset__legend fieldset__legend--s" id={groupId} tabIndex={-1}>
          When it runs each week
        </legend>
        <div class="hint" id={`${groupId}-hint`}>
          Add each weekly session, in 24-hour London time, like 10:00 to 11:30. Sessions on the same day must not overlap. Remove them all if it has no set
          times.
        </div>
        {groupError && (
          <p class="error-message" id={`${groupId}-error`}>
            <span class="visually-hidden">Error: </span>
            {groupError}
          </p>
        )}
        {sessions.length === 0 && <p class="body">No sessions: people will be told to ask the provider when it runs.</p>}
        {sessions.map((session, index) => {
          const ids = sessionIds(prefix, index);
          // As GOV.UK's date input: the row's messages together above its inputs, each input marked.
          const messages = [errors[ids.day], errors[ids.start], errors[ids.end]].filter((message): message is string => Boolean(message));
          const errorId = `${prefix}Session${index + 1}-error`;
          const marked = (id: string) => ({
            'aria-invalid': errors[id] ? ('true' as const) : undefined,
            'aria-describedby': messages.length > 0 ? errorId : undefined,
          });
          return (
            <div class={`form-group session${messages.length > 0 ? ' form-group--error' : ''}`} key={index}>
              <fieldset class="fieldset" role="group">
                <legend class="fieldset__legend">Session {index + 1}</legend>
                {messages.length > 0 && (
                  <p class="error-message" id={errorId}>
                    <span class="visually-hidden">Error: </span>
                    {messages.map((message, i) => (
                      <span class="session__message" key={i}>
                        {message}
                      </span>
                    ))}
                  </p>
                )}
                <div class="session__fields">
                  <div class="session__item">
                    <label class="label" for={ids.day}>
                      Day
                    </label>
                    <select
                      id={ids.day}
                      name={ids.day}
                      class={`select select--day${errors[ids.day] ? ' input--error' : ''}`}
                      value={session.day}
                      onChange={(event) => set(index, { day: event.currentTarget.value as SessionForm['day'] })}
                      {...marked(ids.day)}
                    >
                      <option value="">Choose a day</option>
                      {WEEKDAYS.map((d) => (
                        <option key={d.value} value={d.value}>
                          {d.label}
                        </option>
                      ))}
                    </select>
                  </div>
                  {(
                    [
                      ['startTime', ids.start, 'Start time'],
                      ['endTime', ids.end, 'End time'],
                    ] as const
                  ).map(([field, id, label]) => (
                    <div class="session__item" key={field}>
                      <label class="label" for={id}>
                        {label}
                      </label>
                      <input
                        id={id}
                        name={id}
                        class={`input input--width-5${errors[id] ? ' input--error' : ''}`}
                        type="text"
                        autocomplete="off"
                        spellcheck={false}
                        value={session[field]}
                        onInput={(event) => set(index, { [field]: event.currentTarget.value })}
                        {...marked(id)}
                      />
                    </div>
                  ))}
                  <div class="session__item">
                    <Button variant="secondary" onClick={() => remove(index)}>
                      Remove<VisuallyHidden> session {index + 1}</VisuallyHidden>
                    </Button>
                  </div>
                </div>
              </fieldset>
            </div>
          );
        })}
        {sessions.length < MAX_SESSIONS && (
          <Button variant="secondary" onClick={add}>
            {sessions.length === 0 ? 'Add a session' : 'Add another session'}
          </Button>
        )}
      </fieldset>
    </div>
  );
}
