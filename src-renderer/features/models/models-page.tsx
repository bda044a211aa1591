// The model manager's place. Installing model packs is not built yet, so this page says plainly
// what Redub can do without them, and offers no button that would do nothing.

export function ModelsPage() {
  return (
    <section className="page models-page" aria-labelledby="models-heading" data-testid="models-page">
      <h1 id="models-heading">Models</h1>
      <p data-testid="models-empty">
        No model packs are installed. Neural engines (Whisper, NLLB, Piper) arrive with model packs; until then Redub dubs from subtitle files.
      </p>
      <p className="muted">
        What runs today without any download: speech detection (Silero VAD), speech synthesis (eSpeak NG) and time-fitting (Sonic). The spoken text comes from the subtitles you add to a job,
        and each translation from a translated subtitle file.
      </p>
    </section>
  );
}
