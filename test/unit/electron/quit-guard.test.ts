import { describe, expect, it, vi } from 'vitest';
import { createQuitGuard } from '../../../src-main/electron/quit-guard.js';

const quitEvent = () => ({ preventDefault: vi.fn() });
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('quitting', () => {
  it('holds the first quit until the service has closed, then quits for real', async () => {
    let finishClose: () => void = () => undefined;
    const close = vi.fn(() => new Promise<void>((resolve) => (finishClose = resolve)));
    const quit = vi.fn();
    const guard = createQuitGuard({ close, quit });

    const first = quitEvent();
    guard(first);
    expect(first.preventDefault).toHaveBeenCalled();
    const again = quitEvent();
    guard(again);
    expect(again.preventDefault).toHaveBeenCalled();
    expect(close).toHaveBeenCalledTimes(1);
    expect(quit).not.toHaveBeenCalled();

    finishClose();
    await settle();
    expect(quit).toHaveBeenCalledTimes(1);
    const last = quitEvent();
    guard(last);
    expect(last.preventDefault).not.toHaveBeenCalled();
  });

  it('quits even when closing fails or hangs past the deadline', async () => {
    const onError = vi.fn();
    const failing = vi.fn();
    createQuitGuard({ close: () => Promise.reject(new Error('locked')), quit: failing, onError })(quitEvent());
    await settle();
    expect(failing).toHaveBeenCalled();
    expect(onError).toHaveBeenCalled();

    const hanging = vi.fn();
    createQuitGuard({ close: () => new Promise<void>(() => undefined), quit: hanging, deadlineMs: 20 })(quitEvent());
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(hanging).toHaveBeenCalled();
  });
});
