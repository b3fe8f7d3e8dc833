// The CSRF token comes from the login / session response and lives only in memory: the session cookie is
// HttpOnly, and every write request repeats the token in the `x-csrf-token` header.
let token: string | null = null;

export function setCsrfToken(value: string | null): void {
  token = value;
}

export function getCsrfToken(): string | null {
  return token;
}
