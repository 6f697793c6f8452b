// Who is signed in, on the chat page: the server's sign-in form when it requires one and nobody is signed in, the
// user's name and a sign-out button, and what a close of the chat connection for good (code 1008) means for the page.

import { element } from "./element.js";

/**
 * What the server's /account answers. signIn: "required" or "off"; user: null when nobody is signed in; chat: false
 * for a user without the role chat-user; admin: true for a user with the role chat-admin.
 * @typedef {{signIn: string, user: string | null, chat?: boolean, admin?: boolean}} Account
 */

/** What the page says when the server closed the connection for good (close code 1008, the reason). */
const CLOSED_TEXT = {
  signed_out: "Signed out",
  sign_in_required: "Sign in to chat",
  too_many_connections: "Too many open chat windows: close one and reload",
};

/**
 * The page's words for a close for good, by its reason; undefined for any other close.
 * @param {string} [reason] @returns {string | undefined}
 */
export function closedText(reason) {
  return CLOSED_TEXT[reason];
}

/**
 * Asks who is signed in: with sign-in required and nobody signed in, goes to the server's sign-in form (which comes
 * back here) and resolves with null; otherwise shows the user and a sign-out button in `place`.
 * @param {HTMLElement} place @returns {Promise<Account | null>}
 */
export async function signedIn(place) {
  let account = { signIn: "off", user: null };
  try {
    const response = await fetch("account", { cache: "no-store" });
    if (response.ok) account = await response.json();
  } catch {
    // an older server without /account: connect as before, the handshake says the rest
  }
  if (account.signIn === "required" && !account.user) {
    goToSignIn();
    return null;
  }
  showAccount(place, account);
  return account;
}

/**
 * Follows the sign-in through the client's connection: a close because the user signed out goes to the sign-in form.
 * A connection lost because the sign-in ended (the session timed out, or the user signed out in another tab) cannot
 * come back, its handshake is refused: the page asks at each reconnect, and goes to the sign-in form then.
 * @param {import("./agent-stream-client.js").AgentStreamClient} client
 */
export function followSignIn(client) {
  client.addEventListener("state", ({ detail }) => {
    if (detail.state === "closed" && detail.reason === "signed_out") goToSignIn();
    if (detail.state === "reconnecting") signInAgainIfSignedOut();
  });
}

async function signInAgainIfSignedOut() {
  try {
    const response = await fetch("account", { cache: "no-store" });
    const account = response.ok ? await response.json() : null;
    if (account && account.signIn === "required" && !account.user) goToSignIn();
  } catch {
    // the server is not reachable: the client goes on reconnecting
  }
}

function goToSignIn() {
  window.location.assign("signin");
}

function showAccount(place, { user, admin }) {
  if (!user) return;
  const form = element("form");
  form.method = "post";
  form.action = "signout";
  const button = element("button", "", "Sign out");
  button.id = "sign-out";
  button.type = "submit";
  form.append(button);
  const name = element("span", "", `Signed in as ${user}`);
  name.id = "user";
  place.replaceChildren(name, form);
  if (admin) {
    const dashboard = element("a", "", "Dashboard");
    dashboard.id = "dashboard-link";
    dashboard.href = "admin/dashboard.html";
    place.prepend(dashboard);
  }
}
