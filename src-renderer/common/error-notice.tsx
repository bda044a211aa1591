// How an error reads everywhere in the renderer: Redub's sentence, the specifics, and what to do
// next. The code is shown small, for bug reports and searching the docs.
import type { RedubErrorData } from '../../src-main/shared/errors.js';

export function ErrorNotice({ error, title, testId = 'error' }: { error: RedubErrorData; title?: string; testId?: string }) {
  return (
    <div className="error-notice" role="alert" data-testid={testId}>
      {title ? <p className="error-notice__title">{title}</p> : null}
      <p className="error-notice__message">{error.message}</p>
      {error.details && error.details.length > 0 ? (
        <ul className="error-notice__details">
          {error.details.map((detail, index) => (
            <li key={index}>{detail}</li>
          ))}
        </ul>
      ) : null}
      <p className="error-notice__action">{error.action}</p>
      <p className="error-notice__code">{error.code}</p>
    </div>
  );
}
