package org.agentstream.agent.openai;

import dev.langchain4j.exception.HttpException;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Map;
import org.agentstream.agent.AgentFailure;
import org.agentstream.agent.AgentFailure.Kind;

/** Turns what LangChain4j and the HTTP client report into a failure that tells the user what happened. */
final class ModelFailures {

    private static final int MAX_DETAIL = 300;
    private static final Map<Integer, String> REASONS = Map.ofEntries(
            Map.entry(400, "Bad Request"), Map.entry(401, "Unauthorized"), Map.entry(403, "Forbidden"),
            Map.entry(404, "Not Found"), Map.entry(408, "Request Timeout"), Map.entry(413, "Payload Too Large"),
            Map.entry(422, "Unprocessable Entity"), Map.entry(429, "Too Many Requests"),
            Map.entry(500, "Internal Server Error"), Map.entry(502, "Bad Gateway"),
            Map.entry(503, "Service Unavailable"), Map.entry(504, "Gateway Timeout"));

    private ModelFailures() {
    }

    static AgentFailure describe(Throwable failure, String baseUrl) {
        HttpException http = find(failure, HttpException.class);
        if (http != null) {
            return status(http.statusCode(), http.getMessage(), failure);
        }
        if (find(failure, ConnectException.class) != null) {
            return new AgentFailure(Kind.MODEL_UNAVAILABLE, "cannot connect to the model server at "
                    + origin(baseUrl) + ": " + detail(find(failure, ConnectException.class), "connection refused"),
                    failure);
        }
        if (find(failure, UnresolvedAddressException.class) != null
                || find(failure, UnknownHostException.class) != null) {
            return new AgentFailure(Kind.MODEL_UNAVAILABLE, "cannot find the model server " + origin(baseUrl), failure);
        }
        if (find(failure, HttpTimeoutException.class) != null
                || find(failure, dev.langchain4j.exception.TimeoutException.class) != null) {
            return new AgentFailure(Kind.MODEL_TIMEOUT, "the model server at " + origin(baseUrl)
                    + " did not answer in time", failure);
        }
        IOException io = deepest(failure, IOException.class);
        if (io != null) {
            return new AgentFailure(Kind.AGENT_FAILED, "the connection to the model server broke off: "
                    + detail(io, "closed"), failure);
        }
        return new AgentFailure(Kind.AGENT_FAILED, "the model call failed: " + detail(root(failure), "unknown error"),
                failure);
    }

    /** {@code body} is the server's answer; an OpenAI-style error's own message is the useful part of it. */
    static AgentFailure status(int status, String body, Throwable cause) {
        Kind kind = switch (status) {
            case 401, 403 -> Kind.MODEL_AUTH;
            case 429 -> Kind.MODEL_RATE_LIMITED;
            case 502, 503 -> Kind.MODEL_UNAVAILABLE;
            case 408, 504 -> Kind.MODEL_TIMEOUT;
            default -> Kind.AGENT_FAILED;
        };
        String reason = REASONS.getOrDefault(status, "").isEmpty() ? "" : " " + REASONS.get(status);
        return new AgentFailure(kind, "model server returned " + status + reason + ": " + errorMessage(body), cause);
    }

    private static String errorMessage(String body) {
        if (body == null || body.isBlank()) {
            return "(no details)";
        }
        try {
            JsonValue json = Json.createReader(new StringReader(body)).readValue();
            if (json instanceof JsonObject object) {
                JsonValue error = object.get("error");
                String message = error instanceof JsonObject nested ? text(nested.get("message")) : text(error);
                if (message == null) {
                    message = text(object.get("message"));
                }
                if (message == null) {
                    message = text(object.get("detail"));
                }
                if (message != null) {
                    return shorten(message);
                }
            }
        } catch (JsonException | IllegalStateException notJson) {
            // fall through to the raw body
        }
        return shorten(body.strip());
    }

    private static String text(JsonValue value) {
        return value instanceof JsonString string && !string.getString().isBlank() ? string.getString() : null;
    }

    private static String shorten(String text) {
        return text.length() <= MAX_DETAIL ? text : text.substring(0, MAX_DETAIL) + "…";
    }

    private static String detail(Throwable failure, String fallback) {
        String message = failure.getMessage();
        return message == null || message.isBlank() ? fallback : shorten(message);
    }

    private static String origin(String baseUrl) {
        try {
            URI uri = URI.create(baseUrl);
            if (uri.getHost() == null) {
                return baseUrl;
            }
            return uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
        } catch (IllegalArgumentException e) {
            return baseUrl;
        }
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /** The innermost one, which says what really happened (the JDK wraps a broken stream in "closed"). */
    private static <T extends Throwable> T deepest(Throwable failure, Class<T> type) {
        T found = null;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t) && t.getMessage() != null) {
                found = type.cast(t);
            }
        }
        return found != null ? found : find(failure, type);
    }

    private static Throwable root(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }
}
