// Owns how ONNX Runtime runs the lip-sync models on the CPU: beside them run an ffmpeg decoder
// and an ffmpeg encoder, the encoder the slowest part of the stage, so the models must not take
// the cores those two need.

import type { InferenceSession } from 'onnxruntime-node';

/**
 * The session options both lip-sync models load with. ONNX Runtime's pool threads spin between
 * runs by default, taking a core from the ffmpeg decoder and encoder that run beside the engine;
 * they sleep instead (the run itself is as fast). The thread count stays ONNX Runtime's: on this
 * 2-core machine one thread instead of two cost the tiny detector the same processor time.
 */
export const lipSyncSessionOptions: InferenceSession.SessionOptions = {
  graphOptimizationLevel: 'all',
  extra: { session: { intra_op: { allow_spinning: '0' } } },
};
