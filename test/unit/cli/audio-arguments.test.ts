// `--audio <refId>=<file>`, repeatable: parsed into refId → file without splitting at commas (a
// file name may hold one), each refId checked here so a typo is a usage error naming the flag.
import { describe, expect, it } from 'vitest';
import { parseAudioPairs, parseCommandArguments } from '../../../src-main/cli/arguments.js';
import { dubOptions } from '../../../src-main/cli/command-options.js';
import { RedubError } from '../../../src-main/shared/errors.js';

function usageMessage(values: string[]): string {
  try {
    parseAudioPairs(values);
  } catch (error) {
    expect(error).toBeInstanceOf(RedubError);
    expect((error as RedubError).code).toBe('E_USAGE');
    return (error as RedubError).message;
  }
  throw new Error(`${values.join(' ')} was accepted`);
}

describe('--audio', () => {
  it('is a repeatable flag of redub dub', () => {
    const parsed = parseCommandArguments(['video.mp4', '--audio', 'narrator=voice.wav', '--audio', 'music=a,b=c.mp3'], dubOptions);
    expect(parsed.values.audio).toEqual(['narrator=voice.wav', 'music=a,b=c.mp3']);
    expect(parseAudioPairs(parsed.values.audio)).toEqual({ narrator: 'voice.wav', music: 'a,b=c.mp3' });
  });

  it('takes nothing to mean no added audio', () => {
    expect(parseAudioPairs(undefined)).toEqual({});
    expect(parseAudioPairs([])).toEqual({});
  });

  it('refuses a value without <refId>=, an empty file and a refId given twice', () => {
    expect(usageMessage(['voice.wav'])).toBe('--audio expects <refId>=<file>, got "voice.wav".');
    expect(usageMessage(['=voice.wav'])).toMatch(/expects <refId>=<file>/);
    expect(usageMessage(['narrator='])).toBe('--audio narrator= needs a file after the "=".');
    expect(usageMessage(['narrator=a.wav', 'narrator=b.wav'])).toMatch(/names the refId "narrator" twice/);
  });

  it('refuses "dub", the job\'s own track, and refIds a URL or file name cannot carry', () => {
    expect(usageMessage(['dub=voice.wav'])).toMatch(/"dub" is the job's own dubbed track/);
    for (const refId of ['has space', '-leading', 'a/b', 'é', 'x'.repeat(65)]) {
      expect(usageMessage([`${refId}=voice.wav`]), refId).toMatch(/is not an audio refId/);
    }
    expect(parseAudioPairs(['Take_2-final=voice.wav', `${'x'.repeat(64)}=v.wav`])).toEqual({ 'Take_2-final': 'voice.wav', ['x'.repeat(64)]: 'v.wav' });
  });
});
