import { render } from 'preact';

function App() {
  return <main><h1>Waymark scanner</h1></main>;
}

render(<App />, document.getElementById('root')!);
