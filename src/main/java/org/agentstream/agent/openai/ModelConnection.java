package org.agentstream.agent.openai;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

/**
 * The model-server connection of one reply, as LangChain4j's HTTP client. The event stream is requested and read in one
 * task on the given (managed) executor, and the reply can drop the connection at any moment: while the request waits
 * for its response its thread is interrupted, which aborts it; after that the body is closed, which closes the
 * connection. (LangChain4j's own JDK client reads the stream in a dependent stage of {@code sendAsync}, which the JDK
 * runs on the common fork-join pool, not on the client's executor; and its {@code StreamingHandle} exists only once a
 * first token has arrived.)
 */
final class ModelConnection implements HttpClient {

    private final java.net.http.HttpClient http;
    private final ExecutorService executor;
    private final Duration headersTimeout;
    private Thread waiting;
    private InputStream body;
    private boolean closed;

    ModelConnection(java.net.http.HttpClient http, ExecutorService executor, Duration headersTimeout) {
        this.http = http;
        this.executor = executor;
        this.headersTimeout = headersTimeout;
    }

    /** For the model's builder: whatever timeouts it asks for, it gets this connection. */
    HttpClientBuilder builder() {
        ModelConnection connection = this;
        return new HttpClientBuilder() {
            private Duration connectTimeout;
            private Duration readTimeout;

            @Override
            public Duration connectTimeout() {
                return connectTimeout;
            }

            @Override
            public HttpClientBuilder connectTimeout(Duration timeout) {
                connectTimeout = timeout;
                return this;
            }

            @Override
            public Duration readTimeout() {
                return readTimeout;
            }

            @Override
            public HttpClientBuilder readTimeout(Duration timeout) {
                readTimeout = timeout;
                return this;
            }

            @Override
            public HttpClient build() {
                return connection;
            }
        };
    }

    @Override
    public SuccessfulHttpResponse execute(HttpRequest request) {
        try {
            HttpResponse<byte[]> response = http.send(toJdk(request), BodyHandlers.ofByteArray());
            if (response.statusCode() / 100 != 2) {
                throw new HttpException(response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
            }
            return SuccessfulHttpResponse.builder().statusCode(response.statusCode())
                    .headers(response.headers().map()).body(response.body()).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
        java.net.http.HttpRequest jdkRequest = toJdk(request);
        try {
            executor.execute(() -> stream(jdkRequest, parser, listener));
        } catch (RejectedExecutionException busy) {
            listener.onError(busy);
        }
    }

    private void stream(java.net.http.HttpRequest request, ServerSentEventParser parser,
            ServerSentEventListener listener) {
        HttpResponse<InputStream> response;
        synchronized (this) {
            if (closed) {
                return;
            }
            waiting = Thread.currentThread();
        }
        CompletableFuture<HttpResponse<InputStream>> exchange = http.sendAsync(request, BodyHandlers.ofInputStream());
        try {
            response = exchange.get();
        } catch (ExecutionException failed) {
            stopWaiting();
            listener.onError(failed.getCause() == null ? failed : failed.getCause());
            return;
        } catch (InterruptedException closedBeforeTheResponse) {
            stopWaiting();
            // the response may be in already (the interrupt came as it arrived) or come after all: its body is
            // closed, which drops the connection, else the model server would stream on to no one
            exchange.cancel(true);
            exchange.thenAccept(late -> closeQuietly(late.body()));
            return;
        }
        try (InputStream stream = response.body()) {
            if (!attach(stream)) {
                return;
            }
            if (response.statusCode() / 100 != 2) {
                listener.onError(new HttpException(response.statusCode(),
                        new String(stream.readAllBytes(), StandardCharsets.UTF_8)));
                return;
            }
            listener.onOpen(SuccessfulHttpResponse.builder().statusCode(response.statusCode())
                    .headers(response.headers().map()).build());
            parser.parse(stream, listener);
            listener.onClose();
        } catch (IOException | RuntimeException e) {
            listener.onError(e);
        }
    }

    /**
     * Drops the connection: a request still waiting for its response is interrupted (which aborts it), a body being
     * read is closed; either now, or as soon as the request is made.
     */
    void close() {
        InputStream open;
        synchronized (this) {
            closed = true;
            if (waiting != null) {
                waiting.interrupt();
                waiting = null;
            }
            open = body;
            body = null;
        }
        if (open != null) {
            closeQuietly(open);
        }
    }

    private static void closeQuietly(InputStream body) {
        try {
            body.close();
        } catch (IOException | RuntimeException e) {
            // the connection is dropped either way
        }
    }

    /**
     * The response (or a failure) is in: from here on this thread runs the reply's callbacks, which must never see an
     * interrupt meant for the request. One sent before this point is cleared.
     */
    private void stopWaiting() {
        synchronized (this) {
            waiting = null;
        }
        Thread.interrupted();
    }

    private boolean attach(InputStream stream) {
        stopWaiting();
        synchronized (this) {
            if (closed) {
                return false;
            }
            body = stream;
            return true;
        }
    }

    private java.net.http.HttpRequest toJdk(HttpRequest request) {
        if (!request.formDataFields().isEmpty() || !request.formDataFiles().isEmpty()) {
            throw new UnsupportedOperationException("form data is not needed for chat completions");
        }
        java.net.http.HttpRequest.Builder builder = java.net.http.HttpRequest.newBuilder(URI.create(request.url()))
                .timeout(headersTimeout)
                .method(request.method().name(), request.body() == null
                        ? java.net.http.HttpRequest.BodyPublishers.noBody()
                        : java.net.http.HttpRequest.BodyPublishers.ofString(request.body()));
        request.headers().forEach((name, values) -> {
            if (values != null) {
                values.forEach(value -> builder.header(name, value));
            }
        });
        return builder.build();
    }
}
