import { useEffect, useState } from 'preact/hooks';
import { formatLocation, type Location, parseLocation, type Route } from './routes.js';

/** The current location, following `hashchange`. */
export function useLocation(): Location {
  const [location, setLocation] = useState(() => parseLocation(window.location.hash));
  useEffect(() => {
    const onChange = () => setLocation(parseLocation(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return location;
}

/** Goes to `route`, keeping the chosen window; `replace` does not add a history entry. */
export function navigate(route: Route, window_: string | undefined, replace = false): void {
  const hash = formatLocation(route, window_);
  if (replace) {
    history.replaceState(null, '', hash);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    window.location.hash = hash;
  }
}
