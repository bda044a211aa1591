// Which row a key moves to in the queue list: the keys people expect from a list box.

/** The index to move to, or null when the key is not a movement key (let it do its usual thing). */
export function nextRowIndex(key: string, index: number, count: number, pageSize: number): number | null {
  if (count === 0) return null;
  const from = index < 0 ? -1 : Math.min(index, count - 1);
  const clamp = (value: number) => Math.min(count - 1, Math.max(0, value));
  switch (key) {
    case 'ArrowDown':
      return clamp(from + 1);
    case 'ArrowUp':
      return clamp(from < 0 ? 0 : from - 1);
    case 'PageDown':
      return clamp(from + Math.max(1, pageSize));
    case 'PageUp':
      return clamp(from - Math.max(1, pageSize));
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}
