package org.agentstream.agent.tools;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.exception.ToolArgumentsException;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.service.tool.DefaultToolExecutor;
import dev.langchain4j.service.tool.ToolExecutionResult;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import jakarta.enterprise.context.spi.CreationalContext;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;
import org.agentstream.agent.tools.ToolDiscovery.FoundTool;

/**
 * Calls one tool's method through its bean, so the bean's scope and interceptors apply, with the model's JSON
 * arguments turned into the method's parameters by LangChain4j. A request context is active during the call, as
 * it would be in a web request.
 */
@ApplicationScoped
public class ToolInvoker {

    @Inject
    private BeanManager beans;

    /**
     * The tool's result; {@code isError} when it threw (its message is the result) or the arguments did not fit.
     */
    @ActivateRequestContext
    public ToolExecutionResult invoke(FoundTool tool, ToolExecutionRequest request, String conversationId) {
        CreationalContext<?> context = beans.createCreationalContext(tool.bean());
        try {
            Object reference = beans.getReference(tool.bean(), tool.method().getDeclaringClass(), context);
            DefaultToolExecutor executor = DefaultToolExecutor.builder().object(reference)
                    .originalMethod(tool.method()).methodToInvoke(tool.method())
                    .wrapToolArgumentsExceptions(true).propagateToolExecutionExceptions(false).build();
            return executor.executeWithContext(request, InvocationContext.builder().chatMemoryId(conversationId)
                    .build());
        } catch (ToolArgumentsException badArguments) {
            Throwable cause = badArguments.getCause() == null ? badArguments : badArguments.getCause();
            return ToolExecutionResult.builder().isError(true)
                    .resultText("invalid arguments for " + tool.name() + ": " + cause.getMessage()).build();
        } finally {
            context.release();
        }
    }
}
