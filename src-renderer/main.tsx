// The renderer's entry: paints with the remembered theme, then mounts the app shell.
import './zod-jitless.js'; // first: see the file
// The base stylesheets come before any feature's, so a feature's rule wins over a base rule of
// equal specificity.
import './app/app.css';
import './common/common.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/app.js';
import { prefetchFirstPage } from './app/sync.js';
import { bridge } from './bridge/index.js';
import { rememberedTheme } from './app/theme.js';
import { useUiStore } from './stores/ui-store.js';

useUiStore.getState().setTheme(rememberedTheme());
prefetchFirstPage(bridge);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element.');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
