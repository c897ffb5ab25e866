import { render } from 'preact';
import { App } from './app.js';
import { applyStoredTheme } from './state/theme.js';
import './styles/theme.css';
import './styles/layout.css';
import './styles/tables.css';
import './styles/graph.css';
import './styles/tap.css';
import './styles/narrow.css';

applyStoredTheme();
render(<App />, document.getElementById('app')!);
