// `redub doctor`: what this machine offers Redub — ffmpeg, execution providers, engines, the
// data folder and its free space — so a person can see at a glance why something fails.
import { statfsSync } from 'node:fs';
import { toErrorData } from '../../shared/errors.js';
import { mediaToolVersions, resolveMediaTools } from '../../core/media/ffmpeg-binaries.js';
import { loadCatalog } from '../../core/models/catalog.js';
import { ModelStore } from '../../core/models/model-store.js';
import type { Output } from '../output.js';

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export async function doctorCommand(dataDir: string, output: Output): Promise<number> {
  const checks: Check[] = [];
  const attempt = async (name: string, run: () => Promise<string> | string) => {
    try {
      checks.push({ name, ok: true, detail: await run() });
    } catch (error) {
      const data = toErrorData(error);
      checks.push({ name, ok: false, detail: `${data.code}: ${data.message} ${data.action}` });
    }
  };

  await attempt('ffmpeg', async () => {
    const tools = resolveMediaTools();
    const versions = await mediaToolVersions();
    return `${tools.ffmpeg} (${tools.source}): ${versions.ffmpeg}; ffprobe ${tools.ffprobe}: ${versions.ffprobe}`;
  });
  await attempt('execution providers', async () => {
    const { detectExecutionProviders } = await import('../../core/models/execution-providers.js');
    // One entry per provider: available, or unavailable with the reason (the CPU is always there).
    return detectExecutionProviders()
      .map((provider) => (provider.available ? `${provider.name} available` : `${provider.name} unavailable (${provider.reason})`))
      .join('; ');
  });
  await attempt('speech detection (Silero VAD)', async () => {
    // Loading it is the real check (the package's "exports" hides the weights from require.resolve).
    const { SileroVad } = await import('../../core/engines/vad/silero-vad.js');
    const vad = await SileroVad.load();
    await vad.dispose();
    return `ready on ${vad.executionProvider} (${vad.id} ${vad.version})`;
  });
  await attempt('speech synthesis (eSpeak NG)', async () => {
    const { EspeakSynthesizer } = await import('../../core/engines/tts/espeak-synthesizer.js');
    const synthesizer = await EspeakSynthesizer.load();
    return `ready; Spanish voice: ${synthesizer.voiceFor('es')}`;
  });
  await attempt('model packs', () => {
    const installed = new ModelStore(dataDir, loadCatalog()).listInstalled().map((manifest) => manifest.pack);
    const ids = (kind: string) => installed.filter((pack) => pack.kind === kind).map((pack) => pack.id);
    const [asr, mt, tts] = [ids('asr'), ids('mt'), ids('tts')];
    return [
      `transcription: ${asr.length > 0 ? asr.join(', ') : 'no Whisper pack (dubs need --subtitles)'}`,
      `translation: ${mt.length > 0 ? mt.join(', ') : 'no translation pack (dubs need --translation files)'}`,
      `voices: ${tts.length > 0 ? tts.join(', ') : 'no Piper voice (eSpeak NG speaks)'}`,
      ...(installed.length === 0 ? ['`redub models list` shows the catalog'] : []),
    ].join('; ');
  });
  await attempt('data folder', () => {
    const stats = statfsSync(dataDir, { bigint: false });
    const freeGb = (stats.bavail * stats.bsize) / 1024 ** 3;
    if (freeGb < 2) throw new Error(`only ${freeGb.toFixed(1)} GB free in ${dataDir}`);
    return `${dataDir} (${freeGb.toFixed(1)} GB free)`;
  });

  output.result({ ok: checks.every((check) => check.ok), checks }, () => checks.map((check) => `${check.ok ? 'ok  ' : 'FAIL'} ${check.name}: ${check.detail}`).join('\n'));
  return checks.every((check) => check.ok) ? 0 : 4;
}
