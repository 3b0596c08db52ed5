/**
 * A half-filled form is not lost without a warning. A data-entry form (`form.form`) becomes
 * "changed" when someone types or chooses in it and stops being so when it is sent or leaves the
 * page; while any changed one is on the page, reloading or closing asks the browser's own
 * "leave site?" question, and moving to another page of the console asks first (`confirmLeave`).
 * Filters and the sign-in form are not `.form`, so they never ask.
 */
const changed = new WeakSet<HTMLFormElement>();

export const LEAVE_QUESTION = 'You have changes that are not saved. Leave this page and lose them?';

const guardedForm = (target: EventTarget | null): HTMLFormElement | undefined => {
  const form = target instanceof Element ? target.closest('form') : null;
  return form instanceof HTMLFormElement && form.classList.contains('form') ? form : undefined;
};

export function hasUnsavedChanges(doc: Document = document): boolean {
  return [...doc.forms].some((form) => changed.has(form));
}

/** Whether to go on to another page: yes when nothing is changed, else what the person answers. */
export function confirmLeave(ask: (question: string) => boolean = (question) => window.confirm(question)): boolean {
  if (!hasUnsavedChanges()) return true;
  const leave = ask(LEAVE_QUESTION);
  if (leave) for (const form of document.forms) changed.delete(form);
  return leave;
}

/** Listens for typing, sending and leaving; call once when the console starts. */
export function watchUnsavedForms(): void {
  const mark = (event: Event) => {
    const form = guardedForm(event.target);
    if (form) changed.add(form);
  };
  addEventListener('input', mark, true);
  addEventListener('change', mark, true);
  addEventListener(
    'submit',
    (event) => {
      const form = guardedForm(event.target);
      if (form) changed.delete(form);
    },
    true,
  );
  addEventListener('beforeunload', (event) => {
    if (!hasUnsavedChanges()) return;
    event.preventDefault();
  });
}
