// Owns the one rule every way into the local API shares, HTTP and WebSocket alike: the request
// must be addressed to this machine by name, which is what stops a DNS-rebinding page.

/** 127.0.0.1, localhost or [::1], with any port. */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  return /^(127\.0\.0\.1|localhost|\[::1\])(:\d{1,5})?$/i.test(host);
}
