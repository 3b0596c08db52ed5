import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { summaryOf, type FormProblems } from '../lib/issues';

/**
 * The console's building blocks, after the GOV.UK Design System: every input has a label,
 * hints and errors are tied to it with aria-describedby, and errors are summarised at the top
 * of the form with links to the fields.
 */
const describedBy = (id: string, hint?: ComponentChildren, error?: string) =>
  [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;

function Hint({ id, hint }: { id: string; hint?: ComponentChildren }) {
  return hint ? (
    <div id={`${id}-hint`} class="hint">
      {hint}
    </div>
  ) : null;
}

function ErrorText({ id, error }: { id: string; error?: string }) {
  return error ? (
    <p id={`${id}-error`} class="error-message">
      <span class="visually-hidden">Error: </span>
      {error}
    </p>
  ) : null;
}

/** A labelled field: the label, its hint and its error above the control, as every input has them. */
function Field(props: { id: string; label: ComponentChildren; hint?: ComponentChildren; error?: string; labelClass?: string; children: ComponentChildren }) {
  const { id, hint, error } = props;
  return (
    <div class={`form-group${error ? ' form-group--error' : ''}`}>
      <label class={`label ${props.labelClass ?? ''}`} for={id}>
        {props.label}
      </label>
      <Hint id={id} hint={hint} />
      <ErrorText id={id} error={error} />
      {props.children}
    </div>
  );
}

/** What every control says to assistive technology about its hint and error. */
const described = (id: string, hint?: ComponentChildren, error?: string) => ({
  'aria-describedby': describedBy(id, hint, error),
  'aria-invalid': error ? ('true' as const) : undefined,
});

interface TextFieldProps {
  id: string;
  label: ComponentChildren;
  value: string;
  onValue: (value: string) => void;
  hint?: ComponentChildren;
  error?: string;
  type?: 'text' | 'date' | 'email' | 'tel' | 'number';
  autocomplete?: string;
  inputMode?: 'numeric' | 'text' | 'email' | 'tel';
  width?: 'full' | '20' | '10' | '5' | '3' | '2';
  min?: string | number;
  max?: string | number;
  list?: string;
  spellcheck?: boolean;
  labelClass?: string;
}

export function TextField(props: TextFieldProps) {
  const { id, label, value, onValue, hint, error, type = 'text', width = 'full' } = props;
  return (
    <Field id={id} label={label} hint={hint} error={error} labelClass={props.labelClass}>
      <input
        id={id}
        name={id}
        class={`input input--width-${width}${error ? ' input--error' : ''}`}
        type={type}
        value={value}
        onInput={(event) => onValue(event.currentTarget.value)}
        {...described(id, hint, error)}
        autocomplete={props.autocomplete}
        inputMode={props.inputMode}
        min={props.min}
        max={props.max}
        list={props.list}
        spellcheck={props.spellcheck}
      />
    </Field>
  );
}

export function TextArea(props: {
  id: string;
  label: ComponentChildren;
  value: string;
  onValue: (value: string) => void;
  hint?: ComponentChildren;
  error?: string;
  rows?: number;
}) {
  const { id, label, value, onValue, hint, error } = props;
  return (
    <Field id={id} label={label} hint={hint} error={error}>
      <textarea
        id={id}
        name={id}
        class={`textarea${error ? ' input--error' : ''}`}
        rows={props.rows ?? 4}
        value={value}
        onInput={(event) => onValue(event.currentTarget.value)}
        {...described(id, hint, error)}
      />
    </Field>
  );
}

export interface Option {
  value: string;
  label: string;
  disabled?: boolean;
}

export function SelectField(props: {
  id: string;
  label: ComponentChildren;
  value: string;
  onValue: (value: string) => void;
  options: readonly Option[];
  hint?: ComponentChildren;
  error?: string;
  /** A first option with an empty value, e.g. "Choose…" or "All categories". */
  placeholder?: string;
  /** Options in labelled groups (`<optgroup>`), before `options`. */
  groups?: readonly { label: string; options: readonly Option[] }[];
}) {
  const { id, label, value, onValue, options, hint, error } = props;
  return (
    <Field id={id} label={label} hint={hint} error={error}>
      <select
        id={id}
        name={id}
        class={`select${error ? ' input--error' : ''}`}
        value={value}
        onChange={(event) => onValue(event.currentTarget.value)}
        {...described(id, hint, error)}
      >
        {props.placeholder !== undefined && <option value="">{props.placeholder}</option>}
        {props.groups?.map((group) => (
          <optgroup key={group.label} label={group.label}>
            {group.options.map((option) => (
              <option key={option.value} value={option.value} disabled={option.disabled}>
                {option.label}
              </option>
            ))}
          </optgroup>
        ))}
        {options.map((option) => (
          <option key={option.value} value={option.value} disabled={option.disabled}>
            {option.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

/**
 * A radio group in a fieldset. The first radio carries `id`, so an error summary link lands on
 * the group.
 */
export function Radios(props: {
  id: string;
  name: string;
  legend: ComponentChildren;
  options: readonly Option[];
  value: string;
  onValue: (value: string) => void;
  hint?: ComponentChildren;
  error?: string;
  inline?: boolean;
  legendClass?: string;
  small?: boolean;
}) {
  const { id, name, legend, options, value, onValue, hint, error } = props;
  return (
    <div class={`form-group${error ? ' form-group--error' : ''}`}>
      <fieldset class="fieldset" aria-describedby={describedBy(id, hint, error)}>
        <legend class={`fieldset__legend ${props.legendClass ?? ''}`}>{legend}</legend>
        <Hint id={id} hint={hint} />
        <ErrorText id={id} error={error} />
        <div class={`radios${props.inline ? ' radios--inline' : ''}${props.small ? ' radios--small' : ''}`}>
          {options.map((option, index) => {
            const optionId = index === 0 ? id : `${id}-${index + 1}`;
            return (
              <div class="radios__item" key={option.value}>
                <input
                  class="radios__input"
                  id={optionId}
                  name={name}
                  type="radio"
                  value={option.value}
                  checked={value === option.value}
                  onChange={() => onValue(option.value)}
                />
                <label class="label radios__label" for={optionId}>
                  {option.label}
                </label>
              </div>
            );
          })}
        </div>
      </fieldset>
    </div>
  );
}

export function Checkboxes(props: {
  id: string;
  name: string;
  legend: ComponentChildren;
  options: readonly Option[];
  values: readonly string[];
  onValues: (values: string[]) => void;
  hint?: ComponentChildren;
  error?: string;
  legendClass?: string;
  /** Ids of the options, by value (default: `${id}-${index}`). */
  optionId?: (value: string, index: number) => string;
}) {
  const { id, name, legend, options, values, onValues, hint, error } = props;
  const toggle = (value: string, checked: boolean) =>
    onValues(checked ? [...values.filter((v) => v !== value), value] : values.filter((v) => v !== value));
  return (
    <div class={`form-group${error ? ' form-group--error' : ''}`}>
      <fieldset class="fieldset" aria-describedby={describedBy(id, hint, error)}>
        <legend class={`fieldset__legend ${props.legendClass ?? ''}`}>{legend}</legend>
        <Hint id={id} hint={hint} />
        <ErrorText id={id} error={error} />
        <div class="checkboxes">
          {options.map((option, index) => {
            const optionId = props.optionId ? props.optionId(option.value, index) : index === 0 ? id : `${id}-${index + 1}`;
            return (
              <div class="checkboxes__item" key={option.value}>
                <input
                  class="checkboxes__input"
                  id={optionId}
                  name={name}
                  type="checkbox"
                  value={option.value}
                  checked={values.includes(option.value)}
                  disabled={option.disabled}
                  onChange={(event) => toggle(option.value, event.currentTarget.checked)}
                />
                <label class="label checkboxes__label" for={optionId}>
                  {option.label}
                </label>
              </div>
            );
          })}
        </div>
      </fieldset>
    </div>
  );
}

/** "There is a problem", with a link to each field; takes focus when it appears. */
export function ErrorSummary({ problems, order }: { problems: FormProblems; order: readonly string[] }) {
  const rows = summaryOf(problems, order);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (rows.length > 0) ref.current?.focus();
  }, [problems]);
  if (rows.length === 0) return null;
  const jump = (event: Event, id: string) => {
    event.preventDefault(); // the hash is the router's: never let "#field" navigate
    const target = document.getElementById(id);
    if (target) {
      target.scrollIntoView({ block: 'center' });
      target.focus();
    }
  };
  return (
    <div class="error-summary" role="alert" tabIndex={-1} ref={ref} aria-labelledby={`${order[0] ?? 'form'}-summary-title`}>
      <h2 class="error-summary__title" id={`${order[0] ?? 'form'}-summary-title`}>
        There is a problem
      </h2>
      <ul class="list error-summary__list">
        {rows.map((row, index) =>
          row.id ? (
            <li key={index}>
              <a href={`#${row.id}`} onClick={(event) => jump(event, row.id!)}>
                {row.message}
              </a>
            </li>
          ) : (
            <li key={index}>{row.message}</li>
          ),
        )}
      </ul>
    </div>
  );
}

export function Button(props: {
  children: ComponentChildren;
  onClick?: () => void;
  type?: 'button' | 'submit';
  variant?: 'primary' | 'secondary' | 'warning' | 'link';
  disabled?: boolean;
  describedBy?: string;
}) {
  const variant = props.variant ?? 'primary';
  return (
    <button
      type={props.type ?? 'button'}
      class={`button${variant === 'primary' ? '' : ` button--${variant}`}`}
      onClick={props.onClick}
      disabled={props.disabled}
      aria-describedby={props.describedBy}
    >
      {props.children}
    </button>
  );
}

export function Tag({ tone, children }: { tone: 'green' | 'yellow' | 'red' | 'grey' | 'blue'; children: ComponentChildren }) {
  return <strong class={`tag tag--${tone}`}>{children}</strong>;
}

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p class="body loading" role="status">
      {what}…
    </p>
  );
}

export function ErrorNotice({ children, title = 'Sorry, there is a problem' }: { children: ComponentChildren; title?: string }) {
  return (
    <div class="notice notice--error" role="alert">
      <p class="notice__title">{title}</p>
      <p class="body">{children}</p>
    </div>
  );
}

/** A success banner; takes focus so a screen reader hears it. */
export function Success({ children }: { children: ComponentChildren }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, [children]);
  return (
    <div class="notice notice--success" role="status" tabIndex={-1} ref={ref}>
      <p class="body">{children}</p>
    </div>
  );
}

export function SummaryList({ rows }: { rows: readonly { key: ComponentChildren; value: ComponentChildren }[] }) {
  return (
    <dl class="summary-list">
      {rows.map((row, index) => (
        <div class="summary-list__row" key={index}>
          <dt class="summary-list__key">{row.key}</dt>
          <dd class="summary-list__value">{row.value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function VisuallyHidden({ children }: { children: ComponentChildren }) {
  return <span class="visually-hidden">{children}</span>;
}

/** Shown instead of a page the role may not open. */
export function NotAllowed() {
  return (
    <>
      <h1 class="heading-l" tabIndex={-1}>
        You cannot see this page
      </h1>
      <p class="body">Your role does not include this page. Use the links above.</p>
    </>
  );
}
