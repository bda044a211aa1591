// Reads the table `espeak-ng --voices` prints into voices: eSpeak NG's own choice of which voice
// files are voices, their names and their languages with priorities.

export interface EspeakVoice {
  /** The voice file, as eSpeak NG selects it: 'roa/es', 'gmw/en-US'. */
  identifier: string;
  name: string;
  /** The languages the voice speaks; a lower priority is a better match. */
  languages: { priority: number; name: string }[];
}

/**
 * Each row: priority, first language, age/gender, name (spaces written as '_'), file, then the
 * other languages as "(language priority)". The header row and blank lines are passed over.
 */
export function parseEspeakVoices(table: string): EspeakVoice[] {
  const voices: EspeakVoice[] = [];
  for (const line of table.split('\n')) {
    const row = /^\s*(\d+)\s+(\S+)\s+\S+\s+(\S+)\s+(\S+)\s*(.*)$/.exec(line);
    if (!row) continue;
    const [, priority, language, name, identifier, others] = row as unknown as [string, string, string, string, string, string];
    const languages = [{ priority: Number(priority), name: language }];
    for (const other of others.matchAll(/\((\S+) (\d+)\)/g)) languages.push({ priority: Number(other[2]), name: other[1]! });
    voices.push({ identifier, name: name.replaceAll('_', ' '), languages });
  }
  return voices;
}
