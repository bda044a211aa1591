// The drop zone and the new-job form: a video, the target languages, and optionally the source
// subtitles and one translated subtitle file per target language (without them the installed
// Whisper and translation packs do the work). Dropped files are sorted into the form by draft-files.ts.
import { useEffect, useRef, useState, type DragEvent } from 'react';
import type { RedubErrorData } from '../../../src-main/shared/errors.js';
import { bridge, onOpenPaths, toApiError, type DraftFile, type JobDraft } from '../../bridge/index.js';
import { ErrorNotice } from '../../common/error-notice.js';
import { formatBytes } from '../../common/format.js';
import { useJobsStore } from '../../stores/jobs-store.js';
import { useUiStore } from '../../stores/ui-store.js';
import { assignFiles, emptyDraftFiles, parseLanguages, type DraftFiles } from './draft-files.js';
import { FilePicker } from './file-picker.js';

const videoAccept = 'video/*,.mkv,.mov,.mp4,.webm,.avi,.m4v';
const subtitleAccept = '.srt,.vtt,.ass,.ssa';

export function NewJobForm() {
  const [files, setFiles] = useState<DraftFiles>(emptyDraftFiles);
  const [languagesText, setLanguagesText] = useState('');
  const [fromText, setFromText] = useState('');
  const [encodingText, setEncodingText] = useState('');
  const [subtitlesShown, setSubtitlesShown] = useState(false);
  const [notes, setNotes] = useState<string[]>([]);
  const [dragging, setDragging] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<RedubErrorData | null>(null);
  const dragDepth = useRef(0);
  const mergeJobs = useJobsStore((state) => state.mergeJobs);
  const pushToast = useUiStore((state) => state.pushToast);

  const { languages, invalid } = parseLanguages(languagesText);
  const from = parseLanguages(fromText).languages[0] ?? null;

  const addFiles = (list: readonly DraftFile[]) => {
    const assignment = assignFiles(files, list, languages, from);
    setFiles(assignment.files);
    setNotes(assignment.notes);
    if (assignment.addedLanguages.length > 0) setLanguagesText([...languages, ...assignment.addedLanguages].join(', '));
    setError(null);
  };

  // Files opened from outside the window (desktop app only) land in the form like a drop.
  const addFilesLatest = useRef(addFiles);
  addFilesLatest.current = addFiles;
  useEffect(() => onOpenPaths((opened) => addFilesLatest.current(opened)), []);

  const onDrop = (event: DragEvent<HTMLElement>) => {
    event.preventDefault();
    dragDepth.current = 0;
    setDragging(false);
    addFiles(Array.from(event.dataTransfer.files));
  };

  const problem = !files.video ? 'Choose a video.' : invalid.length > 0 ? `Not a language code: ${invalid.join(', ')}.` : languages.length === 0 ? 'Name at least one target language, like "es, fr".' : null;

  const submit = async () => {
    if (problem || !files.video) return;
    // Only translations for languages still in the list are sent; the others were typed away.
    const translations = Object.fromEntries(Object.entries(files.translations).filter(([language]) => languages.includes(language)));
    const encoding = encodingText.trim();
    const draft: JobDraft = {
      video: files.video,
      to: languages,
      translations,
      ...(from ? { from } : {}),
      ...(files.subtitles ? { subtitles: files.subtitles } : {}),
      ...(encoding ? { subtitlesEncoding: encoding } : {}),
      ...(subtitlesShown ? { subtitlesShown } : {}),
    };
    setSubmitting(true);
    setError(null);
    try {
      const { jobs } = await bridge.submitJobs(draft);
      mergeJobs(jobs);
      pushToast({ kind: 'info', text: `Queued ${jobs.length} ${jobs.length === 1 ? 'job' : 'jobs'} for ${files.video.name}.` });
      setFiles(emptyDraftFiles); // the languages stay: the next video is often dubbed into the same ones
      setNotes([]);
    } catch (caught) {
      setError(toApiError(caught).data);
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <section
      className={`new-job${dragging ? ' new-job--dragging' : ''}`}
      data-testid="drop-zone"
      aria-label="New job"
      onDragEnter={(event) => {
        event.preventDefault();
        dragDepth.current += 1; // enter/leave fire for every child; count them to know when the drag really left
        setDragging(true);
      }}
      onDragOver={(event) => event.preventDefault()}
      onDragLeave={() => {
        dragDepth.current = Math.max(0, dragDepth.current - 1);
        if (dragDepth.current === 0) setDragging(false);
      }}
      onDrop={onDrop}
    >
      <p className="new-job__hint">
        Drop a video here — with its subtitles (<code>talk.srt</code>) and translations named by language (<code>talk.es.srt</code>) if you have them; otherwise the installed model packs transcribe and translate.
      </p>
      <form
        className="new-job__form"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <FilePicker label="Video" accept={videoAccept} file={files.video} testId="video-input" onPick={(file) => setFiles({ ...files, video: file })} onClear={() => setFiles({ ...files, video: null })} />
        <label className="field">
          <span className="field__label">Target languages</span>
          <input data-testid="target-languages" value={languagesText} placeholder="es, fr" aria-invalid={invalid.length > 0} onChange={(event) => setLanguagesText(event.target.value)} />
        </label>
        <label className="field field--narrow">
          <span className="field__label">Spoken language (optional)</span>
          <input data-testid="source-language" value={fromText} placeholder="en" onChange={(event) => setFromText(event.target.value)} />
        </label>
        <FilePicker label="Subtitles of the original (optional)" accept={subtitleAccept} file={files.subtitles} testId="subtitles-input" onPick={(file) => setFiles({ ...files, subtitles: file })} onClear={() => setFiles({ ...files, subtitles: null })} />
        {languages.map((language) => (
          <FilePicker
            key={language}
            label={`Translation, ${language} (optional)`}
            accept={subtitleAccept}
            file={files.translations[language] ?? null}
            testId={`translation-input-${language}`}
            onPick={(file) => setFiles({ ...files, translations: { ...files.translations, [language]: file } })}
            onClear={() => {
              const translations = { ...files.translations };
              delete translations[language];
              setFiles({ ...files, translations });
            }}
          />
        ))}
        <label className="field field--narrow">
          <span className="field__label">Subtitle encoding (optional)</span>
          <input data-testid="subtitles-encoding" value={encodingText} placeholder="detected" list="subtitle-encodings" onChange={(event) => setEncodingText(event.target.value)} />
          <datalist id="subtitle-encodings">
            {['utf-8', 'utf-16le', 'windows-1250', 'windows-1251', 'windows-1252', 'iso-8859-2', 'koi8-r', 'gb18030', 'big5', 'shift_jis', 'euc-kr'].map((name) => (
              <option key={name} value={name} />
            ))}
          </datalist>
        </label>
        <label className="field field--check">
          <input type="checkbox" data-testid="subtitles-shown" checked={subtitlesShown} onChange={(event) => setSubtitlesShown(event.target.checked)} />
          <span>Show the dub&apos;s subtitles by default</span>
        </label>
        <div className="new-job__submit">
          <button type="submit" className="button button--primary" data-testid="create-jobs" disabled={problem !== null || submitting}>
            {submitting ? 'Queuing…' : languages.length > 1 ? `Queue ${languages.length} jobs` : 'Queue job'}
          </button>
          <span className="new-job__problem">{files.video ? `${files.video.name}${'size' in files.video ? `, ${formatBytes(files.video.size)}` : ''}. ` : ''}{problem ?? ''}</span>
        </div>
      </form>
      {notes.length > 0 ? (
        <ul className="new-job__notes" aria-live="polite">
          {notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      ) : null}
      {error ? <ErrorNotice error={error} title="The jobs were not queued." testId="create-jobs-error" /> : null}
    </section>
  );
}
