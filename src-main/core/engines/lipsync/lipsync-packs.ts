// Owns which model packs lip-sync needs: a face detector (YuNet, MIT) and a lip-sync model in the
// Wav2Lip-96 layout of facefusion's ONNX export (non-commercial weights). Both are catalog packs
// of kind "lipsync"; a job with segments is refused before it is queued when either is missing.

/** Catalog pack ids, and the file each pack holds. */
export const lipSyncPacks = {
  detector: { id: 'yunet-2023mar', engine: 'yunet', file: 'face_detection_yunet_2023mar.onnx' },
  model: { id: 'wav2lip-96', engine: 'wav2lip', file: 'wav2lip_96.onnx' },
} as const;
