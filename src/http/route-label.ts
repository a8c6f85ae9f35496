// What a request path looks like in a log line: its shape, never its values. Ids and anything a
// client typed into the path (a name pasted into a URL is PHI) become ':id' — even in the type
// position unless it is a type this server serves — while `metadata`, `_search`, `_history` and
// `$operation` names stay, so operators can still group lines by interaction.

const KEYWORD = /^(?:metadata|_search|_history|\$[A-Za-z][A-Za-z-]{0,63})$/;

export type RouteLabeler = (path: string) => string;

export function createRouteLabeler(resourceTypes: Iterable<string>): RouteLabeler {
  const types = new Set(resourceTypes);
  return (path) => {
    let out = '';
    let start = path.charCodeAt(0) === 47 /* '/' */ ? 1 : 0;
    if (start >= path.length) return '/';
    for (let i = 0; i < 4; i++) {
      const end = path.indexOf('/', start);
      const seg = end < 0 ? path.slice(start) : path.slice(start, end);
      out += (i === 0 && types.has(seg)) || KEYWORD.test(seg) ? `/${seg}` : '/:id';
      if (end < 0) return out;
      start = end + 1;
    }
    return `${out}/…`;
  };
}
