// Declares Redub's two custom schemes to Chromium. Electron accepts this once, before `ready`.
import { protocol } from 'electron';
import { privilegedSchemes } from './app-origin.js';

export function registerPrivilegedSchemes(): void {
  protocol.registerSchemesAsPrivileged(privilegedSchemes);
}
