// Owns preparing a waveform canvas for drawing: sized to the device's pixel ratio, cleared, with
// the lane's --wave colour set, so every waveform (the timeline's lanes, a crop's audio) draws alike.

/** The 2D context of `element`, ready to draw `width` × `height` CSS pixels; null when it has none. */
export function prepareWaveCanvas(element: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D | null {
  const ratio = globalThis.devicePixelRatio || 1;
  element.width = Math.round(width * ratio);
  element.height = Math.round(height * ratio);
  const context = element.getContext('2d');
  if (!context) return null;
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.clearRect(0, 0, width, height);
  context.fillStyle = getComputedStyle(element).getPropertyValue('--wave').trim() || '#5a6070';
  return context;
}
