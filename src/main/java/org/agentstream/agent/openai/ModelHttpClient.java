package org.agentstream.agent.openai;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.ExecutorService;

/**
 * The one JDK HTTP client every remote-model reply uses, with the container's {@link ManagedExecutorService} as
 * its executor and as the executor that reads each reply's event stream. HTTP/1.1, which every OpenAI-compatible
 * server speaks, so dropping a reply's stream closes its connection.
 */
@ApplicationScoped
public class ModelHttpClient {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** How long the response headers may take; a reply's stall timeout usually ends the wait sooner. */
    static final Duration HEADERS_TIMEOUT = Duration.ofSeconds(60);

    @Resource
    private ManagedExecutorService executor;

    private HttpClient http;

    @PostConstruct
    void build() {
        http = on(executor);
    }

    /** A new connection for one reply. */
    ModelConnection connection() {
        return new ModelConnection(http, executor, HEADERS_TIMEOUT);
    }

    static HttpClient on(ExecutorService executor) {
        return HttpClient.newBuilder()
                .executor(executor)
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT)
                .build();
    }
}
