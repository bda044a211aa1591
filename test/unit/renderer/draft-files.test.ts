import { describe, expect, it } from 'vitest';
import { diskFile } from '../../../src-renderer/bridge/files.js';
import { assignFiles, emptyDraftFiles, fileRole, parseLanguages, subtitleLanguage } from '../../../src-renderer/features/queue/draft-files.js';

const file = (name: string, type = '') => new File(['x'], name, { type });

describe('fileRole', () => {
  it('knows videos by extension or MIME type, and subtitles by extension', () => {
    expect(fileRole('talk.MP4')).toBe('video');
    expect(fileRole('clip', 'video/webm')).toBe('video');
    expect(fileRole('talk.es.srt')).toBe('subtitles');
    expect(fileRole('talk.vtt')).toBe('subtitles');
    expect(fileRole('notes.txt', 'text/plain')).toBe('other');
  });
});

describe('subtitleLanguage', () => {
  it('reads the language before the extension', () => {
    expect(subtitleLanguage('talk.es.srt')).toBe('es');
    expect(subtitleLanguage('my.talk.pt-BR.vtt')).toBe('pt-br');
    expect(subtitleLanguage('talk.srt')).toBeNull();
    expect(subtitleLanguage('talk.final.srt')).toBeNull();
  });
});

describe('parseLanguages', () => {
  it('splits on commas and spaces, normalises and drops repeats', () => {
    expect(parseLanguages('es, FR  de,es')).toEqual({ languages: ['es', 'fr', 'de'], invalid: [] });
    expect(parseLanguages('pt_BR')).toEqual({ languages: ['pt-br'], invalid: [] });
  });

  it('reports words that are not language codes', () => {
    expect(parseLanguages('es, spanish!, 1')).toEqual({ languages: ['es'], invalid: ['spanish!', '1'] });
    expect(parseLanguages('  ')).toEqual({ languages: [], invalid: [] });
  });
});

describe('assignFiles', () => {
  it('sorts a drop into video, source subtitles and translations for the target languages', () => {
    const video = file('talk.mp4');
    const source = file('talk.srt');
    const spanish = file('talk.es.srt');
    const result = assignFiles(emptyDraftFiles, [video, source, spanish], ['es'], null);
    expect(result.files).toEqual({ video, subtitles: source, translations: { es: spanish } });
    expect(result.addedLanguages).toEqual([]);
    expect(result.notes).toEqual([]);
  });

  it('treats other-language files as translations (adding the language) once the spoken language is known', () => {
    const english = file('talk.en.srt');
    const french = file('talk.fr.srt');
    const result = assignFiles(emptyDraftFiles, [english, french], [], 'en');
    expect(result.files.subtitles).toBe(english);
    expect(result.files.translations).toEqual({ fr: french });
    expect(result.addedLanguages).toEqual(['fr']);
  });

  it('reads language-named files as translations when the source subtitles come unnamed in the same drop', () => {
    const video = file('talk.mp4');
    const source = file('talk.srt');
    const spanish = file('talk.es.srt');
    const result = assignFiles(emptyDraftFiles, [video, source, spanish], [], null);
    expect(result.files).toEqual({ video, subtitles: source, translations: { es: spanish } });
    expect(result.addedLanguages).toEqual(['es']);
  });

  it('takes one video at a time and says why the others were left out', () => {
    const first = file('a.mp4');
    const result = assignFiles(emptyDraftFiles, [first, file('b.mkv'), file('notes.txt')], ['es'], null);
    expect(result.files.video).toBe(first);
    expect(result.notes).toEqual(['b.mkv was not added: one video at a time (queue it next).', 'notes.txt is neither a video nor a subtitle file (.srt, .vtt, .ass, .ssa).']);
  });

  it('accepts paths handed over by the desktop app', () => {
    const opened = diskFile('/home/me/talk.mov');
    expect(assignFiles(emptyDraftFiles, [opened], ['es'], null).files.video).toEqual({ name: 'talk.mov', path: '/home/me/talk.mov' });
  });
});
