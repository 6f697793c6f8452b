package org.agentstream.agent.tools;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import org.agentstream.agent.tools.ToolDiscovery.FoundTool;
import org.agentstream.timing.StepTimer;

/**
 * The application's tools ({@link ToolDiscovery} found them), offered by name to one reply as a {@link ToolBox}
 * whose calls run on the container's {@link ManagedExecutorService}, bounded on the streaming timer. A name that
 * no tool has is left out, with one warning.
 */
@ApplicationScoped
public class ToolDirectory {

    private static final Logger LOG = Logger.getLogger(ToolDirectory.class.getName());

    @Inject
    private ToolDiscovery discovery;

    @Inject
    private ToolInvoker invoker;

    @Inject
    private StepTimer timer;

    @Resource
    private ManagedExecutorService executor;

    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    /** Every tool's name. */
    public Set<String> names() {
        return discovery.tools().keySet();
    }

    /** The tools of those names, for one reply, and the bounds on calling them. */
    public ToolBox offer(Collection<String> names, String conversationId) {
        Map<String, FoundTool> all = discovery.tools();
        List<FoundTool> offered = new ArrayList<>(names.size());
        for (String name : names) {
            FoundTool tool = all.get(name);
            if (tool != null) {
                offered.add(tool);
            } else if (warned.add(name)) {
                LOG.warning("No tool is named " + name + " (the tools are " + all.keySet() + "); it is not offered");
            }
        }
        return new ToolBox(offered, conversationId, invoker, executor, timer);
    }
}
