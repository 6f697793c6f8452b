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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;

/**
 * The model-server connection of one reply, as LangChain4j's HTTP client. The event stream is requested and read
 * in one task on the given (managed) executor, and the reply can drop the connection at any moment: before the
 * response the task is interrupted, which aborts the request; after it the body is closed, which closes the
 * connection. (LangChain4j's own JDK client reads the stream in a dependent stage of {@code sendAsync}, which the
 * JDK runs on the common fork-join pool, not on the client's executor; and its {@code StreamingHandle} exists only
 * once a first token has arrived.)
 */
final class ModelConnection implements HttpClient {

    private final java.net.http.HttpClient http;
    private final ExecutorService executor;
    private final Duration headersTimeout;
    private Future<?> task;
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
        synchronized (this) {
            if (closed) {
                return;
            }
            try {
                task = executor.submit(() -> stream(jdkRequest, parser, listener));
            } catch (RejectedExecutionException busy) {
                listener.onError(busy);
            }
        }
    }

    private void stream(java.net.http.HttpRequest request, ServerSentEventParser parser,
            ServerSentEventListener listener) {
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, BodyHandlers.ofInputStream());
        } catch (IOException e) {
            listener.onError(e);
            return;
        } catch (InterruptedException closedBeforeTheResponse) {
            return;
        }
        try (InputStream stream = response.body()) {
            if (response.statusCode() / 100 != 2) {
                listener.onError(new HttpException(response.statusCode(),
                        new String(stream.readAllBytes(), StandardCharsets.UTF_8)));
                return;
            }
            if (!attach(stream)) {
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

    /** Drops the connection: the request is aborted, or the body closed, now or as soon as it arrives. */
    void close() {
        InputStream open;
        Future<?> running;
        synchronized (this) {
            closed = true;
            open = body;
            running = task;
            body = null;
        }
        if (open != null) {
            try {
                open.close();
            } catch (IOException | RuntimeException e) {
                // the connection is dropped either way
            }
        } else if (running != null) {
            running.cancel(true);
        }
    }

    private synchronized boolean attach(InputStream stream) {
        if (closed) {
            return false;
        }
        body = stream;
        return true;
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
