// A progress bar that assistive technology reads as one (role, value and a label), drawn with CSS
// only so thousands of them in the queue cost nothing but a width.
import { formatPercent } from './format.js';

/** `hidden`: drawn only, where the element around it already says the progress (a queue row's name). */
export function ProgressBar({ value, label, tone = 'normal', hidden = false }: { value: number; label: string; tone?: 'normal' | 'done' | 'failed' | 'muted'; hidden?: boolean }) {
  const clamped = Math.min(100, Math.max(0, Number.isFinite(value) ? value : 0));
  return (
    <div className={`progress progress--${tone}`} role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.floor(clamped)} aria-valuetext={formatPercent(clamped)} aria-hidden={hidden || undefined}>
      <div className="progress__fill" style={{ width: `${clamped}%` }} />
    </div>
  );
}
