package org.agentstream.agent.tools;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Flow;
import org.agentstream.agent.Agent;
import org.agentstream.agent.AgentName;
import org.agentstream.agent.AgentRequest;
import org.agentstream.agent.ReplyEvent;
import org.agentstream.config.ServerConfig;
import org.agentstream.timing.StepTimer;

/**
 * Shows tool calls without a model: on every message it calls {@code clock}, then {@code calculator} on the
 * arithmetic in the message (or {@value #DEFAULT_EXPRESSION}), streaming each call's arguments at a model's pace, and
 * answers with both results. The calls are the real tools' through a {@link ToolBox}, as a model's would be.
 */
@ApplicationScoped
@AgentName(ToolDemoAgent.NAME)
public class ToolDemoAgent implements Agent {

    public static final String NAME = "tool-demo";
    static final String DEFAULT_EXPRESSION = "17 * 23 + 4";
    static final long DEFAULT_GAP_MS = 30;
    /** How much of a message is looked at for arithmetic, and the longest arithmetic taken. */
    static final int SCANNED = 500;
    static final int MAX_EXPRESSION = 80;
    private static final String ARITHMETIC_CHARACTERS = "0123456789.+-*/^() ";
    private static final String OPERATORS = "+-*/^";

    @Inject
    private ToolDirectory tools;

    @Inject
    private StepTimer timer;

    @Override
    public String description() {
        return "Shows tool calls without a model: asks the clock, then the calculator, and answers with both.";
    }

    @Override
    public Flow.Publisher<ReplyEvent> reply(AgentRequest request) {
        AgentTools bounds = AgentTools.of(NAME);
        Duration gap = Duration.ofMillis(Math.max(0, ServerConfig.getLong("agentstream.agent." + NAME + ".gap-ms",
                DEFAULT_GAP_MS)));
        ToolBox box = tools.offer(List.of("clock", "calculator"), request.conversationId());
        return new ToolDemoReply(box, expressionIn(request.content()), bounds.timeout(), gap, timer,
                request.content());
    }

    /**
     * The first arithmetic in the first {@value #SCANNED} characters of the message (a run of digits, operators,
     * parentheses and plain spaces, from a digit or parenthesis to one, with an operator, balanced and at most
     * {@value #MAX_EXPRESSION} characters long), or the default one. One pass, no backtracking.
     */
    static String expressionIn(String message) {
        String scanned = message == null ? "" : message.substring(0, Math.min(message.length(), SCANNED));
        int start = 0;
        while (start < scanned.length()) {
            int end = start;
            while (end < scanned.length() && ARITHMETIC_CHARACTERS.indexOf(scanned.charAt(end)) >= 0) {
                end++;
            }
            if (end > start) {
                String expression = trimmed(scanned.substring(start, end));
                if (expression.length() <= MAX_EXPRESSION && hasOperator(expression) && balanced(expression)) {
                    return expression;
                }
                start = end;
            } else {
                start++;
            }
        }
        return DEFAULT_EXPRESSION;
    }

    /** From its first digit or opening parenthesis to its last digit or closing parenthesis. */
    private static String trimmed(String run) {
        int from = 0;
        while (from < run.length() && !Character.isDigit(run.charAt(from)) && run.charAt(from) != '(') {
            from++;
        }
        int to = run.length();
        while (to > from && !Character.isDigit(run.charAt(to - 1)) && run.charAt(to - 1) != ')') {
            to--;
        }
        return run.substring(from, to);
    }

    /** An operator with a digit somewhere before it and one somewhere after it. */
    private static boolean hasOperator(String expression) {
        boolean digitBefore = false;
        boolean operator = false;
        for (char c : expression.toCharArray()) {
            if (Character.isDigit(c)) {
                if (operator) {
                    return true;
                }
                digitBefore = true;
            } else if (digitBefore && OPERATORS.indexOf(c) >= 0) {
                operator = true;
            }
        }
        return false;
    }

    private static boolean balanced(String expression) {
        int depth = 0;
        for (char c : expression.toCharArray()) {
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            if (depth < 0) {
                return false;
            }
        }
        return depth == 0;
    }
}
