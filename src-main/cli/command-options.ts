// Each command's flags, apart from the commands themselves: the command line is parsed before
// the one command it names is loaded, so `redub dub` never loads the server, nor `redub serve`
// the model installer.
export const dubOptions = {
  to: { type: 'string' },
  from: { type: 'string' },
  subtitles: { type: 'string' },
  'subtitles-encoding': { type: 'string' },
  'show-subtitles': { type: 'boolean' },
  translation: { type: 'string', multiple: true },
  voice: { type: 'string', multiple: true },
  lipsync: { type: 'string' },
  audio: { type: 'string', multiple: true },
  out: { type: 'string' },
  'max-speed': { type: 'string' },
  'max-size-mb': { type: 'string' },
  'max-duration-minutes': { type: 'string' },
  priority: { type: 'string' },
  'execution-provider': { type: 'string' },
  transcriber: { type: 'string' },
  translator: { type: 'string' },
  glossary: { type: 'string' },
  separation: { type: 'string' },
  speakers: { type: 'string' },
  stems: { type: 'boolean' },
} as const;

export const jobsOptions = {
  state: { type: 'string' },
  limit: { type: 'string' },
  offset: { type: 'string' },
} as const;

export const modelsOptions = {
  force: { type: 'boolean', default: false },
} as const;

export const pruneOptions = {
  'dry-run': { type: 'boolean' },
} as const;

export const cuesOptions = {
  format: { type: 'string' },
  out: { type: 'string' },
} as const;

export const serveOptions = {
  port: { type: 'string' },
} as const;

export const subtitlesOptions = { encoding: { type: 'string' } } as const;

export const optionsByCommand = {
  dub: dubOptions,
  jobs: jobsOptions,
  serve: serveOptions,
  models: modelsOptions,
  prune: pruneOptions,
  cues: cuesOptions,
  render: {},
  subtitles: subtitlesOptions,
  doctor: {},
} as const;

export type CommandName = keyof typeof optionsByCommand;
