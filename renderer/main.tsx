import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import 'uplot/dist/uPlot.min.css';
import './app.css';
import { App } from './app';
import { connectEngine } from './connect-engine';

// One client for the page's lifetime, made outside React so StrictMode's double mount
// does not open two sockets.
const client = connectEngine();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App client={client} />
  </StrictMode>,
);
