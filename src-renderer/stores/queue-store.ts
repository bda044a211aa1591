// The queue's own state (paused or not, how many jobs wait) as the core reports it.
import { create } from 'zustand';
import type { QueueStatus } from '../../src-main/shared/contract.js';

export interface QueueState {
  status: QueueStatus | null;
  setStatus(status: QueueStatus): void;
}

export const useQueueStore = create<QueueState>()((set) => ({
  status: null,
  setStatus: (status) => set({ status }),
}));
