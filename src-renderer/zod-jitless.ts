// Zod compiles fast validators with `new Function` when it may, and decides so while the
// contract's schemas are being built; the CSP forbids eval, and even probing for it logs a
// violation in the console. So this runs first (main.tsx imports it before anything that
// imports the contract) and makes the renderer validate without the JIT.
import { config } from 'zod';

config({ jitless: true });
