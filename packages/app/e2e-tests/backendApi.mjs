// The signed-in guest's own calls to the backend, from inside the page (its
// session cookie gives its Backstage token): what the tests check the UI
// against, and set-up a real user would do through the API.

/** `fetch` of an LLM Usage API path as the guest; the parsed JSON body. */
export function guestApi(page, path, init = {}) {
  return guestBackendApi(page, `/api/llm-usage${path}`, init);
}

/**
 * `fetch` of any backend path (`/api/notifications/status`) as the guest; the
 * parsed JSON body.
 */
export async function guestBackendApi(page, path, init = {}) {
  const { status, body } = await page.evaluate(
    async ([apiPath, options]) => {
      const refresh = await fetch('/api/auth/guest/refresh', {
        headers: { 'X-Requested-With': 'XMLHttpRequest' },
        credentials: 'include',
      });
      const { backstageIdentity } = await refresh.json();
      const response = await fetch(apiPath, {
        method: options.method ?? 'GET',
        headers: {
          Authorization: `Bearer ${backstageIdentity.token}`,
          ...(options.body ? { 'Content-Type': 'application/json' } : {}),
        },
        body: options.body ? JSON.stringify(options.body) : undefined,
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null };
    },
    [path, init],
  );
  if (status >= 400) {
    throw new Error(
      `${init.method ?? 'GET'} ${path}: ${status} ${JSON.stringify(body)}`,
    );
  }
  return body;
}
