// Owns opening one of the diarization's ONNX models (segmentation or embedding): the session on
// the job's provider with the CPU fallback, its first input and output, and the input's declared
// shape for the model's own layout checks; a graph with no input or output is refused here.
import type { RedubError } from '../../../shared/errors.js';
import { createSessionWithFallback, type ExecutionPreference, type SessionHolder } from '../../models/execution-providers.js';

export interface OpenedModel {
  holder: SessionHolder;
  inputName: string;
  outputName: string;
  /** The input's declared dimensions (numbers or symbolic names), when the graph says. */
  inputShape: readonly (number | string)[] | undefined;
}

/** `describe` names the model in sentences ("speaker segmentation"); `wrongLayout` makes its layout error. */
export async function openModel(modelPath: string, describe: string, preference: ExecutionPreference, log: ((message: string) => void) | undefined, wrongLayout: (modelPath: string, reason: string) => RedubError): Promise<OpenedModel> {
  const holder = await createSessionWithFallback(modelPath, {
    preference,
    sessionOptions: { graphOptimizationLevel: 'all' },
    log,
    errorCode: 'E_MODEL_CORRUPT',
    errorDetails: [`ONNX Runtime could not load the ${describe} model ${modelPath}.`],
  });
  const session = holder.session;
  const inputName = session.inputNames[0];
  const outputName = session.outputNames[0];
  if (!inputName || !outputName) {
    await session.release().catch(() => undefined);
    throw wrongLayout(modelPath, 'it has no input or no output');
  }
  const input = session.inputMetadata.find((value) => value.name === inputName);
  return { holder, inputName, outputName, inputShape: input?.isTensor ? input.shape : undefined };
}
