import { render } from 'preact';
import { App } from './app';

/** The provider scanner PWA, served at /scan/. */
render(<App />, document.getElementById('root')!);

/**
 * The service worker keeps the app shell on the device so the scanner opens with no connection.
 * (It never touches the API: scans are queued by the page, in IndexedDB.)
 */
if ('serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/scan/sw.js', { scope: '/scan/' }).catch(() => {
      // No service worker (e.g. a private window): the scanner still works while online.
    });
  });
}
