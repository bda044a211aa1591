// Whether a single-letter shortcut may act on a key press: never while the person is typing.

export function isShortcutTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).tagName !== 'string') return true;
  const element = target as HTMLElement;
  const tag = element.tagName.toLowerCase();
  if (tag === 'textarea' || tag === 'select' || element.isContentEditable) return false;
  if (tag !== 'input') return true;
  // Buttons, checkboxes and sliders take no text, so the shortcut still works with them focused.
  const type = (element as HTMLInputElement).type;
  return ['button', 'checkbox', 'radio', 'range', 'submit', 'reset', 'file', 'color'].includes(type);
}
