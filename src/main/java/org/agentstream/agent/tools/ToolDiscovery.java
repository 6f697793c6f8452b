package org.agentstream.agent.tools;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.agent.tool.ToolSpecifications;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.AnnotatedMethod;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.DefinitionException;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.enterprise.inject.spi.ProcessManagedBean;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.TreeMap;

/**
 * Finds the application's tools as CDI starts (a portable extension, listed in {@code META-INF/services}): every
 * method annotated with LangChain4j's {@link Tool} on a managed bean, named by the annotation or else by the method.
 * Two tools of one name, or a tool the model could not be told about, fail the deployment.
 */
public class ToolDiscovery implements Extension {

    /** One tool: the bean it is called through, its method, and how the model is told about it. */
    public record FoundTool(String name, Bean<?> bean, Method method, ToolSpecification specification) {
    }

    private final Map<String, FoundTool> tools = new TreeMap<>();

    <T> void collect(@Observes ProcessManagedBean<T> event) {
        for (AnnotatedMethod<? super T> annotated : event.getAnnotatedBeanClass().getMethods()) {
            Tool tool = annotated.getAnnotation(Tool.class);
            if (tool == null) {
                continue;
            }
            Method method = annotated.getJavaMember();
            String name = tool.name().isBlank() ? method.getName() : tool.name();
            Bean<?> bean = event.getBean();
            if (!bean.getTypes().contains(method.getDeclaringClass())) {
                event.addDefinitionError(new DefinitionException("Tool " + name + ": " + method.getDeclaringClass()
                        .getName() + " is not a type of its bean " + bean.getBeanClass().getName()));
                continue;
            }
            ToolSpecification specification;
            try {
                specification = ToolSpecifications.toolSpecificationFrom(method);
            } catch (RuntimeException unsupported) {
                event.addDefinitionError(new DefinitionException("Tool " + name + " on " + method
                        + " cannot be described to a model: " + unsupported.getMessage(), unsupported));
                continue;
            }
            FoundTool found = new FoundTool(name, bean, method, specification);
            synchronized (tools) {
                FoundTool other = tools.putIfAbsent(name, found);
                if (other != null) {
                    event.addDefinitionError(new DefinitionException("Two tools are named " + name + ": " + method
                            + " and " + other.method()));
                }
            }
        }
    }

    /** Every tool found, by name. */
    public Map<String, FoundTool> tools() {
        synchronized (tools) {
            return Map.copyOf(tools);
        }
    }
}
