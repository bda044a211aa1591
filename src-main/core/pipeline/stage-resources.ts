// Owns which worker pool runs a stage that holds a neural model (Whisper, a translator, a Piper
// voice): the model pool (the 'gpu' resource class), one worker by default (SPEC §2: GPU stages
// run one at a time). On a GPU that keeps two jobs from loading models onto one card at once; on
// a CPU it keeps one warm copy of each model instead of one per CPU worker (a Whisper and an NLLB
// copy per core would exhaust memory), and ONNX Runtime already spreads one run over every core.
import type { ResourceClass } from '../../shared/jobs.js';

export const modelStageResource: ResourceClass = 'gpu';
