// The model manager: every pack in the catalog, grouped by what it does, with install (progress
// from the core's events), verify, import and remove. The list is loaded each time the view
// opens; events keep it current while it is shown.
import { useEffect, useMemo } from 'react';
import { api } from '../../bridge/index.js';
import { ErrorNotice } from '../../common/error-notice.js';
import { packsByKind } from '../../stores/models-reducers.js';
import { loadModels, useModelsStore } from '../../stores/models-store.js';
import { ModelRow } from './model-row.js';
import './models.css';

export function ModelsPage() {
  const packs = useModelsStore((state) => state.packs);
  const order = useModelsStore((state) => state.order);
  const tasks = useModelsStore((state) => state.tasks);
  const loaded = useModelsStore((state) => state.loaded);
  const loadError = useModelsStore((state) => state.loadError);

  useEffect(() => {
    void loadModels(api);
  }, []);

  const groups = useMemo(() => packsByKind({ packs, order }), [packs, order]);

  return (
    <section className="page models-page" aria-labelledby="models-heading" data-testid="models-page">
      <h1 id="models-heading">Models</h1>
      <p className="models-page__note" data-testid="models-note">
        With a Whisper pack installed, a job without subtitles is transcribed; with a translation pack (a Marian pair, or NLLB-200 for any pair), one without a translated subtitle file is
        translated; a Piper voice for the language speaks instead of eSpeak NG. Speech detection (Silero VAD), eSpeak NG and time-fitting (Sonic) need no download.
      </p>
      {loadError ? (
        <div className="models-page__load-error">
          <ErrorNotice error={loadError} title="The model list could not be loaded." testId="models-load-error" />
          <button type="button" className="button" onClick={() => void loadModels(api)}>
            Try again
          </button>
        </div>
      ) : null}
      {!loaded && !loadError ? <p className="muted">Loading the model packs…</p> : null}
      {loaded && groups.length === 0 ? (
        <p className="muted" data-testid="models-empty">
          The catalog lists no model packs.
        </p>
      ) : null}
      {groups.map((group) => (
        <section key={group.kind} className="model-group" aria-labelledby={`model-group-${group.kind}`} data-testid="model-group" data-kind={group.kind}>
          <h2 id={`model-group-${group.kind}`}>{group.label}</h2>
          <ul className="model-list">
            {group.packs.map((pack) => (
              <ModelRow key={pack.id} pack={pack} task={tasks[pack.id]} />
            ))}
          </ul>
        </section>
      ))}
    </section>
  );
}
