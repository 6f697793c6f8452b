package org.agentstream.benchmark;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.agentstream.testing.clients.SignIn;
import org.agentstream.testing.fixtures.BuildUsers;

/**
 * A compared server's {@code /status}: ours shows it to a {@code chat-admin} only and answers with its sign-in form
 * first, so the benchmark signs in as the build's {@code demo} user; the peers answer at once. Where that user does
 * not exist (Payara Micro's realm has no users) the answer stays the sign-in form.
 */
final class StatusPage {

    private StatusPage() {
    }

    static HttpResponse<String> get(HttpClient http, URI base, Duration timeout)
            throws IOException, InterruptedException {
        HttpResponse<String> status = send(http, base.resolve("status"), null, timeout);
        if (behindSignIn(status)) {
            String cookie;
            try {
                cookie = SignIn.signIn(base.toURL(), BuildUsers.DEMO, BuildUsers.passwordOf(BuildUsers.DEMO));
            } catch (IOException noSuchUser) {
                return status;
            }
            status = send(http, base.resolve("status"), cookie, timeout);
        }
        return status;
    }

    /**
     * Reads {@code /status} again and again in one session of {@code demo}, which it signs in again only once the
     * session has ended: a reader once a minute for an hour leaves no session a minute behind it.
     */
    static final class Reader {
        private final HttpClient http;
        private final URI base;
        private String cookie;

        Reader(HttpClient http, URI base) {
            this.http = http;
            this.base = base;
        }

        /** The answer of {@code status} followed by {@code query} (empty, or {@code ?awaitIdleMs=N}). */
        HttpResponse<String> get(String query, Duration timeout) throws IOException, InterruptedException {
            URI status = base.resolve("status" + query);
            if (cookie != null) {
                HttpResponse<String> answer = send(http, status, cookie, timeout);
                if (!behindSignIn(answer)) {
                    return answer;
                }
            }
            cookie = SignIn.signIn(base.toURL(), BuildUsers.DEMO, BuildUsers.passwordOf(BuildUsers.DEMO));
            return send(http, status, cookie, timeout);
        }

        /** Signs the session out, if there is one. */
        void signOut() throws IOException {
            if (cookie != null) {
                SignIn.signOut(base.toURL(), cookie);
                cookie = null;
            }
        }
    }

    /** True when the answer is the sign-in form rather than the figures. */
    static boolean behindSignIn(HttpResponse<String> status) {
        return status.statusCode() == 200 && status.body().contains("j_security_check");
    }

    private static HttpResponse<String> send(HttpClient http, URI status, String cookie, Duration timeout)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(status).timeout(timeout);
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
