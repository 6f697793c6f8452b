package org.agentstream.agent.tools;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.service.tool.ToolExecutionResult;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.agentstream.agent.ReplyEvent;
import org.agentstream.agent.tools.ToolDiscovery.FoundTool;
import org.agentstream.timing.StepTimer;

/**
 * The tools one reply may call: what the model is told about them, and the one way every call runs (a model's or a
 * scripted agent's), so timeouts and errors apply alike.
 */
public final class ToolBox {

    private final Map<String, FoundTool> tools = new LinkedHashMap<>();
    private final String conversationId;
    private final ToolInvoker invoker;
    private final ExecutorService executor;
    private final StepTimer timer;

    /** No tools, for an agent that offers none: a call the model makes anyway gets an error result. */
    public static final ToolBox NONE = new ToolBox(List.of(), null, null, null, null);

    ToolBox(List<FoundTool> offered, String conversationId, ToolInvoker invoker, ExecutorService executor,
            StepTimer timer) {
        offered.forEach(tool -> tools.put(tool.name(), tool));
        this.conversationId = conversationId;
        this.invoker = invoker;
        this.executor = executor;
        this.timer = timer;
    }

    public boolean isEmpty() {
        return tools.isEmpty();
    }

    /** What the model is told about each tool, in the order they were offered. */
    public List<ToolSpecification> specifications() {
        return tools.values().stream().map(FoundTool::specification).toList();
    }

    /**
     * Calls the tool the request names (the request has an id), on the managed executor, for at most
     * {@code timeout}. {@code done} hears its result once (an error result if it threw, timed out, is not offered or
     * got arguments it cannot take), unless the returned run is cancelled first; for a tool not offered, at once on
     * this thread.
     */
    public ToolRun call(ToolExecutionRequest request, Duration timeout, Consumer<ReplyEvent.ToolResult> done) {
        FoundTool tool = tools.get(request.name());
        if (tool == null) {
            return ToolRun.refused(request.id(), "no tool named " + request.name() + " is offered; the tools are "
                    + tools.keySet(), done);
        }
        Supplier<ToolExecutionResult> call = () -> invoker.invoke(tool, request, conversationId);
        return ToolRun.start(request.id(), call, timeout, executor, timer, done);
    }
}
