// A labelled file button that shows the chosen file's name, with a way to take it back out.
// The native input stays in the DOM (visually hidden) so keyboards and end-to-end tests can use it.
import { useId } from 'react';
import type { DraftFile } from '../../bridge/index.js';

export interface FilePickerProps {
  label: string;
  accept: string;
  file: DraftFile | null;
  testId: string;
  onPick(file: File): void;
  onClear(): void;
}

export function FilePicker({ label, accept, file, testId, onPick, onClear }: FilePickerProps) {
  const id = useId();
  return (
    <div className="field file-picker">
      <span className="field__label" id={`${id}-label`}>
        {label}
      </span>
      <div className="file-picker__row">
        <input
          id={id}
          className="visually-hidden"
          type="file"
          accept={accept}
          data-testid={testId}
          aria-labelledby={`${id}-label`}
          onChange={(event) => {
            const picked = event.target.files?.[0];
            if (picked) onPick(picked);
            event.target.value = ''; // picking the same file again must fire change again
          }}
        />
        <label htmlFor={id} className="button file-picker__button">
          {file ? 'Change…' : 'Choose…'}
        </label>
        <span className="file-picker__name">{file ? file.name : 'none'}</span>
        {file ? (
          <button type="button" className="button button--quiet" aria-label={`Remove ${file.name}`} onClick={onClear}>
            ✕
          </button>
        ) : null}
      </div>
    </div>
  );
}
