package org.agentstream.agent.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.langchain4j.exception.HttpException;
import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import org.agentstream.agent.AgentFailure;
import org.agentstream.agent.AgentFailure.Kind;
import org.junit.jupiter.api.Test;

class ModelFailuresTest {

    private static final String BASE = "http://models.example:8000/v1";

    @Test
    void anOpenAiErrorBodyGivesItsOwnMessage() {
        AgentFailure failure = ModelFailures.describe(new RuntimeException(new HttpException(429,
                "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"code\":null}}")), BASE);
        assertEquals(Kind.MODEL_RATE_LIMITED, failure.kind());
        assertEquals("model server returned 429 Too Many Requests: Rate limit reached", failure.getMessage());
    }

    @Test
    void aBodyThatIsNotJsonIsShownShortened() {
        AgentFailure failure = ModelFailures.describe(new HttpException(502, "<html>" + "x".repeat(500)), BASE);
        assertEquals(Kind.MODEL_UNAVAILABLE, failure.kind());
        assertEquals("model server returned 502 Bad Gateway: <html>" + "x".repeat(294) + "…", failure.getMessage());
    }

    @Test
    void otherErrorShapesAreUnderstood() {
        assertEquals("model server returned 404 Not Found: model 'llama9' not found",
                ModelFailures.describe(new HttpException(404, "{\"error\":\"model 'llama9' not found\"}"), BASE)
                        .getMessage());
        assertEquals("model server returned 422 Unprocessable Entity: field required",
                ModelFailures.describe(new HttpException(422, "{\"detail\":\"field required\"}"), BASE).getMessage());
    }

    @Test
    void aRefusedConnectionNamesTheServer() {
        AgentFailure failure = ModelFailures.describe(new CompletionException(new ConnectException()), BASE);
        assertEquals(Kind.MODEL_UNAVAILABLE, failure.kind());
        assertEquals("cannot connect to the model server at models.example:8000: connection refused",
                failure.getMessage());
    }

    @Test
    void aBrokenStreamSaysWhatBrokeIt() {
        AgentFailure failure = ModelFailures.describe(
                new IOException("closed", new IOException("EOF reached while reading")), BASE);
        assertEquals(Kind.AGENT_FAILED, failure.kind());
        assertEquals("the connection to the model server broke off: EOF reached while reading", failure.getMessage());
    }
}
