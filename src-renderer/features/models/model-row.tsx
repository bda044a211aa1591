// One model pack: what it is (languages, licence, size), whether this machine has it, and its
// actions. Install runs in the core and reports through `model.updated` events, so its progress
// comes from the store; verify, import and remove answer at once and their outcome stays here.
import { useEffect, useId, useState, type FormEvent } from 'react';
import type { ModelPackInfo, ModelTask, ModelVerification } from '../../../src-main/shared/contract.js';
import type { RedubErrorData } from '../../../src-main/shared/errors.js';
import { api, bridge, toApiError } from '../../bridge/index.js';
import { ErrorNotice } from '../../common/error-notice.js';
import { formatBytes, formatDateTime } from '../../common/format.js';
import { ProgressBar } from '../../common/progress-bar.js';
import { taskPercent } from '../../stores/models-reducers.js';
import { useModelsStore } from '../../stores/models-store.js';
import { useUiStore } from '../../stores/ui-store.js';

const confirmWindowMs = 4000;
/** Past this many, the rest of a pack's languages fold away (translation packs name 200). */
const shownLanguages = 12;

type Action = 'install' | 'verify' | 'remove' | 'import';

/** Only web links become links: the catalog is data, and a `javascript:` URL must stay text. */
function isWebUrl(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

function Languages({ languages }: { languages: readonly string[] }) {
  if (languages.length === 0) return <span className="muted">none listed</span>;
  if (languages.length <= shownLanguages) return <span>{languages.join(', ')}</span>;
  return (
    <details className="model-row__languages">
      <summary>
        {languages.slice(0, shownLanguages).join(', ')} and {languages.length - shownLanguages} more
      </summary>
      <span>{languages.join(', ')}</span>
    </details>
  );
}

export function InstallProgress({ task, name }: { task: ModelTask; name: string }) {
  const percent = taskPercent(task);
  const amount = task.bytesTotal !== null && task.bytesTotal > 0 ? `${formatBytes(task.bytesDone)} of ${formatBytes(task.bytesTotal)}` : `${formatBytes(task.bytesDone)} so far, total not known`;
  return (
    <div className="model-progress" data-testid="model-progress" data-bytes-done={task.bytesDone} data-bytes-total={task.bytesTotal ?? ''}>
      {percent === null ? (
        // No total, no percentage: a moving bar that says so instead of a made-up number.
        <div className="progress progress--indeterminate" role="progressbar" aria-label={`Installing ${name}`} aria-valuetext={amount}>
          <div className="progress__fill" />
        </div>
      ) : (
        <ProgressBar value={percent} label={`Installing ${name}`} />
      )}
      <p className="model-progress__text" aria-live="polite">
        Downloading: {amount}
        {task.file ? (
          <>
            {' '}
            · <span className="break">{task.file}</span>
          </>
        ) : null}
      </p>
    </div>
  );
}

function VerifyResult({ verification }: { verification: ModelVerification }) {
  return (
    <div className={`model-verify-result model-verify-result--${verification.ok ? 'ok' : 'problems'}`} data-testid="model-verify-result" data-ok={verification.ok} role="status">
      {verification.ok ? (
        <p>Verified: every file is intact (ok).</p>
      ) : (
        <>
          <p>The pack has problems:</p>
          <ul>
            {verification.problems.map((problem, index) => (
              <li key={index} className="break">
                {problem}
              </li>
            ))}
          </ul>
          <p className="muted">Install the pack again to repair it, or remove it.</p>
        </>
      )}
    </div>
  );
}

export function ModelRow({ pack, task }: { pack: ModelPackInfo; task: ModelTask | undefined }) {
  const setPack = useModelsStore((state) => state.setPack);
  const markRemoved = useModelsStore((state) => state.markRemoved);
  const startedTask = useModelsStore((state) => state.startedTask);
  const pushToast = useUiStore((state) => state.pushToast);
  const [busy, setBusy] = useState<Action | null>(null);
  const [error, setError] = useState<{ title: string; data: RedubErrorData } | null>(null);
  const [verification, setVerification] = useState<ModelVerification | null>(null);
  const [confirmingRemove, setConfirmingRemove] = useState(false);
  const [importPath, setImportPath] = useState('');
  const ids = useId();
  const nameId = `${ids}-name`;
  const importId = `${ids}-import`;

  const running = task?.state === 'running';

  useEffect(() => {
    if (!confirmingRemove) return;
    const timer = setTimeout(() => setConfirmingRemove(false), confirmWindowMs);
    return () => clearTimeout(timer);
  }, [confirmingRemove]);

  const run = async (action: Action, failure: string, work: () => Promise<void>) => {
    setBusy(action);
    setError(null);
    try {
      await work();
    } catch (caught) {
      setError({ title: failure, data: toApiError(caught).data });
    } finally {
      setBusy(null);
    }
  };

  const install = () => {
    setVerification(null);
    // Remembered before the request: events that arrive before its reply are newer than the reply.
    const before = useModelsStore.getState().tasks[pack.id];
    return run('install', `${pack.name} could not be installed.`, async () => startedTask(await api.installModel(pack.id), before));
  };

  const verify = () =>
    run('verify', `${pack.name} could not be verified.`, async () => {
      setVerification(null);
      setVerification(await api.verifyModel(pack.id));
    });

  const remove = () =>
    run('remove', `${pack.name} could not be removed.`, async () => {
      setConfirmingRemove(false);
      setVerification(null);
      const result = await api.removeModel(pack.id);
      markRemoved(pack.id);
      pushToast({ kind: 'info', text: result.removed ? `Removed ${pack.name}.` : `${pack.name} was not installed.` });
    });

  const importPack = (event: FormEvent) => {
    event.preventDefault();
    const source = importPath.trim();
    if (!source) {
      setError({
        title: `${pack.name} was not imported.`,
        data: { code: 'E_BAD_REQUEST', message: 'No folder or archive was named.', action: 'Type the path of a folder or a .tar / .tar.gz archive holding the pack, then press Import.' },
      });
      return;
    }
    setVerification(null);
    void run('import', `${pack.name} could not be imported.`, async () => {
      setPack(await api.importModel(pack.id, source));
      setImportPath('');
      pushToast({ kind: 'info', text: `Imported ${pack.name}.` });
    });
  };

  const failedTask = task?.state === 'failed' && task.error ? task.error : null;
  const importHint =
    bridge.kind === 'http' ? (
      <>
        A path on the machine running <code>redub serve</code>, not on the computer showing this page: a folder holding the pack’s files, or a .tar or .tar.gz archive of them.
      </>
    ) : (
      'A folder on this computer holding the pack’s files, or a .tar or .tar.gz archive of them, for machines that cannot download.'
    );

  return (
    <li className="model-row" data-testid="model-row" data-pack-id={pack.id} data-installed={pack.installed} aria-labelledby={nameId}>
      <div className="model-row__head">
        <h3 id={nameId} className="model-row__name">
          {pack.name}
        </h3>
        <span className={`model-row__state model-row__state--${pack.installed ? 'installed' : 'missing'}`} data-testid="model-state">
          {pack.installed ? `Installed${pack.installedAt ? ` ${formatDateTime(pack.installedAt)}` : ''}` : running ? 'Installing…' : 'Not installed'}
        </span>
      </div>
      <dl className="model-row__facts">
        <dt>Languages</dt>
        <dd>
          <Languages languages={pack.languages} />
        </dd>
        <dt>Licence</dt>
        <dd>
          {isWebUrl(pack.sourceUrl) ? (
            <a href={pack.sourceUrl} target="_blank" rel="noopener noreferrer">
              {pack.license}
            </a>
          ) : (
            pack.license
          )}
        </dd>
        <dt>Size</dt>
        <dd>{pack.sizeBytes === null ? <span className="muted">size not published</span> : formatBytes(pack.sizeBytes)}</dd>
        <dt>Engine</dt>
        <dd>
          {pack.engine}
          {pack.minMemoryMb > 0 ? <span className="muted"> · needs about {formatBytes(pack.minMemoryMb * 1024 * 1024)} of memory</span> : null}
        </dd>
      </dl>
      {pack.notes ? <p className="model-row__notes muted">{pack.notes}</p> : null}
      {running && task ? <InstallProgress task={task} name={pack.name} /> : null}
      {error ? <ErrorNotice error={error.data} title={error.title} testId="model-error" /> : failedTask ? <ErrorNotice error={failedTask} title={`The install of ${pack.name} failed.`} testId="model-error" /> : null}
      {verification ? <VerifyResult verification={verification} /> : null}
      <div className="model-row__actions" role="group" aria-label={`${pack.name} actions`}>
        <button type="button" className={`button${pack.installed ? '' : ' button--primary'}`} data-testid="model-install" disabled={busy !== null || running} onClick={() => void install()}>
          {running ? 'Installing…' : busy === 'install' ? 'Starting…' : pack.installed ? 'Reinstall' : 'Install'}
        </button>
        <button
          type="button"
          className="button"
          data-testid="model-verify"
          disabled={busy !== null || running || !pack.installed}
          title={pack.installed ? 'Check every file against its published checksum.' : 'Install the pack first.'}
          onClick={() => void verify()}
        >
          {busy === 'verify' ? 'Verifying…' : 'Verify'}
        </button>
        <button
          type="button"
          className={`button${confirmingRemove ? ' button--danger' : ''}`}
          data-testid="model-remove"
          disabled={busy !== null || running || !pack.installed}
          title={pack.installed ? undefined : 'The pack is not installed.'}
          onClick={() => (confirmingRemove ? void remove() : setConfirmingRemove(true))}
        >
          {busy === 'remove' ? 'Removing…' : confirmingRemove ? 'Press again to remove' : 'Remove'}
        </button>
      </div>
      <form className="model-import" onSubmit={importPack} noValidate>
        <label htmlFor={importId} className="field__label">
          Import from a folder or archive
        </label>
        <div className="model-import__row">
          <input
            id={importId}
            type="text"
            data-testid="model-import-path"
            value={importPath}
            placeholder={bridge.kind === 'http' ? '/srv/redub/packs/pack.tar.gz' : 'Path of a folder or .tar.gz'}
            spellCheck={false}
            autoComplete="off"
            aria-describedby={`${importId}-hint`}
            disabled={busy !== null || running}
            onChange={(event) => setImportPath(event.target.value)}
          />
          <button type="submit" className="button" data-testid="model-import" disabled={busy !== null || running}>
            {busy === 'import' ? 'Importing…' : 'Import'}
          </button>
        </div>
        <p id={`${importId}-hint`} className="model-import__hint">
          {importHint}
        </p>
      </form>
    </li>
  );
}
