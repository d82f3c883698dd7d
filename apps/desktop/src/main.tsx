// First: the protocol's schemas are built as their modules load, and must see this setting.
import './zod-jitless.ts';
// Then the global base sheet, so each feature's sheet (imported by its component) comes after it.
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { initI18n } from './i18n/index.ts';
import { applyTheme } from './lib/theme.ts';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

// The theme before anything paints, so a dark system never flashes a light page.
applyTheme();

// Strings must be loaded before the first render, or the first paint shows raw keys.
initI18n().then(
  () => {
    createRoot(root).render(
      <StrictMode>
        <App />
      </StrictMode>,
    );
  },
  (error: unknown) => {
    console.error('Could not start the desktop', error);
    root.textContent = 'Parlo could not start. Reload the page.';
  },
);
