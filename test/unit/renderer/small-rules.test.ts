import { describe, expect, it } from 'vitest';
import { formatRoute, parseRoute } from '../../../src-renderer/app/route.js';
import { resolveTheme } from '../../../src-renderer/app/theme.js';
import { availableActions } from '../../../src-renderer/features/job/job-actions.js';
import { isShortcutTarget } from '../../../src-renderer/common/media/shortcut.js';
import { nextRowIndex } from '../../../src-renderer/features/queue/list-keys.js';

describe('nextRowIndex', () => {
  it('moves by one, by a page, and to the ends, staying inside the list', () => {
    expect(nextRowIndex('ArrowDown', 3, 10, 5)).toBe(4);
    expect(nextRowIndex('ArrowDown', 9, 10, 5)).toBe(9);
    expect(nextRowIndex('ArrowUp', 0, 10, 5)).toBe(0);
    expect(nextRowIndex('PageDown', 7, 10, 5)).toBe(9);
    expect(nextRowIndex('PageUp', 3, 10, 5)).toBe(0);
    expect(nextRowIndex('Home', 5, 10, 5)).toBe(0);
    expect(nextRowIndex('End', 0, 10, 5)).toBe(9);
  });

  it('starts at the first row when none is active, and ignores other keys and empty lists', () => {
    expect(nextRowIndex('ArrowDown', -1, 10, 5)).toBe(0);
    expect(nextRowIndex('ArrowUp', -1, 10, 5)).toBe(0);
    expect(nextRowIndex('Enter', 2, 10, 5)).toBeNull();
    expect(nextRowIndex('ArrowDown', 0, 0, 5)).toBeNull();
  });
});

describe('availableActions', () => {
  it('matches the core’s state machine', () => {
    expect(availableActions('queued')).toEqual({ cancel: true, retry: false, delete: true });
    expect(availableActions('running')).toEqual({ cancel: true, retry: false, delete: false });
    expect(availableActions('retry_wait')).toEqual({ cancel: true, retry: false, delete: true });
    expect(availableActions('failed')).toEqual({ cancel: false, retry: true, delete: true });
    expect(availableActions('cancelled')).toEqual({ cancel: false, retry: true, delete: true });
    expect(availableActions('done')).toEqual({ cancel: false, retry: false, delete: true });
  });
});

describe('routes', () => {
  it('round-trips every page and an open job', () => {
    for (const route of [
      { view: 'queue', jobId: null },
      { view: 'queue', jobId: '3f2b8c1e-8f4a-4a5e-9b1c-2d3e4f5a6b7c' },
      { view: 'models', jobId: null },
      { view: 'settings', jobId: null },
    ] as const) {
      expect(parseRoute(formatRoute(route))).toEqual(route);
    }
  });

  it('reads an empty or unknown hash as the queue', () => {
    expect(parseRoute('')).toEqual({ view: 'queue', jobId: null });
    expect(parseRoute('#/nowhere')).toEqual({ view: 'queue', jobId: null });
  });
});

describe('resolveTheme', () => {
  it('follows the system only when asked to', () => {
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
    expect(resolveTheme('light', true)).toBe('light');
    expect(resolveTheme('dark', false)).toBe('dark');
  });
});

describe('isShortcutTarget', () => {
  const element = (tagName: string, extra: Record<string, unknown> = {}) => ({ tagName, isContentEditable: false, ...extra }) as unknown as EventTarget;

  it('lets single-key shortcuts act unless the person is typing', () => {
    expect(isShortcutTarget(null)).toBe(true);
    expect(isShortcutTarget(element('BUTTON'))).toBe(true);
    expect(isShortcutTarget(element('INPUT', { type: 'range' }))).toBe(true);
    expect(isShortcutTarget(element('INPUT', { type: 'text' }))).toBe(false);
    expect(isShortcutTarget(element('INPUT', { type: 'search' }))).toBe(false);
    expect(isShortcutTarget(element('TEXTAREA'))).toBe(false);
    expect(isShortcutTarget(element('DIV', { isContentEditable: true }))).toBe(false);
  });
});
