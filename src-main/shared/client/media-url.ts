// URLs of a job's media and download: a <video> element or a download link cannot send an
// Authorization header, so these URLs carry the token as a query parameter (the API accepts it
// there for these routes and the event stream only).

export function withToken(url: string, token: string | null): string {
  if (!token || /^(blob|data):/.test(url) || /[?&]token=/.test(url)) return url;
  const hashAt = url.indexOf('#');
  const [base, hash] = hashAt === -1 ? [url, ''] : [url.slice(0, hashAt), url.slice(hashAt)];
  return `${base}${base.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}${hash}`;
}

/** A path the server handed out ('/api/v1/…') as a URL on the client's base, with the token. */
export function absoluteMediaUrl(baseUrl: string, url: string, token: string | null): string {
  return withToken(url.startsWith('/') ? `${baseUrl.replace(/\/+$/, '')}${url}` : url, token);
}
